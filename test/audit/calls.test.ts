/**
 * What an audit costs and touches, read from the sandbox's call log: no mutating call ever, and
 * per bucket exactly the calls its policy set needs. Expected counts are derived from
 * scenarios/demo.json directly, not from the scanner's output.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { audit, type AuditOptions } from "../../src/audit/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { CallRecord, Sandbox, Scenario } from "../../src/sandbox/types.js";

const demo = JSON.parse(readFileSync(new URL("../../scenarios/demo.json", import.meta.url), "utf8")) as Scenario;
const scannedAccounts = new Set(demo.accounts.filter((a) => a.status !== "SUSPENDED" && a.id !== "777777777777").map((a) => a.id));
const scannedBuckets = demo.accounts.filter((a) => scannedAccounts.has(a.id)).flatMap((a) => a.buckets ?? []);
const destinationNames = new Set(
  scannedBuckets.flatMap((b) => b.replication?.Rules.map((r) => String(r.Destination?.Bucket).replace("arn:aws:s3:::", "")) ?? []),
);
const inventory = new Set(scannedBuckets.map((b) => b.name));

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function auditDemo(options: Omit<AuditOptions, "scan" | "formats"> = {}): Promise<CallRecord[]> {
  sandbox = await startSandbox({ scenario: "demo" });
  await audit({ ...options, scan: { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region }, formats: [] });
  return [...sandbox.calls];
}

/** The default policies' audit of the demo, run once for the tests that read its calls. */
let defaultAudit: Promise<CallRecord[]> | undefined;
const defaultCalls = (): Promise<CallRecord[]> => (defaultAudit ??= auditDemo());

const count = (calls: CallRecord[], operation: string, bucket?: string): number =>
  calls.filter((c) => c.operation === operation && (bucket === undefined || c.bucket === bucket)).length;

describe("audit/calls", () => {
  it("issues no mutating call", async () => {
    const calls = await defaultCalls();
    expect(calls.length).toBeGreaterThan(50);
    expect(calls.filter((c) => c.mutating)).toEqual([]);
    const operations = new Set(calls.map((c) => c.operation));
    for (const operation of operations) expect(operation).toMatch(/^(List|Get|Head|Describe|AssumeRole$)/);
  });

  it("makes exactly the calls the default policies need, per bucket", async () => {
    const calls = await defaultCalls();
    for (const bucket of scannedBuckets) {
      const replicationPossible = bucket.versioning !== undefined; // never-versioned buckets cannot replicate
      // Encryption matters only to a policy about replicating buckets: read where replication is
      // configured, or where GetBucketReplication was denied (it may be).
      const replicationMayExist = bucket.replication !== undefined || (bucket.deny ?? []).includes("GetBucketReplication");
      const isResolvedDestination = destinationNames.has(bucket.name);
      expect({
        bucket: bucket.name,
        versioning: count(calls, "GetBucketVersioning", bucket.name),
        replication: count(calls, "GetBucketReplication", bucket.name),
        encryption: count(calls, "GetBucketEncryption", bucket.name),
        objectLock: count(calls, "GetObjectLockConfiguration", bucket.name),
        tagging: count(calls, "GetBucketTagging", bucket.name),
      }).toEqual({
        bucket: bucket.name,
        versioning: 1,
        replication: replicationPossible ? 1 : 0,
        encryption: replicationMayExist ? 1 : 0,
        objectLock: isResolvedDestination ? 1 : 0,
        // Tags group the buckets of one replication role (replication-role-dedicated).
        tagging: replicationMayExist ? 1 : 0,
      });
    }
    // The replication roles: read once per role, in its account, not once per bucket (docs/iam.md).
    const roles = new Set(scannedBuckets.flatMap((b) => (b.replication === undefined ? [] : [b.replication.Role])));
    expect(calls.filter((c) => c.operation === "GetRole").map((c) => c.account).sort()).toEqual([...roles].map((arn) => arn.split(":")[4]).sort());
    // Bucket policies: once per cross-account destination in a scanned account.
    const owner = new Map(demo.accounts.flatMap((a) => (a.buckets ?? []).map((b) => [b.name, a.id] as const)));
    const crossAccount = new Set(
      scannedBuckets.flatMap((b) => {
        const source = owner.get(b.name);
        return (b.replication?.Rules ?? []).map((r) => String(r.Destination?.Bucket).replace("arn:aws:s3:::", "")).filter((d) => owner.has(d) && owner.get(d) !== source && scannedAccounts.has(owner.get(d) as string));
      }),
    );
    expect(calls.filter((c) => c.operation === "GetBucketPolicy").map((c) => c.bucket).sort()).toEqual([...crossAccount].sort());
    // HeadBucket only for destinations outside the scanned inventory, once each.
    const unresolved = [...destinationNames].filter((name) => !inventory.has(name)).sort();
    expect(calls.filter((c) => c.operation === "HeadBucket").map((c) => c.bucket).sort()).toEqual(unresolved);
    // ListBuckets once per scanned account (the demo has fewer buckets than one page).
    expect(count(calls, "ListBuckets")).toBe(scannedAccounts.size);
  });

  it("reads no Object Lock and no encryption for a pack whose policies do not look at them", async () => {
    const calls = await auditDemo({ policies: { packs: ["immutability"] } });
    expect(count(calls, "GetBucketEncryption")).toBe(0);
    expect(count(calls, "GetObjectLockConfiguration")).toBe([...destinationNames].filter((n) => inventory.has(n)).length);
    const resilience = await (async () => {
      await sandbox?.close();
      return auditDemo({ policies: { packs: ["resilience"] } });
    })();
    expect(count(resilience, "GetObjectLockConfiguration")).toBe(0);
    const replicating = scannedBuckets.filter((b) => b.replication !== undefined || (b.deny ?? []).includes("GetBucketReplication"));
    expect(count(resilience, "GetBucketEncryption")).toBe(replicating.length);
    expect(replicating.length).toBeLessThan(scannedBuckets.length);
  });

  it("reads tags of every bucket only when a custom policy reads them", async () => {
    const dir = await mkdtemp(join(tmpdir(), "replguard-tags-"));
    await writeFile(
      join(dir, "tagged-owner.json"),
      JSON.stringify({
        id: "tagged-owner",
        title: "Buckets carry an owner tag",
        severity: "low",
        description: "Every bucket names its owner in an `owner` tag.",
        rationale: "Findings need somebody to send them to.",
        remediation: { guidance: "Tag the bucket with owner=<team>.", fix: "tag-bucket" },
        appliesTo: {},
        check: { properties: { tags: { type: "object", required: ["owner"] } }, required: ["tags"] },
        messages: { pass: "{{bucket.name}} names its owner", fail: "{{bucket.name}} has no owner tag", not_applicable: "n/a" },
      }),
    );
    const calls = await auditDemo({ policies: { dirs: [dir] } });
    expect(count(calls, "GetBucketTagging")).toBe(scannedBuckets.length);
  });
});
