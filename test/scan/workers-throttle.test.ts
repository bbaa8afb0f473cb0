/**
 * Throttling through the command line with worker threads: 20% of all calls throttled (seeded) on a
 * small generated organization, `audit --workers 2` with the SDK's real retries (standard mode). Every
 * bucket is evaluated, nothing is lost to throttling, and the summary counts the retries the
 * workers made (they are summed into the main thread's count). No timing is asserted.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import type { RetryCounts } from "../../src/model/index.js";
import { runMain, type CliRun } from "../support/cli.js";
import { tempDir } from "../support/temp-dir.js";

const THROTTLED = /Throttl|SlowDown|TooManyRequests|RequestLimitExceeded/;

describe("scan/workers: 20% of calls throttled", () => {
  let sandbox: Sandbox;
  let temp: Awaited<ReturnType<typeof tempDir>>;
  let run: CliRun;
  let records: { record: string; [key: string]: unknown }[];
  beforeAll(async () => {
    temp = await tempDir("workers-throttle");
    sandbox = await startSandbox({ generate: { accounts: 4, buckets: 5, seed: 3 }, faults: { throttleRate: 0.2, seed: 7 } });
    const env = { AWS_ACCESS_KEY_ID: sandbox.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sandbox.credentials.secretAccessKey, AWS_REGION: sandbox.region };
    run = await runMain(["audit", "--endpoint-url", sandbox.endpoint, "--format", "json", "--workers", "2", "--out", join(temp.dir, "out")], { env });
    const text = await readFile(join(temp.dir, "out", "snapshot.json"), "utf8");
    records = text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as { record: string });
  }, 120_000);
  afterAll(async () => {
    await sandbox?.close();
    await temp?.cleanup();
  });

  it("evaluates every bucket and loses nothing to throttling", () => {
    const buckets = records.filter((r) => r.record === "bucket").map((r) => r.bucket as { arn: string; errors: { code: string }[] });
    expect(buckets).toHaveLength(4 * 5);
    const evaluated = new Set(records.filter((r) => r.record === "result").map((r) => (r.result as { bucketArn: string }).bucketArn));
    expect(buckets.filter((b) => !evaluated.has(b.arn))).toEqual([]);
    expect(buckets.flatMap((b) => b.errors).filter((e) => THROTTLED.test(e.code))).toEqual([]);
    const accounts = records.filter((r) => r.record === "account").map((r) => r.account as { scan: string; errors: { code: string }[] });
    expect(accounts.every((a) => a.scan === "scanned")).toBe(true);
    expect(accounts.flatMap((a) => a.errors).filter((e) => THROTTLED.test(e.code))).toEqual([]);
  });

  it("counts the workers' retried calls in the snapshot and says so in the summary", () => {
    // The scanner's own throttled answers (AssumeRole and GetCallerIdentity retry inside the SDK's credential provider, uncounted).
    const throttled = sandbox.calls.filter((c) => (c.status === 503 || c.status === 400) && c.operation !== "AssumeRole" && c.operation !== "GetCallerIdentity");
    expect(throttled.length).toBeGreaterThan(5);
    // Most of them are the accounts phase's, which the workers made.
    expect(throttled.filter((c) => c.service === "s3" && c.operation !== "HeadBucket").length).toBeGreaterThan(3);
    const retries = (records[0]!.scan as { retries: RetryCounts }).retries;
    // Each throttled answer cost one more attempt (a dropped keep-alive socket may add one the sandbox never saw).
    expect(retries.extraAttempts).toBeGreaterThanOrEqual(throttled.length);
    expect(retries.extraAttempts).toBeLessThanOrEqual(throttled.length + 2);
    expect(run.stdout).toContain(`retried: ${retries.retriedCalls} of ${retries.calls} AWS calls (${retries.extraAttempts} extra attempts, after throttling or transient errors)`);
  });
});
