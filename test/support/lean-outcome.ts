/**
 * What the scan's readers, the request limiter and the retry strategy read of an answer or an error,
 * the request ids aside: the lean path's tests compare it between the lean call and the SDK client's.
 */
import { awsErrorCode, isAccessDenied, isThrottling } from "../../src/aws/index.js";
import { retryErrorInfo } from "../../src/aws/lean-errors.js";

type Metadata = { httpStatusCode?: number; attempts?: number };
export type ErrorFacts = Error & Record<string, unknown> & { $fault?: string; $metadata: Metadata };

/** `more(error)`: what else a file compares of an error (its message as errors.ts words it, its bucket error entry…). */
export async function callOutcome<More extends Record<string, unknown> = Record<never, never>>(call: () => Promise<unknown>, more: (error: ErrorFacts) => More = () => ({}) as More) {
  try {
    const { $metadata, ...output } = (await call()) as { $metadata: Metadata };
    return { ok: true, output, status: $metadata.httpStatusCode, attempts: $metadata.attempts } as const;
  } catch (error) {
    const e = error as ErrorFacts;
    const fields = Object.fromEntries(Object.entries(e).filter(([key]) => !key.startsWith("$") && key !== "RequestId" && key !== "HostId"));
    return {
      ok: false,
      name: e.name,
      fields,
      fault: e.$fault,
      status: e.$metadata.httpStatusCode,
      attempts: e.$metadata.attempts,
      code: awsErrorCode(e),
      denied: isAccessDenied(e),
      throttling: isThrottling(e),
      retry: retryErrorInfo(e).errorType,
      ...more(e),
    } as const;
  }
}
