import { mkdtemp, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { cleanScenario } from "../support/scenarios.js";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "replguard-exit-"));
  await writeFile(join(dir, "clean.json"), JSON.stringify(cleanScenario()));
  await writeFile(join(dir, "broken.json"), JSON.stringify(cleanScenario({ replicaVersioning: undefined })));
});

describe("cli/exit codes", () => {
  it("exits 0 when no failure reaches --fail-on and the scan is complete", async () => {
    const run = await runCli(["audit", "--sandbox", join(dir, "clean.json"), "--format", "json", "--out", join(dir, "out0"), "--quiet"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  it("exits 1 when a failure is at or above --fail-on", async () => {
    const run = await runCli(["audit", "--sandbox", join(dir, "broken.json"), "--format", "json", "--out", join(dir, "out1"), "--json"]);
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout) as { exitCode: number; failuresBySeverity: Record<string, number> };
    expect(summary.exitCode).toBe(1);
    expect(summary.failuresBySeverity.high).toBeGreaterThan(0);
  });

  it("exits 0 on the same findings when --fail-on is above their severity", async () => {
    const run = await runCli(["audit", "--sandbox", join(dir, "broken.json"), "--format", "json", "--out", join(dir, "out1b"), "--quiet", "--fail-on", "critical"]);
    expect(run.code).toBe(0);
  });

  it("exits 2 with one line naming the flag on a bad flag value", async () => {
    const run = await runCli(["audit", "--sandbox", "--fail-on", "extreme"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--fail-on");
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("exits 2 when --sandbox is combined with another endpoint or credentials", async () => {
    const run = await runCli(["audit", "--sandbox", "demo", "--endpoint-url", "http://127.0.0.1:9"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--sandbox");
  });

  it("exits 2 on an unknown flag", async () => {
    const run = await runCli(["audit", "--no-such-flag"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--no-such-flag");
  });

  it("exits 2 naming the file and field of a bad config file", async () => {
    const config = join(dir, "bad-config.json");
    await writeFile(config, JSON.stringify({ failOn: "urgent" }));
    const run = await runCli(["audit", "--sandbox", "--config", config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(config);
    expect(run.stderr).toContain("/failOn");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("exits 2 naming the policy file of an invalid custom policy", async () => {
    const policies = join(dir, "bad-policies");
    await mkdir(policies, { recursive: true });
    await writeFile(join(policies, "my-policy.json"), JSON.stringify({ id: "other-id" }));
    const run = await runCli(["audit", "--sandbox", "--policies", policies]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("my-policy.json");
  });

  it("exits 2 naming the scenario file and pointer of a bad sandbox scenario", async () => {
    const scenario = join(dir, "bad-scenario.json");
    await writeFile(scenario, JSON.stringify({ organization: { id: "o-x", managementAccountId: "1" }, accounts: [] }));
    const run = await runCli(["audit", "--sandbox", scenario]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(scenario);
  });

  it("exits 3 when an account in scope cannot be read (the demo's missing role and denied bucket)", async () => {
    const run = await runCli(["audit", "--sandbox", "demo", "--format", "json", "--out", join(dir, "out3"), "--quiet"]);
    expect(run.code).toBe(3);
  });
});
