/**
 * Turning whatever the SDK throws into the `{ operation, code, message }` the documents carry.
 * Failures are data: nothing here throws.
 */
import type { BucketError } from "../model/index.js";

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

const asShape = (error: unknown): SdkErrorShape =>
  typeof error === "object" && error !== null ? (error as SdkErrorShape) : {};

/** Node socket errors that mean "the network failed", not "AWS said no". */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "ESOCKETTIMEDOUT", "TimeoutError", "RequestTimeout", "RequestTimeoutException"]);

/** HTTP status of an SDK service error, when it got that far. */
export function httpStatusOf(error: unknown): number | undefined {
  return asShape(error).$metadata?.httpStatusCode;
}

/** A response header of an SDK service error (e.g. `x-amz-bucket-region` on HeadBucket 301/403). */
export function responseHeaderOf(error: unknown, name: string): string | undefined {
  const headers = asShape(error).$response?.headers;
  return headers?.[name] ?? headers?.[name.toLowerCase()];
}

/** The AWS error code (`AccessDenied`, `NoSuchBucket`...), or `Timeout` / `NetworkError` / the HTTP status. */
export function awsErrorCode(error: unknown): string {
  const shape = asShape(error);
  const node = typeof shape.code === "string" ? shape.code : undefined;
  const name = typeof shape.name === "string" ? shape.name : undefined;
  if ((node !== undefined && TIMEOUT_CODES.has(node)) || (name !== undefined && TIMEOUT_CODES.has(name))) return "Timeout";
  if (node !== undefined && NETWORK_CODES.has(node)) return "NetworkError";
  if (typeof shape.Code === "string" && shape.Code !== "") return shape.Code;
  // Bodiless answers (HEAD) come back named after the status ("NotFound", "Forbidden", "403").
  if (name !== undefined && name !== "Error" && name !== "UnknownError") return name;
  const status = httpStatusOf(error);
  return status === undefined ? "UnknownError" : String(status);
}

export function awsErrorMessage(error: unknown): string {
  const message = asShape(error).message;
  return typeof message === "string" && message !== "" ? message : awsErrorCode(error);
}

export function toBucketError(operation: string, error: unknown): BucketError {
  return { operation, code: awsErrorCode(error), message: awsErrorMessage(error) };
}

const THROTTLING_CODES = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "ProvisionedThroughputExceededException",
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "PriorRequestNotComplete",
]);

/** Throttling that outlasted the SDK's own retries (or its retry quota): worth another try later. */
export function isThrottling(error: unknown): boolean {
  return THROTTLING_CODES.has(awsErrorCode(error)) || httpStatusOf(error) === 429 || httpStatusOf(error) === 503;
}

const ACCESS_DENIED_CODES = new Set(["AccessDenied", "AccessDeniedException", "Forbidden", "403"]);

export function isAccessDenied(error: unknown): boolean {
  return ACCESS_DENIED_CODES.has(awsErrorCode(error));
}
