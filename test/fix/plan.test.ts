/**
 * The plan as data and as files: manual fixes with their reasons, unique rule IDs and priorities,
 * plan.json valid against its schema, fix.sh and fix.tf; then `fix plan SNAPSHOT` (no AWS call) and
 * `fix apply plan.json` through the command line.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit } from "../../src/audit/index.js";
import type { RemediationSettings } from "../../src/config/index.js";
import { buildPlan, fixScript, fixTerraform, readPlan, writePlanFiles, type FixPlan } from "../../src/fix/index.js";
import { loadPolicies, type PolicySet } from "../../src/policy/index.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import type { Snapshot } from "../../src/model/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { runMain } from "../support/cli.js";
import { findOnPath } from "../support/executables.js";
import { rulesOf, scanOf, worldState } from "./helpers.js";
import { fixWorld, goodRule, REMEDIATION } from "./world.js";

let sandbox: Sandbox;
let snapshot: Snapshot;
let policies: PolicySet;
let dir: string;
let snapshotFile: string;

const plan = (remediation?: RemediationSettings): FixPlan =>
  buildPlan({ snapshot, fixes: new Map(policies.policies.map((p) => [p.id, p.remediation.fix])), ...(remediation ? { remediation } : {}) });
const manualFor = (p: FixPlan, bucket: string, policyId: string) => p.manual.find((m) => m.bucket === bucket && m.policyId === policyId)?.reason;

beforeAll(async () => {
  sandbox = await startSandbox({ scenario: fixWorld() });
  dir = await mkdtemp(join(tmpdir(), "replguard-fix-plan-"));
  const result = await audit({ scan: scanOf(sandbox), formats: ["json"], outDir: join(dir, "report") });
  snapshot = result.snapshot;
  snapshotFile = result.reports[0]!.file;
  policies = await loadPolicies();
});
afterAll(() => sandbox.close());

describe("fix/buildPlan", () => {
  it("lists what it cannot fix safely as manual, with the reason", () => {
    expect(manualFor(plan(), "fx-plain", "replication-configured")).toBe("no destination is configured (remediation.destination in the config file)");
    expect(manualFor(plan({ ...REMEDIATION, destination: { ...REMEDIATION.destination, account: ACCOUNTS.external } }), "fx-plain", "replication-configured")).toBe(
      `destination account ${ACCOUNTS.external} is outside the organization`,
    );
    expect(manualFor(plan({ ...REMEDIATION, createDestination: false }), "fx-plain", "replication-configured")).toBe(
      "destination fx-plain-replica does not exist and remediation.createDestination is not true",
    );
    expect(manualFor(plan(REMEDIATION), "fx-plain", "destination-different-region")).toBeUndefined();
    expect(manualFor(plan(REMEDIATION), "fx-disabled", "destination-account-verified")).toBeUndefined();
    // A policy file whose remediation names no fix (or one replguard does not know).
    const fixes = new Map(policies.policies.map((p) => [p.id, p.remediation.fix]));
    fixes.set("replication-rules-enabled", "manual");
    fixes.set("destination-owner-override", "frobnicate");
    const custom = buildPlan({ snapshot, fixes, remediation: REMEDIATION });
    expect(manualFor(custom, "fx-disabled", "replication-rules-enabled")).toBe("policy replication-rules-enabled has no automated fix");
    expect(manualFor(custom, "fx-owner", "destination-owner-override")).toBe('policy destination-owner-override names fix "frobnicate", which replguard does not know');
    expect(custom.targets.some((t) => t.policyId === "replication-rules-enabled")).toBe(false);
  });

  it("keeps rule IDs and priorities unique when it adds a rule to existing ones", () => {
    const p = plan(REMEDIATION);
    const step = p.accounts.flatMap((a) => a.buckets).find((b) => b.bucket === "fx-disabled")!.steps[0]!;
    expect(step.operation).toBe("PutBucketReplication");
    if (step.operation !== "PutBucketReplication") return;
    const rules = step.after.Rules ?? [];
    expect(rules.map((r) => [r.ID, r.Priority, r.Status])).toEqual([
      ["keep-me", 9, "Enabled"],
      ["off", 3, "Enabled"],
      ["replguard-all-objects", 10, "Enabled"],
    ]);
    expect(step.reason).toEqual(["replication-covers-all-objects", "replication-rules-enabled"]);
  });

  it("orders a destination's versioning before the rule that needs it", () => {
    const p = plan(REMEDIATION);
    const put = p.accounts.flatMap((a) => a.buckets.flatMap((b) => b.steps)).find((s) => s.bucket === "fx-plain" && s.operation === "PutBucketReplication")!;
    expect(put.dependsOn).toEqual([`${ACCOUNTS.prod}/fx-plain/PutBucketVersioning`, `${ACCOUNTS.backup}/fx-plain-replica/CreateBucket`]);
  });

  it("writes plan.json (valid against its schema), fix.sh and fix.tf", async () => {
    const p = plan(REMEDIATION);
    const out = join(dir, "files");
    await writePlanFiles(p, out);
    expect(await readPlan(join(out, "plan.json"))).toEqual(p);
    const script = await readFile(join(out, "fix.sh"), "utf8");
    expect(script).toContain(
      `aws s3api put-bucket-versioning --bucket 'fx-raw' --region 'us-west-2' --expected-bucket-owner '${ACCOUNTS.backup}' --versioning-configuration Status=Enabled $p_${ACCOUNTS.backup}`,
    );
    expect(script).toContain(`--replication-configuration 'file://replication/${ACCOUNTS.prod}-fx-disabled.json'`);
    expect(JSON.parse(await readFile(join(out, "replication", `${ACCOUNTS.prod}-fx-disabled.json`), "utf8"))).toEqual(
      (p.accounts[0]!.buckets.find((b) => b.bucket === "fx-disabled")!.steps[0] as { after: unknown }).after,
    );
    expect(fixScript(p).script.indexOf("create-bucket")).toBeLessThan(fixScript(p).script.indexOf("put-bucket-replication"));
    const tf = fixTerraform(p);
    expect(tf).toContain('resource "aws_s3_bucket_replication_configuration" "fx_disabled"');
    expect(tf).toContain('resource "aws_s3_bucket_versioning" "fx_raw"');
    expect(tf).toContain('resource "aws_s3_bucket" "fx_plain_replica"');
    expect(tf).toContain("depends_on = [aws_s3_bucket_versioning.fx_plain, aws_s3_bucket.fx_plain_replica]");
    expect(tf).toMatch(/filter \{\n\s+and \{\n\s+prefix = "keep\/"\n\s+tags = \{ "tier" = "gold" \}/);
    // Valid HCL: `terraform fmt -` parses it (no provider needed), when terraform is installed.
    if (findOnPath("terraform") !== undefined) {
      const fmt = spawnSync("terraform", ["fmt", "-"], { input: tf, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" }, timeout: 30_000 });
      expect(fmt.status, fmt.stderr).toBe(0);
    }
  });

  it("refuses a plan.json that does not match its schema, naming the field", async () => {
    const bad = join(dir, "bad-plan.json");
    await writeFile(bad, JSON.stringify({ ...plan(REMEDIATION), mode: "galaxy" }));
    const run = await runMain(["fix", "apply", bad, "--yes"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`plan ${bad}: /mode`);
  });
});

describe("replguard fix plan / fix apply", () => {
  it("plans from a snapshot with no AWS call, then applies the reviewed plan", async () => {
    const config = join(dir, "config.json");
    await writeFile(config, JSON.stringify({ remediation: REMEDIATION }));
    const calls = sandbox.calls.length;
    const planned = await runMain(["fix", "plan", snapshotFile, "--out", join(dir, "plan"), "--config", config]);
    expect(planned.code).toBe(0);
    expect(sandbox.calls.length).toBe(calls);
    expect(planned.stdout).toContain("fix plan: 8 changes to 7 bucket(s)");
    expect(planned.stdout).toContain("rule keep-me: unchanged");

    const original = worldState(sandbox);
    const env = { AWS_ACCESS_KEY_ID: sandbox.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sandbox.credentials.secretAccessKey, AWS_REGION: sandbox.region };
    const applied = await runMain(["fix", "apply", join(dir, "plan", "plan.json"), "--yes", "--endpoint-url", sandbox.endpoint], { env });
    expect(applied.stderr).toBe("");
    expect(applied.stdout).toContain("fix: 8 applied, 0 failed");
    expect(applied.code).toBe(0);
    expect((await rulesOf(sandbox, ACCOUNTS.prod, "fx-owner"))[0]).toEqual(goodRule);

    // replguard rollback: the same confirmation rules, then the original state back.
    const rollbackFile = join(dir, "plan", (await readdir(join(dir, "plan"))).find((f) => /^rollback-.*\.json$/.test(f))!);
    const applied2 = worldState(sandbox);
    const refused = await runMain(["rollback", rollbackFile, "--endpoint-url", sandbox.endpoint], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("rollback needs a confirmation, and stdin is not a terminal: pass --yes");
    expect(worldState(sandbox)).toEqual(applied2);
    const restored = await runMain(["rollback", rollbackFile, "--yes", "--endpoint-url", sandbox.endpoint], { env });
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain("rollback: 6 of 8 restored");
    const now = worldState(sandbox);
    expect(now).toEqual({
      ...original,
      "fx-plain": { ...(original["fx-plain"] as object), versioning: "Suspended" },
      "fx-raw": { ...(original["fx-raw"] as object), versioning: "Suspended" },
      "fx-open": { ...(original["fx-open"] as object), objectLock: true },
      "fx-plain-replica": now["fx-plain-replica"],
    });
  });
});
