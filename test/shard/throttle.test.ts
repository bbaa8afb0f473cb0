/**
 * Throttling, with 20% of all calls throttled (seeded) on the demo, scanned as two shards and
 * merged: every bucket is evaluated, no bucket, account or result error comes from throttling, and
 * the snapshot and the summary say how many calls were retried. Retries use the SDK's standard
 * decisions with millisecond pauses (its documented `retryStrategy` option), so the test takes no
 * seconds of backoff.
 */
import type { RetryStrategyV2, StandardRetryToken } from "@smithy/types";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit } from "../../src/audit/index.js";
import { retryLines } from "../../src/cli/retry-summary.js";
import { merge, type MergeResult } from "../../src/merge/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { tempDir } from "../support/temp-dir.js";

const THROTTLED = /Throttl|SlowDown|TooManyRequests|RequestLimitExceeded/;

const quickRetries: RetryStrategyV2 = (() => {
  const token = (count: number): StandardRetryToken => ({ getRetryCount: () => count, getRetryDelay: () => 1, getRetryCost: () => undefined });
  return {
    acquireInitialRetryToken: () => Promise.resolve(token(0)),
    refreshRetryTokenForRetry: (previous, info) =>
      (info.errorType === "THROTTLING" || info.errorType === "TRANSIENT") && previous.getRetryCount() < 9
        ? Promise.resolve(token(previous.getRetryCount() + 1))
        : Promise.reject(new Error("no retry")),
    recordSuccess: () => undefined,
  };
})();

describe("throttling: 20% of calls throttled", () => {
  let sandbox: Sandbox;
  let temp: { dir: string; cleanup: () => Promise<void> };
  let merged: MergeResult;

  beforeAll(async () => {
    temp = await tempDir("throttle");
    sandbox = await startSandbox({ scenario: "demo", faults: { throttleRate: 0.2, seed: 7 } });
    const scan = { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region, retryStrategy: quickRetries };
    const files: string[] = [];
    for (const index of [0, 1]) {
      const outDir = join(temp.dir, `s${index}`);
      await audit({ scan: { ...scan, shard: { index, count: 2 } }, outDir, formats: ["json"] });
      files.push(join(outDir, "snapshot.json"));
    }
    merged = await merge({ snapshots: files, outDir: join(temp.dir, "m"), formats: ["json"] });
  }, 60_000);
  afterAll(async () => {
    await sandbox?.close();
    await temp?.cleanup();
  });

  it("evaluates every bucket and loses nothing to throttling", () => {
    const { snapshot } = merged;
    expect(snapshot.buckets.length).toBeGreaterThan(10);
    const evaluated = new Set(snapshot.results.map((r) => r.bucketArn));
    expect(snapshot.buckets.filter((b) => !evaluated.has(b.arn))).toEqual([]);
    expect(snapshot.buckets.flatMap((b) => b.errors).filter((e) => THROTTLED.test(e.code))).toEqual([]);
    expect(snapshot.accounts.flatMap((a) => a.errors).filter((e) => THROTTLED.test(e.code))).toEqual([]);
    expect(snapshot.results.filter((r) => r.status === "error" && THROTTLED.test(r.message))).toEqual([]);
  });

  it("counts the retried calls in the snapshot and says so in the summary", () => {
    // Throttled answers the scanner's own calls got (AssumeRole and GetCallerIdentity retry inside the SDK's credential provider).
    const throttled = sandbox.calls.filter((c) => (c.status === 503 || c.status === 400) && c.operation !== "AssumeRole" && c.operation !== "GetCallerIdentity");
    expect(throttled.length).toBeGreaterThan(5);
    const retries = merged.snapshot.scan.retries!;
    // Each throttled answer cost one more attempt (a dropped keep-alive socket may add one the sandbox never saw).
    expect(retries.extraAttempts).toBeGreaterThanOrEqual(throttled.length);
    expect(retries.extraAttempts).toBeLessThanOrEqual(throttled.length + 2);
    expect(retries.retriedCalls).toBeGreaterThan(0);
    expect(retries.retriedCalls).toBeLessThanOrEqual(retries.extraAttempts);
    expect(retries.calls).toBeGreaterThan(sandbox.calls.length / 2);
    expect(retryLines(retries)).toEqual([
      `retried: ${retries.retriedCalls} of ${retries.calls} AWS calls (${retries.extraAttempts} extra attempts, after throttling or transient errors)`,
    ]);
    expect(retryLines({ calls: 10, retriedCalls: 0, extraAttempts: 0 })).toEqual([]);
  });
});
