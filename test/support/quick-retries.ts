/**
 * The retry decisions of the SDK's standard mode (throttling and transient errors are retried, up to
 * `maxAttempts` a call) with millisecond pauses instead of its backoff: a test meets the same
 * throttles and retries in a fraction of a second. Handed to the real SDK clients (and the lean path)
 * through their documented `retryStrategy` option; `retried` records what it retried.
 */
import type { RetryErrorType, RetryStrategyV2, StandardRetryToken } from "@smithy/types";
import { AwsClientFactory } from "../../src/aws/index.js";
import type { Sandbox } from "../../src/sandbox/index.js";

export interface QuickRetries {
  strategy: RetryStrategyV2;
  retried: RetryErrorType[];
}

/** `pause(count)`: the ms before the count-th retry (1 ms each by default; 1, 2, 4… where a test wants the backoff's shape). */
export function quickRetries(maxAttempts: number, pause: (count: number) => number = () => 1): QuickRetries {
  const retried: RetryErrorType[] = [];
  const token = (count: number): StandardRetryToken => ({ getRetryCount: () => count, getRetryDelay: () => pause(count), getRetryCost: () => undefined });
  const strategy: RetryStrategyV2 = {
    acquireInitialRetryToken: () => Promise.resolve(token(0)),
    refreshRetryTokenForRetry: (previous, info) => {
      const retryable = info.errorType === "THROTTLING" || info.errorType === "TRANSIENT";
      // A refusal makes the SDK throw the call's own error, as its standard strategy does.
      if (!retryable || previous.getRetryCount() + 1 >= maxAttempts) return Promise.reject(new Error("no retry"));
      retried.push(info.errorType);
      return Promise.resolve(token(previous.getRetryCount() + 1));
    },
    recordSuccess: () => undefined,
  };
  return { strategy, retried };
}

/** 1, 2, 4… ms: the standard backoff's doubling, in milliseconds. */
export const doubling = (count: number): number => 2 ** (count - 1);

/** A client factory on `sandbox` (closed by the caller); with `retries`, quick retries up to that many attempts, else one attempt. */
export async function leanFactory(sandbox: Sandbox, retries?: number): Promise<AwsClientFactory> {
  const factory = new AwsClientFactory({ endpoint: sandbox.endpoint, region: sandbox.region, maxAttempts: retries ?? 1, maxSockets: 8, ...(retries === undefined ? {} : { retryStrategy: quickRetries(retries).strategy }) });
  await factory.resolveS3Settings();
  return factory;
}
