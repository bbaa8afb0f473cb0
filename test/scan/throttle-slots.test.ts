/**
 * A throttled call does not hold its request slot while it backs off (src/aws/request-slots.ts):
 * with one slot, other calls are answered between a throttled answer and its retry, on the lean
 * read path and on the SDK path alike. Told from the sandbox's call log (answers in the order they
 * were given), never from the clock. The retries are still counted exactly, and the documents are
 * the unthrottled scan's.
 */
import type { RetryStrategyV2, StandardRetryToken } from "@smithy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type CallRecord, type Sandbox } from "../../src/sandbox/index.js";
import type { ScanResult } from "../../src/scan/index.js";
import { scanSandbox } from "../support/scan.js";

const GENERATE = { accounts: 3, buckets: 5, seed: 5 };
/** One request slot; three accounts read at once (each one bucket at a time), so calls queue for it. */
const ONE_SLOT = { accounts: 3, requests: 1 };

/** The standard mode's retry decisions with a pause of 1, 2, 4… ms (a pause there is, so a slot could be held through it). */
const quickRetries = (maxAttempts: number): RetryStrategyV2 => {
  const token = (count: number): StandardRetryToken => ({ getRetryCount: () => count, getRetryDelay: () => 2 ** count, getRetryCost: () => undefined });
  return {
    acquireInitialRetryToken: () => Promise.resolve(token(0)),
    refreshRetryTokenForRetry: (previous, info) =>
      (info.errorType === "THROTTLING" || info.errorType === "TRANSIENT") && previous.getRetryCount() + 1 < maxAttempts
        ? Promise.resolve(token(previous.getRetryCount() + 1))
        : Promise.reject(new Error("no retry")),
    recordSuccess: () => undefined,
  };
};

const throttledAnswer = (c: CallRecord): boolean => c.status === 503 || (c.status === 400 && c.service !== "s3");

/**
 * The extra attempts the limiter counts: one per throttled answer, except the credential
 * provider's AssumeRole, which retries inside the SDK and comes back as credentials without a
 * count, or (denied after a throttle) as an error carrying the SDK's attempts, which are counted.
 */
function extraAttempts(log: CallRecord[]): number {
  let extra = 0;
  for (const [index, call] of log.entries()) {
    if (!throttledAnswer(call)) continue;
    if (call.operation !== "AssumeRole") extra++;
    else if (log.find((later, j) => j > index && later.operation === "AssumeRole")?.status !== 200) extra++;
  }
  return extra;
}
const key = (c: CallRecord): string => `${c.account} ${c.operation} ${c.bucket}`;

/**
 * For each throttled answer to a per-bucket call (one such call per bucket and operation, so the
 * next answer with the same key is its retry), how many other answers came in between.
 */
function between(log: CallRecord[], operations: Set<string>): number[] {
  return log.flatMap((call, index) => {
    if (!throttledAnswer(call) || call.bucket === null || !operations.has(call.operation)) return [];
    const retry = log.findIndex((later, j) => j > index && key(later) === key(call));
    expect(retry, `${key(call)} was retried`).toBeGreaterThan(index);
    return [retry - index - 1];
  });
}

let throttled: Sandbox;
let baseline: ScanResult;
beforeAll(async () => {
  const plain = await startSandbox({ generate: GENERATE });
  try {
    baseline = await scanSandbox(plain, { concurrency: ONE_SLOT });
  } finally {
    await plain.close();
  }
  throttled = await startSandbox({ generate: GENERATE, faults: { throttleRate: 0.3, seed: 4 } });
});
afterAll(async () => {
  await throttled?.close();
});

describe.each([
  { path: "lean read path", leanReads: true, operations: ["GetBucketVersioning", "GetBucketReplication"] },
  { path: "SDK clients", leanReads: false, operations: ["GetBucketVersioning", "GetBucketReplication", "HeadBucket", "GetBucketPolicy"] },
])("scan/throttling, one request slot, $path", ({ leanReads, operations }) => {
  it("answers other calls while a throttled call backs off, and counts every retry", async () => {
    const from = throttled.calls.length;
    const result = await scanSandbox(throttled, { leanReads, retryStrategy: quickRetries(10), concurrency: ONE_SLOT });
    const log = throttled.calls.slice(from);

    const gaps = between(log, new Set(operations));
    expect(gaps.length, "the seed throttles some per-bucket reads").toBeGreaterThan(3);
    // With the slot held through the backoff, one slot answers a call's retry right after its throttle: every gap 0.
    expect(gaps.filter((gap) => gap > 0).length, `gaps ${gaps.join(",")}`).toBeGreaterThan(gaps.length / 2);

    // Each throttled answer the scanner counts is one extra attempt; the calls are the unthrottled scan's.
    const extra = extraAttempts(log);
    expect(result.scan.retries).toEqual({ calls: baseline.scan.retries!.calls, retriedCalls: expect.any(Number), extraAttempts: extra });
    expect(result.scan.retries!.retriedCalls).toBeGreaterThan(0);
    expect(result.scan.retries!.retriedCalls).toBeLessThanOrEqual(extra);
    // Nothing lost, nothing changed: the documents and coverage are the unthrottled scan's.
    expect(result.buckets).toEqual(baseline.buckets);
    expect(result.accounts).toEqual(baseline.accounts);
    expect(result.coverage).toEqual(baseline.coverage);
  });
});
