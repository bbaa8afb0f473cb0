/**
 * Plan → apply → re-scan against the sandbox through the real SDK: each fix kind makes its policy
 * pass, every rule that existed before comes through byte for byte, and the rollback file puts the
 * world back as it was.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPlan, newlyReplicatedBuckets, readRollbackFile, rescanTargets, rollback, type ApplyResult, type BeforeAfter, type FixPlan } from "../../src/fix/index.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { auditAndPlan, rulesOf, scanOf, worldState } from "./helpers.js";
import { fixWorld, goodRule } from "./world.js";

let sandbox: Sandbox;
let plan: FixPlan;
let applied: ApplyResult;
let rescan: BeforeAfter[];
let before: Record<string, unknown>;
let keepBefore: Record<string, unknown>;
let rollbackFile: string;

beforeAll(async () => {
  sandbox = await startSandbox({ scenario: fixWorld() });
  before = worldState(sandbox);
  keepBefore = Object.fromEntries(
    await Promise.all(["fx-disabled", "fx-owner", "fx-to-unversioned", "fx-kms"].map(async (b) => [b, (await rulesOf(sandbox, ACCOUNTS.prod, b)).find((r) => r.ID === "keep-me")])),
  );
  const made = await auditAndPlan(sandbox);
  plan = made.plan;
  rollbackFile = join(await mkdtemp(join(tmpdir(), "replguard-fix-")), "rollback.json");
  applied = await applyPlan(plan, { ...scanOf(sandbox), confirm: () => Promise.resolve(true), rollbackFile });
  rescan = await rescanTargets(plan, made.policies, scanOf(sandbox));
});
afterAll(() => sandbox.close());

describe("fix/applyPlan", () => {
  it("applies every planned step", () => {
    expect(applied.counts).toEqual({ applied: 8, "dry-run": 0, "skipped-conflict": 0, "skipped-dependency": 0, failed: 0 });
  });

  it.each([
    ["fx-plain", "source-versioning-enabled", "enable-versioning"],
    ["fx-plain", "replication-configured", "configure-replication"],
    ["fx-to-unversioned", "destination-versioning-enabled", "enable-destination-versioning"],
    ["fx-disabled", "replication-rules-enabled", "enable-replication-rules"],
    ["fx-owner", "destination-owner-override", "enable-owner-override"],
    ["fx-owner", "delete-marker-replication-disabled", "disable-delete-marker-replication"],
    ["fx-owner", "replication-time-control", "enable-replication-time-control"],
    ["fx-disabled", "replication-covers-all-objects", "cover-all-objects"],
    ["fx-kms", "kms-replica-encryption", "set-replica-kms-key"],
    ["fx-to-open", "destination-object-lock", "enable-destination-object-lock"],
  ])("%s: %s passes after %s (re-scanned)", (bucket, policyId, fix) => {
    expect(plan.targets).toContainEqual(expect.objectContaining({ bucket, policyId, fix }));
    expect(rescan.find((r) => r.bucket === bucket && r.policyId === policyId)).toMatchObject({ before: "fail", after: "pass" });
  });

  it("carries every earlier rule through byte for byte", async () => {
    for (const bucket of ["fx-disabled", "fx-owner", "fx-to-unversioned"]) {
      const rules = await rulesOf(sandbox, ACCOUNTS.prod, bucket);
      expect(rules.find((r) => r.ID === "keep-me")).toEqual(keepBefore[bucket]);
      expect(keepBefore[bucket]).toMatchObject({ ID: goodRule.ID, Priority: goodRule.Priority });
    }
    // The one rule a fix edits keeps every other field as it was.
    const kms = (await rulesOf(sandbox, ACCOUNTS.prod, "fx-kms")).find((r) => r.ID === "keep-me")!;
    const { SourceSelectionCriteria, Destination, ...rest } = kms;
    const { EncryptionConfiguration, ...destinationRest } = Destination!;
    expect({ ...rest, Destination: destinationRest }).toEqual(keepBefore["fx-kms"]);
    expect({ SourceSelectionCriteria, EncryptionConfiguration }).toEqual({
      SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: "Enabled" } },
      EncryptionConfiguration: { ReplicaKmsKeyID: `arn:aws:kms:us-west-2:${ACCOUNTS.backup}:alias/replicas` },
    });
    // The sandbox stores what was put: the untouched rule is the scenario's own object, field for field.
    expect(sandbox.world.buckets.get("fx-owner")!.replication!.Rules[0]).toEqual(goodRule);
  });

  it("names the buckets that just started replicating (for S3 Batch Replication of existing objects)", () => {
    expect(newlyReplicatedBuckets(applied).map((b) => [b.bucket, b.ruleIds])).toEqual([
      ["fx-disabled", ["replguard-all-objects", "off"]],
      ["fx-kms", ["replguard-all-objects"]],
      ["fx-plain", ["replguard-fx-plain-replica"]],
    ]);
  });

  it("creates the configured destination with Object Lock in the destination account and Region", () => {
    const replica = sandbox.world.buckets.get("fx-plain-replica");
    expect({ account: replica?.accountId, region: replica?.region, versioning: replica?.versioning, lock: replica?.objectLockEnabled }).toEqual({
      account: ACCOUNTS.backup,
      region: "us-west-2",
      versioning: "Enabled",
      lock: true,
    });
  });

  it("records the exact previous configurations in the rollback file", async () => {
    const file = await readRollbackFile(rollbackFile);
    expect(file.entries).toHaveLength(8);
    expect(file.entries.every((e) => e.applied)).toBe(true);
    const owner = file.entries.find((e) => e.step.bucket === "fx-owner")!;
    expect(owner.previous).toEqual({ Role: `arn:aws:iam::${ACCOUNTS.prod}:role/replication`, Rules: (before["fx-owner"] as { replication: { Rules: unknown[] } }).replication.Rules });
  });

  it("rollback restores the original state (versioning can only go back to Suspended)", async () => {
    const result = await rollback(rollbackFile, { ...scanOf(sandbox), confirm: () => Promise.resolve(true) });
    expect(result.results.map((r) => r.outcome.status).sort()).toEqual(["not-reversible", "not-reversible", "restored", "restored", "restored", "restored", "restored", "restored"]);
    const after = worldState(sandbox);
    // S3 cannot return a bucket to "never versioned", and replguard deletes no bucket it created.
    const expected = {
      ...before,
      "fx-plain": { ...(before["fx-plain"] as object), versioning: "Suspended" },
      "fx-raw": { ...(before["fx-raw"] as object), versioning: "Suspended" },
      "fx-plain-replica": after["fx-plain-replica"],
      // Object Lock cannot be turned off once on.
      "fx-open": { ...(before["fx-open"] as object), objectLock: true },
    };
    expect(after).toEqual(expected);
  });
});
