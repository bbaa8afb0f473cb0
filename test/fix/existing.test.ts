/**
 * `audit --fix --replicate-existing`: the buckets whose replication the fix just added get an S3
 * Batch Replication job for the objects they already held, confirmed, followed to the end, and
 * summarised from the completion report.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runMain } from "../support/cli.js";
import { fixWorld, REMEDIATION } from "./world.js";

let dir: string;
let scenarioFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "replguard-fix-existing-"));
  scenarioFile = join(dir, "world.json");
  await writeFile(scenarioFile, JSON.stringify(fixWorld({ objects: 5 })));
});

async function config(remediation: object): Promise<string> {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify({ remediation }));
  return file;
}

describe("replguard audit --fix --replicate-existing", () => {
  it("needs remediation.batch in the config file (exit 2, before scanning)", async () => {
    const run = await runMain(["audit", "--sandbox", scenarioFile, "--fix", "--yes", "--replicate-existing", "--config", await config(REMEDIATION), "--format", "json", "--out", join(dir, "r0"), "--quiet"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--replicate-existing needs remediation.batch (roleArn, reportBucket)");
  });

  it("replicates the existing objects of the bucket whose replication it just added", async () => {
    const batch = { roleArn: "arn:aws:iam::{account}:role/replguard-batch-replication", reportBucket: "fx-reports", reportPrefix: "batch" };
    const run = await runMain(["audit", "--sandbox", scenarioFile, "--fix", "--yes", "--replicate-existing", "--config", await config({ ...REMEDIATION, batch }), "--format", "json", "--out", join(dir, "r1"), "--quiet"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("fix: 10 applied, 0 failed");
    expect(run.stdout).toContain("existing objects (S3 Batch Replication):");
    expect(run.stdout).toMatch(/fx-plain \(222222222222, us-east-1\): job \S+ complete: 5 objects replicated, 0 objects failed of 5 objects; completion report \S+ matches the job's counts/);
    // fx-owner replicated before the fix: the audit found its existing objects unreplicated
    // (existing-objects-replicated failed), so it gets a job as well.
    expect(run.stdout).toMatch(/fx-owner \(222222222222, us-east-1\): job \S+ complete/);
    expect(run.code).toBe(1);
  });
});
