/**
 * The lean read path's errors: an S3 error answer becomes the object the SDK's RestXml protocol
 * would throw, as far as anything reads it (errors.ts, the limiter, the retry strategy):
 * - `name` and `Code`: the body's `<Code>`, else `NotFound` for a 404, else `Unknown`
 *   (`loadRestXmlErrorCode` and `getErrorSchemaOrThrowBaseException` of @aws-sdk/core);
 * - `message`: the body's `<Message>`, else `UnknownError` (`decorateServiceException`);
 * - the body's other elements copied on (`RequestId`, `HostId`, `Region`, `Endpoint`…);
 * - `$fault` (client below 500), `$metadata` (status, request ids, then attempts) and `$response`
 *   (status and headers, e.g. `x-amz-bucket-region`).
 * test/aws/lean-reads.test.ts compares them with the SDK's errors for the same answers.
 */
import { getRetryAfterHint, isServerError, isThrottlingError, isTransientError } from "@smithy/core/retry";
import type { RetryErrorInfo, RetryErrorType } from "@smithy/types";
import { parseXmlBody } from "./lean-shapes.js";

export interface LeanMetadata {
  httpStatusCode: number;
  requestId?: string;
  extendedRequestId?: string;
  cfId?: string;
  attempts?: number;
  totalRetryDelay?: number;
  /** Set when this answer corrected the clock (a skewed request): the retry strategy retries it. */
  clockSkewCorrected?: boolean;
}

export interface LeanResponse {
  statusCode: number;
  headers: Record<string, string | undefined>;
  body: string;
}

export type LeanServiceError = Error & {
  $fault: "client" | "server";
  $metadata: LeanMetadata;
  $response: { statusCode: number; headers: Record<string, string | undefined> };
} & Record<string, unknown>;

/** What the SDK records of every answer (`deserializeMetadata`). */
export function metadataOf(response: LeanResponse): LeanMetadata {
  const h = response.headers;
  const metadata: LeanMetadata = { httpStatusCode: response.statusCode };
  const requestId = h["x-amzn-requestid"] ?? h["x-amzn-request-id"] ?? h["x-amz-request-id"];
  if (requestId !== undefined) metadata.requestId = requestId;
  if (h["x-amz-id-2"] !== undefined) metadata.extendedRequestId = h["x-amz-id-2"];
  if (h["x-amz-cf-id"] !== undefined) metadata.cfId = h["x-amz-cf-id"];
  return metadata;
}

/** The error the SDK would throw for this non-2xx answer. */
export function serviceError(response: LeanResponse): LeanServiceError {
  let data: Record<string, unknown> = {};
  try {
    data = parseXmlBody(response.body);
  } catch {
    // Not XML (a proxy's page): the SDK would name it by its status as below.
  }
  if (typeof data.Error === "object" && data.Error !== null) data = { ...data, ...(data.Error as Record<string, unknown>) };
  const code = typeof data.Code === "string" ? data.Code : response.statusCode === 404 ? "NotFound" : "Unknown";
  const message = typeof data.Message === "string" && data.Message !== "" ? data.Message : typeof data.message === "string" ? data.message : "UnknownError";
  const metadata = metadataOf(response);
  if (metadata.requestId === undefined && typeof data.RequestId === "string") metadata.requestId = data.RequestId;
  // Without a stack: it would only name lean-s3.ts, and capturing one costs more than the rest of
  // this function (every bucket without a replication configuration gets here).
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const error = new Error() as LeanServiceError;
  Error.stackTraceLimit = limit;
  // Set after construction, as the SDK's exceptions get it: an own, enumerable `message`.
  error.message = message;
  error.name = code;
  error.$fault = response.statusCode < 500 ? "client" : "server";
  error.$metadata = metadata;
  // Not enumerable, as the SDK's: a bucket error's JSON carries no raw answer.
  Object.defineProperty(error, "$response", { value: { statusCode: response.statusCode, headers: response.headers }, enumerable: false });
  for (const [key, value] of Object.entries(data)) {
    if (key === "Message" || key === "message" || key === "Error" || value === undefined) continue;
    if (error[key] === undefined || error[key] === "") error[key] = value;
  }
  return error;
}

/** How the SDK's retry middleware classifies an error for its retry strategy (`getRetryErrorType`). */
function retryErrorType(error: unknown): RetryErrorType {
  const e = error as Parameters<typeof isThrottlingError>[0];
  if (isThrottlingError(e)) return "THROTTLING";
  if (isTransientError(e)) return "TRANSIENT";
  if (isServerError(e)) return "SERVER_ERROR";
  return "CLIENT_ERROR";
}

/** What the SDK's retry middleware hands its retry strategy about a failed attempt (`getRetryErrorInfo`). */
export function retryErrorInfo(error: unknown): RetryErrorInfo {
  const info: RetryErrorInfo = { error: error as RetryErrorInfo["error"], errorType: retryErrorType(error) };
  const response = (error as { $response?: { headers?: Record<string, string | undefined> } }).$response;
  const hint = response === undefined ? undefined : getRetryAfterHint(response as Parameters<typeof getRetryAfterHint>[0]);
  if (hint !== undefined) info.retryAfterHint = hint;
  return info;
}
