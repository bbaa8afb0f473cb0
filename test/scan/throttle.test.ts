import type { RetryErrorType, RetryStrategyV2, StandardRetryToken } from "@smithy/types";
import { describe, expect, it } from "vitest";
import { scanSandbox, withSandbox } from "../support/scan.js";
import { testScenario } from "../support/scenarios/scan.js";

/**
 * The retry decisions of the SDK's standard mode (throttling and transient errors are retried, up
 * to `maxAttempts` per call) with a pause of 1, 2, 4… ms instead of the standard mode's backoff: the
 * scan then meets the same throttles and retries in a fraction of a second. It is handed to the
 * real SDK clients through their documented `retryStrategy` option, and records what it retried.
 */
function quickRetries(maxAttempts: number): { strategy: RetryStrategyV2; retried: RetryErrorType[] } {
  const retried: RetryErrorType[] = [];
  const token = (count: number): StandardRetryToken => ({ getRetryCount: () => count, getRetryDelay: () => 2 ** (count - 1), getRetryCost: () => undefined });
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

describe("scan/throttling", () => {
  it("loses no bucket and records no error when 30% of all calls are throttled, retrying every throttled call", async () => {
    const baseline = await withSandbox(async (sandbox) => ({ result: await scanSandbox(sandbox), calls: sandbox.calls.length }));
    const { strategy, retried } = quickRetries(10);
    await withSandbox(
      async (sandbox) => {
        const result = await scanSandbox(sandbox, { retryStrategy: strategy });
        const throttled = sandbox.calls.filter((c) => c.status === 503 || c.status === 400);
        // The seed makes the faults land on STS, Organizations and S3 calls alike.
        expect(throttled.length).toBeGreaterThan(5);
        expect(new Set(throttled.map((c) => c.service))).toEqual(new Set(["sts", "organizations", "s3"]));
        // Each throttled answer was retried once by the client, and nothing else needed a retry.
        // Each throttled answer was retried once by the client, and nothing else needed a retry. A
        // HEAD answer has no body to name SlowDown, so the SDK reads its bare 503 as transient.
        const expected = throttled.map((c) => (c.operation === "HeadBucket" ? "TRANSIENT" : "THROTTLING"));
        expect([...retried].sort()).toEqual(expected.sort());
        // The answered calls are the unthrottled scan's, one for one.
        expect(sandbox.calls.length - throttled.length).toBe(baseline.calls);
        // Same documents, call for call: throttling changed nothing but the number of attempts.
        expect(result.buckets.map((b) => b.name)).toEqual(baseline.result.buckets.map((b) => b.name));
        // The scenario's one denied read stays the only error: no throttle became a bucket error.
        expect(baseline.result.buckets.flatMap((b) => b.errors)).toHaveLength(1);
        expect(result.buckets.flatMap((b) => b.errors)).toEqual(baseline.result.buckets.flatMap((b) => b.errors));
        expect(result.accounts.flatMap((a) => a.errors)).toEqual(baseline.result.accounts.flatMap((a) => a.errors));
        expect(result.coverage).toEqual(baseline.result.coverage);
        expect(result.buckets).toEqual(baseline.result.buckets);
        expect(result.accounts).toEqual(baseline.result.accounts);
      },
      testScenario(),
      { faults: { throttleRate: 0.3, seed: 1 } },
    );
  });
});
