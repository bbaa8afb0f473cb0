import { describe, expect, it } from "vitest";
import type { BucketDocument, ReplicationDestination } from "../../src/model/index.js";
import { fillUnresolved, type OrganizationView } from "../../src/scan/resolve.js";
import { unreadBucketDocument } from "../../src/model/index.js";
import { parseRule } from "../../src/scan/parse.js";
import { testScenario } from "../support/scenarios/scan.js";
import { bucket, callsOf, rule, scanSandbox, withSandbox } from "../support/scan.js";
import { ACCOUNTS } from "../support/accounts.js";

/** The test organization without the accounts that cannot be scanned (suspended, no role). */
function fullyScannableScenario() {
  const scenario = testScenario();
  scenario.accounts = scenario.accounts.filter((a) => a.id !== ACCOUNTS.suspended && a.id !== ACCOUNTS.noRole);
  return scenario;
}

describe("scan/resolveDestinations", () => {
  it("resolves a destination in another scanned account with its owner, region and versioning", async () => {
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox);
      expect(rule(bucket(result, "prod-data"), "to-backup").destination).toMatchObject({
        bucket: "backup-vault",
        account: ACCOUNTS.backup,
        declaredAccount: ACCOUNTS.backup,
        region: "eu-west-1",
        storageClass: "STANDARD_IA",
        ownerOverride: true,
        replicationTime: { enabled: true, minutes: 15 },
        metrics: { enabled: true, minutes: 15 },
        resolved: true,
        resolution: "resolved",
        inOrganization: true,
        crossAccount: true,
        crossRegion: true,
        versioning: "Enabled",
        objectLock: null, // not in the default plan's destination facts
      });
      expect(bucket(result, "backup-vault")).toMatchObject({
        isReplicaDestination: true,
        replicatedFrom: ["arn:aws:s3:::mgmt-trail", "arn:aws:s3:::prod-data"],
      });
      expect(bucket(result, "prod-data").isReplicaDestination).toBe(false);
    });
  });

  it("resolves a same-account destination as not cross-account, with the owner taken from the inventory", async () => {
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox);
      const same = rule(bucket(result, "prod-data"), "same-account");
      expect(same).toMatchObject({ scope: "prefix-and-tags", prefix: "logs/", tags: { keep: "yes" }, priority: 5 });
      expect(same.destination).toMatchObject({ account: ACCOUNTS.prod, declaredAccount: null, resolved: true, crossAccount: false, crossRegion: true });
    });
  });

  it("marks a destination HeadBucket does not find as missing", async () => {
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox);
      expect(rule(bucket(result, "prod-data"), "to-ghost").destination).toMatchObject({
        resolved: false,
        resolution: "missing",
        account: null,
        declaredAccount: ACCOUNTS.backup,
        // 333333333333 was scanned and its listing has no such bucket.
        declaredAccountStatus: "mismatch",
        region: null,
        inOrganization: null,
        versioning: null,
      });
      expect(callsOf(sandbox, "HeadBucket", "ghost-bucket-nowhere")).toHaveLength(1);
    });
  });

  it("marks an existing destination of unknown owner unknown while some organization account was not scanned", async () => {
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox);
      expect(rule(bucket(result, "prod-data"), "to-partner").destination).toMatchObject({
        resolved: false,
        resolution: "unknown",
        account: null,
        inOrganization: null,
        crossAccount: true,
        region: "eu-central-1", // from the 301 answer's x-amz-bucket-region
        crossRegion: true,
      });
    });
  });

  it("marks an existing destination of unknown owner outside-organization once every organization account was scanned", async () => {
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox);
      expect(result.accounts.every((a) => a.scan === "scanned")).toBe(true);
      expect(rule(bucket(result, "prod-data"), "to-partner").destination).toMatchObject({
        resolution: "outside-organization",
        inOrganization: false,
        crossAccount: true,
      });
    }, fullyScannableScenario());
  });

  it("never takes the owner from the rule's declared account: a bucket outside the organization declaring a member account is outside, and the declaration a mismatch", async () => {
    const scenario = fullyScannableScenario();
    const partnerRule = scenario.accounts[1]?.buckets?.[0]?.replication?.Rules.find((r) => r.ID === "to-partner");
    if (partnerRule?.Destination === undefined) throw new Error("scenario changed");
    partnerRule.Destination.Account = ACCOUNTS.backup;
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox);
      expect(rule(bucket(result, "prod-data"), "to-partner").destination).toMatchObject({
        account: null,
        declaredAccount: ACCOUNTS.backup,
        declaredAccountStatus: "mismatch",
        resolution: "outside-organization",
        inOrganization: false,
      });
    }, scenario);
  });

  it("does not believe a declared account while an organization account is unscanned: owner unknown, declaration unverified", async () => {
    const scenario = testScenario();
    const partnerRule = scenario.accounts[1]?.buckets?.[0]?.replication?.Rules.find((r) => r.ID === "to-partner");
    if (partnerRule?.Destination === undefined) throw new Error("scenario changed");
    partnerRule.Destination.Account = ACCOUNTS.noRole; // the member account without an audit role
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox);
      expect(rule(bucket(result, "prod-data"), "to-partner").destination).toMatchObject({
        account: null,
        declaredAccountStatus: "unverified",
        resolution: "unknown",
        inOrganization: null,
      });
    }, scenario);
  });

  it("flags a declared account that is not the owner the inventory shows, and keeps the owner from the inventory", async () => {
    const scenario = testScenario();
    const backupRule = scenario.accounts[1]?.buckets?.[0]?.replication?.Rules.find((r) => r.ID === "to-backup");
    if (backupRule?.Destination === undefined) throw new Error("scenario changed");
    backupRule.Destination.Account = ACCOUNTS.dev;
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox);
      expect(rule(bucket(result, "prod-data"), "to-backup").destination).toMatchObject({
        account: ACCOUNTS.backup,
        declaredAccount: ACCOUNTS.dev,
        declaredAccountStatus: "mismatch",
        resolution: "resolved",
      });
      expect(rule(bucket(result, "mgmt-trail"), "trail-to-backup").destination.declaredAccountStatus).toBeNull();
    }, scenario);
  });

  it("marks a destination in an excluded organization account unknown: no scanned listing shows its owner", async () => {
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox, { excludeAccounts: [ACCOUNTS.dev] });
      expect(rule(bucket(result, "prod-data"), "to-dev").destination).toMatchObject({ resolved: false, resolution: "unknown", account: null, region: "us-east-1" });
      expect(result.buckets.some((b) => b.name === "dev-scratch")).toBe(false);
    });
  });

  it("knows the owner of a destination outside --regions and marks it not-scanned inside the organization", async () => {
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox, { regions: ["us-east-1", "eu-west-1"] });
      expect(rule(bucket(result, "prod-data"), "same-account").destination).toMatchObject({
        account: ACCOUNTS.prod,
        resolution: "not-scanned",
        inOrganization: true,
        crossAccount: false,
      });
    });
  });

  it("probes each unresolved destination once, however many rules point at it", async () => {
    const scenario = testScenario();
    scenario.accounts[0]?.buckets?.[0]?.replication?.Rules.push({
      ID: "trail-to-ghost",
      Priority: 2,
      Filter: { Prefix: "x/" },
      DeleteMarkerReplication: { Status: "Disabled" },
      Status: "Enabled",
      Destination: { Bucket: "arn:aws:s3:::ghost-bucket-nowhere" },
    });
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox);
      expect(rule(bucket(result, "mgmt-trail"), "trail-to-ghost").destination.resolution).toBe("missing");
      const heads = callsOf(sandbox, "HeadBucket").map((c) => c.bucket).sort();
      expect(heads).toEqual(["ghost-bucket-nowhere", "partner-drop"]);
    }, scenario);
  });
});

describe("scan/fillUnresolved", () => {
  const source: BucketDocument = unreadBucketDocument("src", "us-east-1", { id: ACCOUNTS.prod, name: "prod", ouPath: "Root", tags: {} });
  const destination = (account?: string): ReplicationDestination =>
    parseRule({ ID: "r", Status: "Enabled", Destination: { Bucket: "arn:aws:s3:::elsewhere", ...(account === undefined ? {} : { Account: account }) } }, 0)
      .destination;
  const org: OrganizationView = {
    mode: "organization",
    accountIds: new Set([ACCOUNTS.management, ACCOUNTS.prod]),
    scannedAccountIds: new Set([ACCOUNTS.prod]),
    allScanned: false,
  };
  const failed = { operation: "HeadBucket", code: "InternalError", message: "destination elsewhere: boom" };

  it("says unknown, with destinationBucket unreadable, when HeadBucket could not tell whether the bucket exists", () => {
    const dest = destination();
    fillUnresolved(dest, source, { exists: null, region: null, error: failed }, null, org);
    expect(dest).toMatchObject({ resolution: "unknown", inOrganization: null, crossAccount: null, crossRegion: null, resolved: false, unreadable: ["destinationBucket"] });
  });

  it("says not-scanned for an existing bucket that an organization account lists outside the scanned regions", () => {
    const dest = destination(ACCOUNTS.management);
    fillUnresolved(dest, source, { exists: true, region: "us-east-1", error: null }, ACCOUNTS.management, org);
    expect(dest).toMatchObject({ resolution: "not-scanned", account: ACCOUNTS.management, declaredAccountStatus: "matches", inOrganization: true, crossAccount: true, crossRegion: false });
  });

  it("says unknown in single-account mode for an existing bucket of another account, whatever the rule declares", () => {
    const dest = destination(ACCOUNTS.external);
    fillUnresolved(dest, source, { exists: true, region: null, error: null }, null, { mode: "single-account", accountIds: new Set([ACCOUNTS.prod]), scannedAccountIds: new Set([ACCOUNTS.prod]), allScanned: true });
    expect(dest).toMatchObject({ resolution: "unknown", account: null, declaredAccountStatus: "unverified", inOrganization: null, crossAccount: true });
  });

  it("keeps a declared account that is not an account id raw, and flags it invalid", () => {
    const dest = destination("backup");
    fillUnresolved(dest, source, { exists: false, region: null, error: null }, null, org);
    expect(dest).toMatchObject({ resolution: "missing", account: null, declaredAccount: "backup", declaredAccountStatus: "invalid" });
  });
});
