/**
 * The lean read path changes nothing an auditor reads (issue #15, "CPU"): the demo organization and
 * a generated one, audited with every default policy once through the SDK clients (`leanReads:
 * false`) and once through the lean path (the bucket reads, S3 Control ListJobs, a destination's
 * policy and ownership, KMS key policies, every account's ListBuckets, the replication role reads), give identical
 * bucket documents, results, accounts and coverage, with the same AWS calls; and a throttled scan through the lean path loses nothing and
 * counts its retries.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { audit } from "../../src/audit/index.js";
import { LeanS3 } from "../../src/aws/lean-s3.js";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/index.js";
import { scanSandbox } from "../support/scan.js";
import { doubling, quickRetries } from "../support/quick-retries.js";

afterEach(() => {
  vi.restoreAllMocks();
});

/** The replication role reads (src/aws/lean-iam.ts). */
const IAM_READS = ["GetRole", "ListRolePolicies", "GetRolePolicy", "ListAttachedRolePolicies", "GetPolicy", "GetPolicyVersion"];

/** Operation → calls, for the calls logged since `from`. */
function callsByOperation(sandbox: Sandbox, from: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of sandbox.calls.slice(from)) counts[call.operation] = (counts[call.operation] ?? 0) + 1;
  return counts;
}

/** Audits the sandbox with every default policy through one read path; what an auditor reads of it. */
async function auditWith(sandbox: Sandbox, leanReads: boolean) {
  // A spy that calls through: it only counts the calls the lean path served (bucket reads and S3 Control ListJobs).
  const spy = vi.spyOn(LeanS3.prototype, "retried");
  const from = sandbox.calls.length;
  const { snapshot } = await audit({
    scan: { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region, leanReads },
    formats: [],
  });
  const leanCalls = spy.mock.calls.length;
  spy.mockRestore();
  return {
    leanCalls,
    calls: callsByOperation(sandbox, from),
    view: { accounts: snapshot.accounts, buckets: snapshot.buckets, results: snapshot.results, coverage: snapshot.coverage, retries: snapshot.scan.retries },
  };
}

async function compareOn(options: SandboxOptions): Promise<{ buckets: number; leanCalls: number; calls: Record<string, number> }> {
  const sandbox = await startSandbox(options);
  try {
    const sdk = await auditWith(sandbox, false);
    const lean = await auditWith(sandbox, true);
    expect(sdk.leanCalls).toBe(0);
    // Every hot GET and every ListJobs went the lean way (none of the demo's or generator's names needs the SDK's).
    const hot = ["GetBucketVersioning", "GetBucketReplication", "GetObjectLockConfiguration", "GetBucketEncryption", "GetBucketTagging", "ListJobs", "GetBucketPolicy", "GetBucketOwnershipControls", "GetKeyPolicy", "ListBuckets", ...IAM_READS];
    expect(lean.calls.ListJobs).toBeGreaterThan(0);
    expect(lean.calls.ListBuckets).toBeGreaterThan(0);
    expect(lean.calls.GetRole).toBeGreaterThan(0);
    expect(lean.leanCalls).toBe(hot.reduce((sum, op) => sum + (lean.calls[op] ?? 0), 0));
    expect(lean.leanCalls).toBeGreaterThan(lean.view.buckets.length);
    expect(lean.calls).toEqual(sdk.calls);
    expect(lean.view).toEqual(sdk.view);
    expect(JSON.stringify(lean.view)).toBe(JSON.stringify(sdk.view));
    return { buckets: lean.view.buckets.length, leanCalls: lean.leanCalls, calls: lean.calls };
  } finally {
    await sandbox.close();
  }
}

describe("scan/lean read path equivalence", () => {
  it("gives the demo organization's documents, results and calls exactly as the SDK path does (AccessDenied and missing configurations included)", async () => {
    const { buckets, calls } = await compareOn({ scenario: "demo" });
    expect(buckets).toBeGreaterThan(20);
    // The access facts' reads (a destination's policy and ownership, key policies) are among the lean calls compared.
    expect([calls.GetBucketPolicy, calls.GetBucketOwnershipControls, calls.GetKeyPolicy].every((n) => (n ?? 0) > 0)).toBe(true);
  });

  it("gives a generated organization's documents, results and calls exactly as the SDK path does", async () => {
    const { buckets } = await compareOn({ generate: { accounts: 4, buckets: 10, seed: 11 } });
    expect(buckets).toBeGreaterThan(30);
  });

  it("retries throttled reads through the SDK's retry strategy, loses no bucket and counts every retry", async () => {
    const sandbox = await startSandbox({ scenario: "demo" });
    const throttled = await startSandbox({ scenario: "demo", faults: { throttleRate: 0.3, seed: 5 } });
    try {
      const baseline = await scanSandbox(sandbox, { leanReads: false });
      const spy = vi.spyOn(LeanS3.prototype, "get");
      const result = await scanSandbox(throttled, { leanReads: true, retryStrategy: quickRetries(10, doubling).strategy });
      expect(spy.mock.calls.length).toBeGreaterThan(0);
      const slowDowns = throttled.calls.filter((c) => c.status === 503 && c.operation.startsWith("GetBucket"));
      expect(slowDowns.length).toBeGreaterThan(5);
      expect(result.buckets).toEqual(baseline.buckets);
      expect(result.accounts).toEqual(baseline.accounts);
      expect(result.coverage).toEqual(baseline.coverage);
      // Each throttled GET was retried and counted as an extra attempt in the scan's summary (with
      // the other services' throttles, which the SDK path retries and counts as before).
      const allThrottled = throttled.calls.filter((c) => c.status === 503 || c.status === 400).length;
      expect(result.scan.retries?.extraAttempts).toBeGreaterThanOrEqual(slowDowns.length);
      expect(result.scan.retries?.extraAttempts).toBeLessThanOrEqual(allThrottled);
      expect(result.scan.retries?.retriedCalls).toBeGreaterThan(0);
    } finally {
      await sandbox.close();
      await throttled.close();
    }
  });
});
