/**
 * A sharded audit through the command line: two shards of the demo (one from --shard, one from AWS
 * Batch's variables), then `replguard merge`; and what the command line refuses, in one line.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/model/index.js";
import { readSnapshot } from "../../src/report/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { runMain, type CliRun } from "../support/cli.js";
import { tempDir } from "../support/temp-dir.js";

describe("cli: audit --shard and merge", () => {
  let sandbox: Sandbox;
  let temp: { dir: string; cleanup: () => Promise<void> };
  let env: NodeJS.ProcessEnv;
  const runs: CliRun[] = [];
  let merged: CliRun;

  beforeAll(async () => {
    temp = await tempDir("shard-cli");
    sandbox = await startSandbox({ scenario: "demo" });
    env = { AWS_ACCESS_KEY_ID: sandbox.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sandbox.credentials.secretAccessKey, AWS_REGION: sandbox.region };
    // The baseline pack: access policies on destinations in the other shard stay `error` after a merge (test/merge).
    const common = ["audit", "--endpoint-url", sandbox.endpoint, "--format", "json", "--pack", "baseline"];
    runs.push(await runMain([...common, "--shard", "0/2", "--out", join(temp.dir, "s0")], { env }));
    runs.push(await runMain([...common, "--out", join(temp.dir, "s1")], { env: { ...env, AWS_BATCH_JOB_ARRAY_INDEX: "1", AWS_BATCH_JOB_ARRAY_SIZE: "2" } }));
    merged = await runMain(["merge", join(temp.dir, "s1", "snapshot.json"), join(temp.dir, "s0", "snapshot.json"), "--out", join(temp.dir, "m"), "--format", "json,csv", "--pack", "baseline"]);
  }, 120_000);
  afterAll(async () => {
    await sandbox?.close();
    await temp?.cleanup();
  });

  const snapshot = async (dir: string): Promise<Snapshot> => readSnapshot(join(temp.dir, dir, "snapshot.json"));

  it("runs each shard, says which shard it was, and exits on its own part's coverage only (3: the demo's unreadable account or bucket)", async () => {
    for (const [index, run] of runs.entries()) {
      expect(run.stderr).toBe("");
      expect(run.stdout).toContain(`shard ${index}/2: findings are decided by \`replguard merge\``);
      const shard = await snapshot(`s${index}`);
      expect(shard.scan.shard).toMatchObject({ index, count: 2 });
      const pending = shard.scan.shard!.pendingDestinations.length;
      expect(run.stdout).toContain(`(${pending} destination${pending === 1 ? "" : "s"} outside this shard's accounts left unresolved until then)`);
      expect(run.code).toBe(shard.coverage.complete ? 0 : 3);
    }
    // Findings alone never fail a shard: the demo has failures in both halves.
    expect(runs.map((r) => r.code)).toContain(0);
  });

  it("merges them into one snapshot and reports, exit code as a whole audit's", async () => {
    expect(merged.stderr).toBe("");
    expect(merged.stdout).toMatch(/^replguard: merged 2 shards: /);
    const result = await snapshot("m");
    expect(result.scan.shard).toBeUndefined();
    expect(merged.stdout).toContain(join(temp.dir, "m", "results.csv"));
    const whole = await runMain(["audit", "--endpoint-url", sandbox.endpoint, "--format", "json", "--pack", "baseline", "--out", join(temp.dir, "whole"), "--quiet"], { env });
    expect(merged.code).toBe(whole.code);
    expect(result.results).toEqual((await snapshot("whole")).results);
  });

  it("refuses a set with a shard missing: exit 2, one line naming the missing index", async () => {
    const run = await runMain(["merge", join(temp.dir, "s1", "snapshot.json"), "--out", join(temp.dir, "m2")]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("shard 0/2 missing (given: 1)");
  });

  it("refuses a bad --shard, or an index variable without a count, in one line, exit 2", async () => {
    const bad = await runMain(["audit", "--endpoint-url", sandbox.endpoint, "--shard", "4/4", "--format", "json", "--out", join(temp.dir, "bad")], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe("replguard: --shard: shard index 4 is not below the count 4 (indexes run from 0)");
    const k8s = await runMain(["audit", "--endpoint-url", sandbox.endpoint, "--format", "json", "--out", join(temp.dir, "bad2")], { env: { ...env, JOB_COMPLETION_INDEX: "1" } });
    expect(k8s.code).toBe(2);
    expect(k8s.stderr.trim()).toBe(
      "replguard: JOB_COMPLETION_INDEX=1 is set but not REPLGUARD_SHARD_COUNT: set REPLGUARD_SHARD_COUNT to the number of shards, or pass --shard INDEX/COUNT",
    );
  });
});
