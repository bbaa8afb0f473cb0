/**
 * Real AWS SDK v3 clients pointed at a loopback server (the sandbox or moto_server), and a way to
 * turn a call's outcome — answer or error — into a plain value two servers can be compared on.
 */
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { S3Client } from "@aws-sdk/client-s3";
import { STSClient } from "@aws-sdk/client-sts";

export interface LoopbackTarget {
  /** e.g. http://127.0.0.1:45678 */
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

// One attempt: a retried error would hide what the server answered first.
const common = (target: LoopbackTarget, region: string) => ({
  endpoint: target.endpoint,
  region,
  credentials: target.credentials,
  maxAttempts: 1,
});

/** Path-style S3 client (loopback has no per-bucket DNS), signing for `region`. */
export const s3For = (target: LoopbackTarget, region = "us-east-1"): S3Client =>
  new S3Client({ ...common(target, region), forcePathStyle: true });

export const stsFor = (target: LoopbackTarget, region = "us-east-1"): STSClient => new STSClient(common(target, region));

/** Organizations is a global service signed for us-east-1. */
export const organizationsFor = (target: LoopbackTarget): OrganizationsClient =>
  new OrganizationsClient(common(target, "us-east-1"));

/** What an error answer is compared on: the error code the SDK parsed and the HTTP status. */
export interface ErrorAnswer {
  error: string;
  status: number | undefined;
}

/** What a call answered, plus whether the answer carried a request id (compared on presence only). */
export interface ObservedAnswer {
  answer: Record<string, unknown> | ErrorAnswer;
  hasRequestId: boolean;
}

/**
 * Awaits an SDK call and returns its output without `$metadata` (request ids, attempts), or the
 * `{ error, status }` of the service error it threw. Non-service failures (connection refused,
 * unparsable body) are rethrown: they are bugs, not answers.
 */
export async function observe(call: Promise<object>): Promise<ObservedAnswer> {
  try {
    const { $metadata: metadata, ...output } = (await call) as Record<string, unknown> & { $metadata?: { requestId?: string } };
    return { answer: output, hasRequestId: typeof metadata?.requestId === "string" && metadata.requestId !== "" };
  } catch (error) {
    const metadata = (error as { $metadata?: { httpStatusCode?: number; requestId?: string } }).$metadata;
    if (!(error instanceof Error) || metadata?.httpStatusCode === undefined) throw error;
    return {
      answer: { error: error.name, status: metadata.httpStatusCode },
      hasRequestId: typeof metadata.requestId === "string" && metadata.requestId !== "",
    };
  }
}

/** `observe`, keeping only the answer. */
export const answerOf = async (call: Promise<object>): Promise<Record<string, unknown> | ErrorAnswer> => (await observe(call)).answer;
