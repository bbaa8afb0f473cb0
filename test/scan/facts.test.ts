import { describe, expect, it } from "vitest";
import { FACT_SOURCES } from "../../src/model/index.js";
import { testScenario } from "../support/scenarios/scan.js";
import { bucket, callsOf, scanSandbox, withSandbox } from "../support/scan.js";
import { ACCOUNTS } from "../support/accounts.js";

describe("scan/readFacts", () => {
  it("skips GetBucketReplication for a bucket whose versioning was never enabled, and reads it when Suspended", async () => {
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox, { accounts: [ACCOUNTS.prod] });
      expect(bucket(result, "prod-unversioned")).toMatchObject({
        versioning: { status: "Disabled", mfaDelete: "Disabled" },
        replication: { configured: false, role: null, rules: [] },
        collected: ["versioning", "replication"],
        errors: [],
      });
      expect(callsOf(sandbox, "GetBucketVersioning", "prod-unversioned")).toHaveLength(1);
      expect(callsOf(sandbox, "GetBucketReplication", "prod-unversioned")).toHaveLength(0);
      expect(callsOf(sandbox, "GetBucketReplication", "prod-suspended")).toHaveLength(1);
      expect(bucket(result, "prod-suspended").replication).toEqual({ configured: false, role: null, rules: [] });
    });
  });

  it("turns a denied GetBucketReplication into an error entry, a null field and a partial bucket", async () => {
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox, { accounts: [ACCOUNTS.prod] });
      const denied = bucket(result, "prod-denied");
      expect(denied.replication).toBeNull();
      expect(denied.versioning?.status).toBe("Enabled");
      expect(denied.errors).toEqual([{ operation: "GetBucketReplication", code: "AccessDenied", message: "Access Denied" }]);
      expect(result.coverage.buckets).toEqual({ inScope: 5, scanned: 4, partial: 1 });
      expect(result.coverage.complete).toBe(false);
    });
  });

  it("reads Object Lock only for replication destinations when the plan asks for it there", async () => {
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox, { facts: { all: ["versioning", "replication"], destinations: ["versioning", "objectLock"] } });
      const lockCalls = callsOf(sandbox, "GetObjectLockConfiguration").map((c) => c.bucket).sort();
      expect(lockCalls).toEqual(["backup-vault", "dev-scratch", "prod-data-copy"]);
      expect(bucket(result, "backup-vault")).toMatchObject({
        isReplicaDestination: true,
        objectLock: { enabled: true, mode: "COMPLIANCE", days: 30, years: null },
        collected: ["versioning", "replication", "objectLock"],
      });
      // Absent Object Lock is an answer (null, no error), not a failure.
      expect(bucket(result, "prod-data-copy")).toMatchObject({ objectLock: null, errors: [] });
      expect(bucket(result, "prod-data").collected).toEqual(["versioning", "replication"]);
      // Each bucket is read once per fact: the second pass does not repeat versioning.
      expect(callsOf(sandbox, "GetBucketVersioning", "backup-vault")).toHaveLength(1);
    });
  });

  it("makes exactly the baseline calls per bucket when no policy reads more", async () => {
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox, { facts: { all: ["versioning", "replication"], destinations: [] } });
      const s3Reads = sandbox.calls.filter((c) => c.service === "s3" && c.bucket !== null && c.operation.startsWith("GetBucket"));
      const versioned = result.buckets.filter((b) => b.versioning?.status !== "Disabled").length;
      expect(s3Reads.filter((c) => c.operation === "GetBucketVersioning")).toHaveLength(result.buckets.length);
      expect(s3Reads.filter((c) => c.operation === "GetBucketReplication")).toHaveLength(versioned);
      expect(s3Reads.filter((c) => !["GetBucketVersioning", "GetBucketReplication"].includes(c.operation))).toEqual([]);
      expect(callsOf(sandbox, "GetObjectLockConfiguration")).toHaveLength(0);
    });
  });

  it("reads every fact of the plan for every bucket, with explicit values for absent configurations", async () => {
    await withSandbox(async (sandbox) => {
      const all = Object.keys(FACT_SOURCES) as (keyof typeof FACT_SOURCES)[];
      const result = await scanSandbox(sandbox, { accounts: [ACCOUNTS.prod, ACCOUNTS.backup], facts: { all, destinations: [] } });
      // GetBucketReplication only where versioning was ever enabled; S3 Control ListJobs once per account and Region.
      for (const operation of Object.values(FACT_SOURCES).filter((op) => op !== "GetBucketReplication" && op !== "ListJobs")) {
        expect(callsOf(sandbox, operation), operation).toHaveLength(result.buckets.length);
      }
      const accountRegions = new Set(result.buckets.map((b) => `${b.account.id} ${b.region}`));
      expect(sandbox.calls.filter((c) => c.operation === "ListJobs")).toHaveLength(accountRegions.size);
      // S3 encrypts every bucket with SSE-S3 by default (since January 2023).
      expect(bucket(result, "prod-data")).toMatchObject({
        tags: { app: "data" },
        encryption: { algorithm: "AES256", kmsKeyId: null, bucketKeyEnabled: false },
        objectLock: null,
        errors: [],
      });
      expect(bucket(result, "prod-data-copy").tags).toEqual({});
      expect(bucket(result, "backup-vault").objectLock?.enabled).toBe(true);
      expect(bucket(result, "prod-data").collected).toEqual(all);
    });
  });

  it("still reads replication when versioning could not be read", async () => {
    const scenario = testScenario();
    const denied = scenario.accounts[1]?.buckets?.find((b) => b.name === "prod-denied");
    if (denied === undefined) throw new Error("scenario changed");
    denied.deny = ["GetBucketVersioning"];
    await withSandbox(async (sandbox) => {
      const doc = bucket(await scanSandbox(sandbox, { accounts: [ACCOUNTS.prod] }), "prod-denied");
      expect(doc).toMatchObject({ versioning: null, replication: { configured: false }, collected: ["versioning", "replication"] });
      expect(doc.errors).toEqual([{ operation: "GetBucketVersioning", code: "AccessDenied", message: "Access Denied" }]);
      expect(callsOf(sandbox, "GetBucketReplication", "prod-denied")).toHaveLength(1);
    }, scenario);
  });

  it("marks a destination fact whose read failed as unreadable on every rule that replicates into it", async () => {
    const scenario = testScenario();
    const vault = scenario.accounts.flatMap((a) => a.buckets ?? []).find((b) => b.name === "backup-vault");
    if (vault === undefined) throw new Error("scenario changed");
    vault.deny = ["GetObjectLockConfiguration"];
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox, { facts: { all: ["versioning", "replication"], destinations: ["objectLock"] } });
      expect(bucket(result, "backup-vault").errors).toEqual([
        { operation: "GetObjectLockConfiguration", code: "AccessDenied", message: "Access Denied" },
      ]);
      const intoVault = result.buckets.flatMap((b) => b.replication?.rules ?? []).filter((r) => r.destination.bucket === "backup-vault");
      expect(intoVault.length).toBeGreaterThan(0);
      for (const r of intoVault) expect(r.destination).toMatchObject({ resolution: "resolved", objectLock: null, unreadable: ["objectLock"] });
      const elsewhere = result.buckets.flatMap((b) => b.replication?.rules ?? []).filter((r) => r.destination.bucket !== "backup-vault");
      for (const r of elsewhere) expect(r.destination.unreadable).toEqual([]);
    }, scenario);
  });
});
