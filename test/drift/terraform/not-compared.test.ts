/**
 * What could not be compared is said, never taken for "no drift": values a plan knows only after
 * apply, and facts the scan did not read (a denied GetBucketReplication, an account whose audit
 * role is gone). Both leave drift false but the exit code 3, not 0.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terraformDrift, terraformDriftExitCode } from "../../../src/drift/terraform/index.js";
import type { TerraformDrift } from "../../../src/model/index.js";
import { startSandbox } from "../../../src/sandbox/index.js";
import type { Sandbox } from "../../../src/sandbox/types.js";
import { terraformScenario } from "./scenario.js";
import { fixture, scanSandbox, type Scan } from "./world.js";

const table = (drift: TerraformDrift): unknown[][] => drift.items.map((i) => [i.kind, i.bucket, i.field, i.declared]);

let clean: Sandbox;
let broken: Sandbox;
let cleanScan: Scan;
let brokenScan: Scan;

beforeAll(async () => {
  clean = await startSandbox({ scenario: terraformScenario() });
  broken = await startSandbox({ scenario: terraformScenario({ denyReplicationOn: "tf-logs", backupAuditRole: false }) });
  [cleanScan, brokenScan] = await Promise.all([scanSandbox(clean), scanSandbox(broken)]);
});
afterAll(async () => {
  await Promise.all([clean.close(), broken.close()]);
});

describe("drift/terraform: unknown until apply", () => {
  it("reports unknown values, unknown buckets and buckets the plan creates as unknown until apply, not drift", async () => {
    const drift = await terraformDrift(fixture("plan-unknown.json"), cleanScan.snapshot);
    expect(table(drift)).toEqual([
      ["unknown-until-apply", "", "bucket", "aws_s3_bucket_versioning"],
      ["unknown-until-apply", "tf-logs", "replication", ["role"]],
      ["unknown-until-apply", "tf-new", "", ["aws_s3_bucket.new", "aws_s3_bucket_versioning.new"]],
    ]);
    expect(drift.items.map((i) => i.message)).toEqual([
      "aws_s3_bucket_versioning.generated: its bucket is known only after apply",
      "tf-logs: replication is known only after apply (role in aws_s3_bucket_replication_configuration.logs)",
      "tf-new: the plan creates this bucket (aws_s3_bucket.new); nothing to compare until apply",
    ]);
    expect(drift.drifted).toBe(false);
    expect(terraformDriftExitCode(drift)).toBe(3);
  });

  it("matches rules whose id S3 will assign by priority, so an unknown rule id is no unknown", async () => {
    const drift = await terraformDrift(fixture("plan-unknown.json"), cleanScan.snapshot);
    expect(drift.items.filter((i) => i.bucket === "tf-legacy")).toEqual([]);
  });
});

describe("drift/terraform: not read", () => {
  it("reports facts and buckets the scan could not read as not-read, never as no drift", async () => {
    const drift = await terraformDrift(fixture("plan-v4.json"), brokenScan.snapshot);
    expect(table(drift)).toEqual([
      ["not-read", "", "account", null],
      ["not-read", "tf-legacy-replica", "", ["module.legacy.module.replica.aws_s3_bucket_versioning.this"]],
      ["not-read", "tf-logs", "replication", expect.objectContaining({ role: "arn:aws:iam::222222222222:role/replication" })],
      ["not-read", "tf-logs-replica", "", expect.arrayContaining(["module.backup.aws_s3_bucket.replica"])],
    ]);
    expect(drift.items.map((i) => i.message)).toEqual([
      "account 333333333333 (backup) was not read: its buckets cannot be compared",
      "tf-legacy-replica: declared but not in the scan, and the scan did not read account 333333333333, so whether it exists is unknown",
      "tf-logs: replication cannot be compared: GetBucketReplication failed (AccessDenied)",
      "tf-logs-replica: declared but not in the scan, and the scan did not read account 333333333333, so whether it exists is unknown",
    ]);
    expect(drift.drifted).toBe(false);
    expect(drift.snapshot.complete).toBe(false);
    expect(terraformDriftExitCode(drift)).toBe(3);
  });

  it("reports an Object Lock the scan did not collect as not-read", async () => {
    // tf-plain is no replication destination, so no policy made the scan read its Object Lock.
    const plain = cleanScan.snapshot.buckets.find((b) => b.name === "tf-plain")!;
    expect(plain.collected).not.toContain("objectLock");
    const { compareWithTerraform } = await import("../../../src/drift/terraform/index.js");
    const drift = compareWithTerraform(
      {
        file: "inline",
        kind: "state",
        formatVersion: "1.0",
        terraformVersion: null,
        unplaced: [],
        buckets: [
          {
            bucket: "tf-plain",
            addresses: ["aws_s3_bucket_object_lock_configuration.plain"],
            createdBy: null,
            objectLock: { source: { address: "aws_s3_bucket_object_lock_configuration.plain", type: "aws_s3_bucket_object_lock_configuration", unknown: [] }, value: { enabled: true, retention: null } },
          },
        ],
      },
      cleanScan.snapshot,
    );
    expect(drift.items.filter((i) => i.bucket === "tf-plain").map((i) => [i.kind, i.field, i.message])).toEqual([
      ["not-read", "objectLock", "tf-plain: Object Lock cannot be compared: the scan did not read it (GetObjectLockConfiguration: no loaded policy needed it for this bucket)"],
    ]);
  });
});
