/**
 * The demo organization, audited end to end through the real SDK over HTTP: every default policy's
 * verdict on every demo bucket, and the coverage counts. The table is written by hand from
 * scenarios/demo.json; a change in any stage that alters a verdict shows up here.
 *
 * Also what an audit costs and touches, read from the sandbox's call log (audit/calls): no mutating
 * call ever, and per bucket exactly the calls its policy set needs. Expected counts are derived from
 * scenarios/demo.json directly, not from the scanner's output. The default policies' calls are
 * those of the audit above; other policy sets audit a sandbox of their own.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { audit, type AuditOptions, type AuditResult } from "../../src/audit/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { CallRecord, Sandbox, Scenario } from "../../src/sandbox/types.js";

const POLICIES = [
  "source-versioning-enabled",
  "replication-configured",
  "replication-covers-all-objects",
  "replication-rules-enabled",
  "destination-exists",
  "destination-versioning-enabled",
  "destination-separate-account",
  "destination-in-organization",
  "destination-account-verified",
  "destination-owner-override",
  "destination-different-region",
  "destination-object-lock",
  "delete-marker-replication-disabled",
  "replication-time-control",
  "kms-replica-encryption",
  "existing-objects-replicated",
] as const;

// One letter per policy, in POLICIES order: P pass, F fail, E error, - not applicable.
//                                   src rc  all ena ex  dv  sep org acc own reg lck dm  rtc kms eor
const EXPECTED: Record<string, string> = {
  "mgmt-cloudtrail": /*           */ "P   P   P   P   P   P   P   P   P   P   P   P   P   P   -   F",
  "payments-ledger": /*           */ "P   P   P   P   P   P   P   P   P   P   P   P   P   P   P   P",
  "payments-receipts": /*         */ "P   P   P   P   P   P   F   P   P   -   P   F   P   F   -   F",
  "payments-receipts-replica": /* */ "-   -   -   -   -   -   -   -   -   -   -   -   -   -   -   -",
  "payments-invoices": /*         */ "P   P   P   P   P   P   P   P   P   P   P   P   P   F   F   F",
  "payments-exports": /*          */ "P   P   P   P   P   P   P   P   P   P   P   P   P   F   -   F",
  "payments-exports-dr": /*       */ "-   -   -   -   -   -   -   -   -   -   -   -   -   -   -   -",
  "payments-tmp": /*              */ "F   F   -   -   -   -   -   -   -   -   -   -   -   -   -   -",
  "analytics-events": /*          */ "P   P   F   P   P   P   P   P   P   F   P   F   P   F   -   F",
  "analytics-models": /*          */ "P   P   F   P   P   P   P   P   P   P   P   F   P   F   -   F",
  "analytics-raw": /*             */ "P   P   P   P   P   P   P   P   P   P   F   P   P   F   -   F",
  "analytics-scratch": /*         */ "F   F   -   -   -   -   -   -   -   -   -   -   -   -   -   -",
  "analytics-restricted": /*      */ "P   E   E   E   E   E   E   E   E   E   E   E   E   E   -   E",
  "analytics-partner-share": /*   */ "P   P   P   P   P   E   P   F   E   P   F   E   P   F   -   F",
  "analytics-paused": /*          */ "P   P   F   F   P   -   -   -   P   -   -   -   -   -   -   -",
  "analytics-mirror": /*          */ "P   P   P   P   P   P   P   P   P   P   P   F   F   F   -   F",
  "archive-payments-replica": /*  */ "-   -   -   -   -   -   -   -   -   -   -   -   -   -   -   -",
  "archive-analytics-replica": /* */ "-   -   -   -   -   -   -   -   -   -   -   -   -   -   -   -",
  "archive-raw-replica": /*       */ "-   -   -   -   -   -   -   -   -   -   -   -   -   -   -   -",
  "archive-unversioned-replica": /**/ "-   -   -   -   -   -   -   -   -   -   -   -   -   -   -   -",
  "archive-cloudtrail-replica": /* */ "-   -   -   -   -   -   -   -   -   -   -   -   -   -   -   -",
  "archive-inventory": /*         */ "P   F   -   -   -   -   -   -   -   -   -   -   -   -   -   -",
  "dev-builds": /*                */ "P   P   P   P   F   F   F   F   F   -   F   F   P   F   -   F",
  "dev-artifacts": /*             */ "P   P   P   P   P   F   P   P   P   P   F   F   P   F   -   F",
  "dev-datasets": /*              */ "P   P   P   P   P   E   P   E   E   P   P   E   P   F   -   F",
  "dev-notes": /*                 */ "F   F   -   -   -   -   -   -   -   -   -   -   -   -   -   -",
};

const LETTER = { pass: "P", fail: "F", error: "E", not_applicable: "-", suppressed: "S" } as const;

let sandbox: Sandbox;
let result: AuditResult;
let defaultAuditCalls: CallRecord[];

beforeAll(async () => {
  sandbox = await startSandbox({ scenario: "demo" });
  result = await audit({
    scan: { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region },
    formats: [],
    now: new Date("2026-11-25T12:00:00Z"),
  });
  defaultAuditCalls = [...sandbox.calls];
});

afterAll(async () => {
  await sandbox.close();
});

describe("audit/demo", () => {
  it("gives every default policy the expected verdict on every demo bucket", () => {
    const actual: Record<string, string> = {};
    for (const bucket of result.snapshot.buckets) {
      actual[bucket.name] = POLICIES.map((policyId) => {
        const found = result.snapshot.results.find((r) => r.bucket === bucket.name && r.policyId === policyId);
        return found === undefined ? "?" : LETTER[found.status];
      }).join("   ");
    }
    expect(actual).toEqual(EXPECTED);
  });

  it("counts coverage: a suspended account out of scope, a missing role, a denied bucket", () => {
    expect(result.snapshot.coverage).toEqual({
      accounts: { total: 7, inScope: 6, scanned: 5, failed: 1, outOfScope: 1 },
      buckets: { inScope: 26, scanned: 25, partial: 1 },
      complete: false,
    });
    const byName = new Map(result.snapshot.accounts.map((a) => [a.name, a]));
    expect(byName.get("legacy-reporting")).toMatchObject({ scope: "suspended", scan: "not-scanned" });
    expect(byName.get("data-science")).toMatchObject({ scope: "in-scope", scan: "failed" });
    expect(byName.get("data-science")?.errors[0]).toMatchObject({ operation: "AssumeRole", code: "AccessDenied" });
    expect(byName.get("management")).toMatchObject({ scan: "scanned", access: "caller" });
    const restricted = result.snapshot.buckets.find((b) => b.name === "analytics-restricted");
    expect(restricted?.errors).toEqual([expect.objectContaining({ operation: "GetBucketReplication", code: "AccessDenied" })]);
  });

  it("says which unresolved destination is missing or of unknown owner, never taking the declared account as the owner", () => {
    const destinationOf = (bucket: string) =>
      result.snapshot.buckets.find((b) => b.name === bucket)?.replication?.rules[0]?.destination;
    expect(destinationOf("dev-builds")).toMatchObject({ resolved: false, resolution: "missing" });
    // data-science (777777777777) could not be scanned, so no listing shows who owns these two; the
    // rules' declared accounts are checked, never believed.
    expect(destinationOf("analytics-partner-share")).toMatchObject({
      resolved: false,
      resolution: "unknown",
      inOrganization: null,
      account: null,
      declaredAccount: "999999999999",
      declaredAccountStatus: "unverified",
      declaredAccountInOrganization: false,
    });
    expect(destinationOf("dev-datasets")).toMatchObject({ resolved: false, resolution: "unknown", inOrganization: null, account: null, declaredAccount: "777777777777", declaredAccountStatus: "unverified" });
    expect(destinationOf("dev-builds")).toMatchObject({ declaredAccount: "555555555555", declaredAccountStatus: "mismatch" });
    expect(destinationOf("payments-ledger")).toMatchObject({ resolved: true, resolution: "resolved", crossAccount: true, crossRegion: true, versioning: "Enabled" });
  });

  it("writes a sentence a person understands for a same-account destination", () => {
    const finding = result.snapshot.results.find((r) => r.bucket === "payments-receipts" && r.policyId === "destination-separate-account");
    expect(finding?.message).toBe("rule `receipts-backup` replicates to payments-receipts-replica in the same account 222222222222");
    expect(finding?.evidence[0]).toMatchObject({ pointer: "/replication/rules/0/destination/crossAccount", actual: false });
  });

  it("ends with exit code 3: the scan was incomplete", () => {
    expect(result.exitCode).toBe(3);
  });
});

const demo = JSON.parse(readFileSync(new URL("../../scenarios/demo.json", import.meta.url), "utf8")) as Scenario;
const scannedAccounts = new Set(demo.accounts.filter((a) => a.status !== "SUSPENDED" && a.id !== "777777777777").map((a) => a.id));
const scannedBuckets = demo.accounts.filter((a) => scannedAccounts.has(a.id)).flatMap((a) => a.buckets ?? []);
const destinationNames = new Set(
  scannedBuckets.flatMap((b) => b.replication?.Rules.map((r) => String(r.Destination?.Bucket).replace("arn:aws:s3:::", "")) ?? []),
);
const inventory = new Set(scannedBuckets.map((b) => b.name));

/** A sandbox of the demo for one other policy set's audit, closed after its test. */
let other: Sandbox | undefined;
afterEach(async () => {
  await other?.close();
  other = undefined;
});

async function auditDemo(options: Omit<AuditOptions, "scan" | "formats">): Promise<CallRecord[]> {
  other = await startSandbox({ scenario: "demo" });
  await audit({ ...options, scan: { endpoint: other.endpoint, credentials: other.credentials, region: other.region }, formats: [] });
  return [...other.calls];
}

/** The calls of the default policies' audit above (the sandbox was started for it). */
const defaultCalls = async (): Promise<CallRecord[]> => defaultAuditCalls;

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
      await other?.close();
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
