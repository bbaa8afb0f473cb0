/**
 * Terraform drift against real sandbox scans: hand-written `terraform show -json` fixtures (a
 * provider v4+ plan with child modules, a provider v3 state with inline blocks; V1 and V2 rules)
 * that are equal in meaning to what S3 answers give no drift; after changing AWS through the real
 * SDK, each difference is found exactly once, declared → live.
 */
import { readFile, writeFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTerraform, terraformDrift, terraformDriftExitCode } from "../../../src/drift/terraform/index.js";
import type { TerraformDrift } from "../../../src/model/index.js";
import type { Sandbox } from "../../../src/sandbox/types.js";
import { fixture, scannedBeforeAndAfterDrift, type Scan } from "./world.js";

const PLAN = fixture("plan-v4.json");
const STATE = fixture("state-v3.json");

/** The items as a table: kind, bucket, field, declared → live. */
const table = (drift: TerraformDrift): unknown[][] => drift.items.map((i) => [i.kind, i.bucket, i.field, i.declared, i.live]);

let sandbox: Sandbox;
let before: Scan;
let after: Scan;

beforeAll(async () => {
  ({ sandbox, before, after } = await scannedBeforeAndAfterDrift());
});
afterAll(async () => {
  await sandbox.close();
});

describe("drift/terraform: reading", () => {
  it("reads a plan's planned_values through nested child modules, skipping data sources", async () => {
    const declaration = await readTerraform(PLAN);
    expect(declaration.kind).toBe("plan");
    expect(declaration.buckets.map((b) => [b.bucket, b.addresses])).toEqual([
      ["tf-legacy", ["module.legacy.aws_s3_bucket_replication_configuration.this", "module.legacy.aws_s3_bucket_versioning.this"]],
      ["tf-legacy-replica", ["module.legacy.module.replica.aws_s3_bucket_versioning.this"]],
      ["tf-logs", ["aws_s3_bucket.logs", "aws_s3_bucket_replication_configuration.logs", "aws_s3_bucket_versioning.logs"]],
      ["tf-logs-replica", ["module.backup.aws_s3_bucket.replica", "module.backup.aws_s3_bucket_object_lock_configuration.replica", "module.backup.aws_s3_bucket_versioning.replica"]],
      ["tf-plain", ["aws_s3_bucket_versioning.plain"]],
      ["tf-quiet", ["aws_s3_bucket_versioning.quiet"]],
    ]);
  });

  it("reads a state's values, provider v3 inline blocks included", async () => {
    const declaration = await readTerraform(STATE);
    expect(declaration.kind).toBe("state");
    const logs = declaration.buckets.find((b) => b.bucket === "tf-logs")!;
    expect(logs.replication?.source.address).toBe("aws_s3_bucket.logs");
    expect(logs.replication?.value.rules.map((r) => [r.id, r.priority, r.prefix, r.tags, r.deleteMarkerReplication])).toEqual([
      ["logs-all", 1, null, {}, false],
      ["audit-only", 2, "audit/", { class: "audit" }, false],
    ]);
    const legacy = declaration.buckets.find((b) => b.bucket === "tf-legacy")!;
    // V1 rules: S3 replicates their delete markers, and they have no priority (compared as 0).
    expect(legacy.replication?.value.rules.map((r) => [r.id, r.priority, r.prefix, r.deleteMarkerReplication])).toEqual([
      ["legacy-data", 0, "data/", true],
      ["legacy-logs", 0, "logs/", true],
    ]);
  });
});

describe("drift/terraform: equal in meaning", () => {
  it("finds no drift between the v4+ plan and the scan (absent vs empty filter, reordered rules, defaults)", async () => {
    const drift = await terraformDrift(PLAN, before.snapshot);
    expect(table(drift)).toEqual([]);
    expect(drift.drifted).toBe(false);
    expect(terraformDriftExitCode(drift)).toBe(0);
  });

  it("finds no drift between the v3 state and the scan", async () => {
    const drift = await terraformDrift(STATE, before.snapshot);
    expect(table(drift)).toEqual([]);
    expect(terraformDriftExitCode(drift)).toBe(0);
  });
});

/** The differences driftTheSandbox made, as every fixture must report them. */
const EXPECTED = [
  ["changed", "tf-legacy", "replication.rules[legacy-data].destination.bucket", "tf-legacy-replica", "tf-quiet"],
  ["rule-missing", "tf-legacy", "replication.rules[legacy-logs]", expect.objectContaining({ id: "legacy-logs" }), null],
  ["changed", "tf-logs", "replication.rules[audit-only].status", "Enabled", "Disabled"],
  ["rule-undeclared", "tf-logs", "replication.rules[extra]", null, expect.objectContaining({ id: "extra", prefix: "tmp/" })],
  ["changed", "tf-logs-replica", "objectLock.defaultRetention", { mode: "GOVERNANCE", days: 7, years: null }, { mode: "GOVERNANCE", days: 30, years: null }],
  ["changed", "tf-plain", "versioning.status", "Enabled", "Suspended"],
  ["replication-undeclared", "tf-quiet", "replication", null, { role: "arn:aws:iam::222222222222:role/replication", rules: ["quiet-out"] }],
];

describe("drift/terraform: each real difference once", () => {
  it("reports every change made through the SDK exactly once against the v4+ plan", async () => {
    const drift = await terraformDrift(PLAN, after.snapshot);
    expect(table(drift)).toEqual(EXPECTED);
    expect(drift.counts).toMatchObject({ changed: 4, "rule-missing": 1, "rule-undeclared": 1, "replication-undeclared": 1, "bucket-missing": 0, "not-read": 0 });
    expect(terraformDriftExitCode(drift)).toBe(5);
  });

  it("reports the same differences against the v3 state", async () => {
    const drift = await terraformDrift(STATE, after.snapshot);
    expect(table(drift)).toEqual(EXPECTED);
  });

  it("says each difference in a sentence, declared then live", async () => {
    const drift = await terraformDrift(PLAN, after.snapshot);
    expect(drift.items.map((i) => i.message)).toEqual([
      "tf-legacy: rule `legacy-data` destination.bucket is declared tf-legacy-replica, live tf-quiet",
      "tf-legacy: declared rule `legacy-logs` (to tf-legacy-replica) is not in AWS",
      "tf-logs: rule `audit-only` status is declared Enabled, live Disabled",
      "tf-logs: rule `extra` (to tf-logs-replica) is in AWS but not declared",
      "tf-logs-replica: Object Lock default retention is declared GOVERNANCE 7 days, live GOVERNANCE 30 days",
      "tf-plain: versioning is declared Enabled, live Suspended",
      "tf-quiet: replicates in AWS (rules quiet-out), but no Terraform resource declares its replication",
    ]);
    expect(drift.items.find((i) => i.bucket === "tf-plain")).toMatchObject({ accountId: "222222222222", address: "aws_s3_bucket_versioning.plain" });
  });

  it("reports a declared bucket the complete scan does not have as missing", async () => {
    const plan = JSON.parse(await readFile(PLAN, "utf8")) as { planned_values: { root_module: { resources: unknown[] } } };
    plan.planned_values.root_module.resources.push({
      address: "aws_s3_bucket_versioning.gone",
      mode: "managed",
      type: "aws_s3_bucket_versioning",
      name: "gone",
      values: { bucket: "tf-gone", versioning_configuration: [{ status: "Enabled" }] },
    });
    const file = join(await mkdtemp(join(tmpdir(), "replguard-tf-")), "plan.json");
    await writeFile(file, JSON.stringify(plan));
    const drift = await terraformDrift(file, before.snapshot);
    expect(table(drift)).toEqual([["bucket-missing", "tf-gone", "", ["aws_s3_bucket_versioning.gone"], null]]);
    expect(terraformDriftExitCode(drift)).toBe(5);
  });
});
