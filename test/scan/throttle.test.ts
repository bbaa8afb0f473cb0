import { describe, expect, it } from "vitest";
import { scanSandbox, withSandbox } from "../support/scan.js";
import { testScenario } from "../support/scenarios/scan.js";
import { doubling, quickRetries } from "../support/quick-retries.js";

describe("scan/throttling", () => {
  it("loses no bucket and records no error when 30% of all calls are throttled, retrying every throttled call", async () => {
    const baseline = await withSandbox(async (sandbox) => ({ result: await scanSandbox(sandbox), calls: sandbox.calls.length }));
    const { strategy, retried } = quickRetries(10, doubling);
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
