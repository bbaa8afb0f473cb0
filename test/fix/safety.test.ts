/**
 * What makes apply safe to run against production: no write without a confirmation (dry-run,
 * declined, no terminal), a bucket changed since the plan is skipped, and one bucket's failure is
 * contained and reported with exit 6.
 */
import { PutBucketReplicationCommand, PutBucketVersioningCommand } from "@aws-sdk/client-s3";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPlan, rollback, type FixPlan } from "../../src/fix/index.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { runMain } from "../support/cli.js";
import { failure, s3As } from "../support/sandbox.js";
import { auditAndPlan, mutatingCalls, rulesOf, scanOf, worldState } from "./helpers.js";
import { fixWorld, REMEDIATION } from "./world.js";

let sandbox: Sandbox;
let plan: FixPlan;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ scenario: fixWorld() });
  plan = (await auditAndPlan(sandbox)).plan;
  dir = await mkdtemp(join(tmpdir(), "replguard-fix-safety-"));
});
afterAll(() => sandbox.close());

describe("fix/applyPlan safety", () => {
  it("--dry-run makes no call at all", async () => {
    const calls = sandbox.calls.length;
    const result = await applyPlan(plan, { ...scanOf(sandbox), dryRun: true, confirm: () => Promise.resolve(true), rollbackFile: join(dir, "rb0.json") });
    expect(result.counts["dry-run"]).toBe(8);
    expect(sandbox.calls.length).toBe(calls);
  });

  it("a declined confirmation makes no mutating call", async () => {
    const state = worldState(sandbox);
    const result = await applyPlan(plan, { ...scanOf(sandbox), confirm: () => Promise.resolve(false), rollbackFile: join(dir, "rb1.json") });
    expect(result.declined).toBe(true);
    expect(mutatingCalls(sandbox)).toEqual([]);
    expect(worldState(sandbox)).toEqual(state);
  });

  it("writes through the role --fix-role-name names (here one that does not exist: every step fails, nothing is written)", async () => {
    const state = worldState(sandbox);
    const result = await applyPlan(plan, { ...scanOf(sandbox), roleName: "replguard-remediation", confirm: () => Promise.resolve(true), rollbackFile: join(dir, "rb-role.json") });
    expect(result.counts).toMatchObject({ applied: 0, failed: 7, "skipped-dependency": 1 });
    expect(result.results.find((r) => r.outcome.status === "failed")?.outcome).toMatchObject({ code: "AccessDenied" });
    expect(sandbox.calls.filter((c) => c.operation === "AssumeRole" && c.status === 403).length).toBeGreaterThan(0);
    expect(worldState(sandbox)).toEqual(state);
  });

  it("the sandbox refuses a write whose ExpectedBucketOwner is not the owner (403 AccessDenied), as S3 does", async () => {
    const error = await owner403();
    expect({ name: error.name, status: error.$metadata.httpStatusCode }).toEqual({ name: "AccessDenied", status: 403 });
    expect(sandbox.world.buckets.get("fx-plain")!.versioning).toBeUndefined();
  });

  it("skips a bucket changed since the plan, and applies the others", async () => {
    // Someone edits fx-owner's replication between plan and apply.
    const owner = s3As(sandbox.endpoint, ACCOUNTS.prod);
    const rules = await rulesOf(sandbox, ACCOUNTS.prod, "fx-owner");
    const edited = rules.map((r) => (r.ID === "loose" ? { ...r, Priority: 7 } : r));
    await owner.send(new PutBucketReplicationCommand({ Bucket: "fx-owner", ReplicationConfiguration: { Role: `arn:aws:iam::${ACCOUNTS.prod}:role/replication`, Rules: edited } }));
    const theirs = sandbox.world.buckets.get("fx-owner")!.replication;
    const result = await applyPlan(plan, { ...scanOf(sandbox), confirm: () => Promise.resolve(true), rollbackFile: join(dir, "rb2.json") });
    const ownerStep = result.results.find((r) => r.step.bucket === "fx-owner")!;
    expect(ownerStep.outcome).toMatchObject({ status: "skipped-conflict", detail: expect.stringContaining("fx-owner changed since the plan") as unknown });
    expect(sandbox.world.buckets.get("fx-owner")!.replication).toEqual(theirs);
    expect(result.counts).toMatchObject({ applied: 7, "skipped-conflict": 1, failed: 0 });
  });

  it("rollback skips a bucket changed since the fix, and restores the others", async () => {
    const changed = (await rulesOf(sandbox, ACCOUNTS.prod, "fx-disabled")).filter((r) => r.ID !== "replguard-all-objects");
    await s3As(sandbox.endpoint, ACCOUNTS.prod).send(
      new PutBucketReplicationCommand({ Bucket: "fx-disabled", ReplicationConfiguration: { Role: `arn:aws:iam::${ACCOUNTS.prod}:role/replication`, Rules: changed } }),
    );
    const theirs = sandbox.world.buckets.get("fx-disabled")!.replication;
    const result = await rollback(join(dir, "rb2.json"), { ...scanOf(sandbox), confirm: () => Promise.resolve(true) });
    const byBucket = new Map(result.results.map((r) => [`${r.entry.step.bucket} ${r.entry.step.operation}`, r.outcome.status]));
    expect(byBucket.get("fx-disabled PutBucketReplication")).toBe("skipped-conflict");
    expect(byBucket.get("fx-kms PutBucketReplication")).toBe("restored");
    expect(sandbox.world.buckets.get("fx-disabled")!.replication).toEqual(theirs);
  });
});

async function owner403() {
  return failure(
    s3As(sandbox.endpoint, ACCOUNTS.prod).send(
      new PutBucketVersioningCommand({ Bucket: "fx-plain", ExpectedBucketOwner: ACCOUNTS.backup, VersioningConfiguration: { Status: "Enabled" } }),
    ),
  );
}

describe("replguard audit --fix", () => {
  let scenarioFile: string;
  let configFile: string;
  beforeAll(async () => {
    scenarioFile = join(dir, "deny.json");
    await writeFile(scenarioFile, JSON.stringify(fixWorld({ deny: ["PutBucketReplication"] })));
    configFile = join(dir, "config.json");
    await writeFile(configFile, JSON.stringify({ remediation: REMEDIATION }));
  });

  it("refuses without a terminal and without --yes (exit 2), before scanning", async () => {
    const run = await runMain(["audit", "--sandbox", scenarioFile, "--fix", "--config", configFile, "--format", "json", "--out", join(dir, "r0"), "--quiet"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("audit --fix needs a confirmation, and stdin is not a terminal: pass --yes");
  });

  it("contains a bucket's failure (AccessDenied on PutBucketReplication), applies the rest, and exits 6", async () => {
    const run = await runMain(["audit", "--sandbox", scenarioFile, "--fix", "--yes", "--config", configFile, "--format", "json", "--out", join(dir, "r1"), "--quiet"]);
    expect(run.code).toBe(6);
    expect(run.stdout).toMatch(/failed +PutBucketReplication fx-owner \(222222222222, us-east-1\): AccessDenied/);
    expect(run.stdout).toContain("fix: 7 applied, 1 failed");
    expect(run.stdout).toMatch(/fail → pass +replication-rules-enabled fx-disabled/);
    expect(run.stdout).toMatch(/fail → fail +destination-owner-override fx-owner/);
  });

  it("--dry-run prints the plan and writes the plan files, changing nothing", async () => {
    const run = await runMain(["audit", "--sandbox", scenarioFile, "--fix", "--dry-run", "--config", configFile, "--format", "json", "--out", join(dir, "r2"), "--quiet"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("dry run: nothing changed (8 change(s) planned)");
    expect(run.stdout).toContain(`plan  ${join(dir, "r2", "fix", "plan.json")}`);
  });
});
