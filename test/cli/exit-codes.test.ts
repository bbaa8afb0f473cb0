/**
 * Exit codes (README "Exit codes"). Most cases run `main(argv)` in-process; the two that are about
 * the process itself (the status a shell sees, what reaches its stderr) go through the real executable.
 */
import { mkdtemp, writeFile, mkdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli, runMain } from "../support/cli.js";
import { moduleLog } from "../support/module-log.js";
import { cleanScenario } from "../support/scenarios/clean.js";

let dir: string;
const root = fileURLToPath(new URL("../..", import.meta.url));
/** What the commands load when they run, never for parsing their flags. */
const HEAVY = /^(audit|aws|config|drift|fix|merge|org|policy|sandbox|scan\/index|report\/index)(\/|$)/;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "replguard-exit-"));
  await writeFile(join(dir, "clean.json"), JSON.stringify(cleanScenario()));
  await writeFile(join(dir, "broken.json"), JSON.stringify(cleanScenario({ replicaVersioning: undefined })));
});

/**
 * A policy that applies to every bucket and whose pass message prints the bucket's Object Lock mode,
 * a fact read only for replica destinations: on the source bucket it is null, so rendering fails
 * there (printing a missing value is an error, not a blank) — a data-dependent template failure,
 * which no load-time check can rule out.
 */
async function undecidablePolicyDir(): Promise<string> {
  const policies = join(dir, "undecidable-policies");
  await mkdir(policies, { recursive: true });
  const { $schema: _schema, ...base } = JSON.parse(await readFile(new URL("../../policies/replication-configured.json", import.meta.url), "utf8")) as Record<string, unknown>;
  const policy = {
    ...base,
    id: "undecidable-message",
    title: "Every bucket has a name",
    appliesTo: {},
    check: { required: ["name"] },
    messages: { pass: "{{bucket.name}} is named, with Object Lock mode {{bucket.objectLock.mode}}", fail: "{{bucket.name}} has no name", not_applicable: "n/a" },
  };
  await writeFile(join(policies, "undecidable-message.json"), JSON.stringify(policy));
  return policies;
}

describe("cli/exit codes through the executable", () => {
  it("exits 0 when no failure reaches --fail-on and the scan is complete", async () => {
    const run = await runCli(["audit", "--sandbox", join(dir, "clean.json"), "--format", "json", "--out", join(dir, "out0"), "--quiet"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  it("exits 2 with one line naming the flag on a bad flag value, having loaded only the flag definitions", async () => {
    const log = await moduleLog(root);
    try {
      const run = await runCli(["audit", "--sandbox", "--fail-on", "extreme"], { nodeArgs: log.nodeArgs, env: log.env });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("--fail-on");
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
      // A refused flag (like --help and --version) costs a fraction of a full start: the commands
      // load the pipeline (the SDK, ajv's compiled policies, the sandbox, the report writers) when they run.
      const loaded = await log.projectModules();
      expect(loaded).toContain("cli/audit-command");
      expect(loaded.filter((path) => HEAVY.test(path))).toEqual([]);
    } finally {
      await log.cleanup();
    }
  });
});

describe("cli/exit codes", () => {
  it("exits 3, not 0, when a result is error: the audit could not decide, so the run is not complete, and says so in SARIF and HTML", async () => {
    const policies = await undecidablePolicyDir();
    const out = join(dir, "out-error");
    const run = await runMain(["audit", "--sandbox", join(dir, "clean.json"), "--policies", policies, "--format", "sarif,json,html", "--out", out]);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/\b[1-9]\d* error\b/);
    expect(run.stdout).toContain("not decided: policy undecidable-message on arn:aws:s3:::clean-source");
    const sarif = JSON.parse(await readFile(join(out, "results.sarif"), "utf8")) as {
      runs: { invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string } }[] }[] }[];
    };
    const invocation = sarif.runs[0]!.invocations[0]!;
    expect(invocation.executionSuccessful).toBe(false);
    const notes = invocation.toolExecutionNotifications.filter((n) => n.message.text.includes("undecidable-message"));
    expect(notes.length).toBeGreaterThan(0);
    expect(notes[0]).toMatchObject({ level: "error" });
    expect(notes[0]!.message.text).toContain("arn:aws:s3:::clean-source");
    const html = await readFile(join(out, "report.html"), "utf8");
    expect(html).toContain('class="banner incomplete"');
    expect(html).not.toContain('class="banner complete"');
  });

  it("exits 1 when a failure is at or above --fail-on", async () => {
    const run = await runMain(["audit", "--sandbox", join(dir, "broken.json"), "--format", "json", "--out", join(dir, "out1"), "--json"]);
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout) as { exitCode: number; complete: boolean; failuresBySeverity: Record<string, number> };
    expect(summary.exitCode).toBe(1);
    expect(summary.complete).toBe(true);
    expect(summary.failuresBySeverity.high).toBeGreaterThan(0);
  });

  it("exits 0 on the same findings when --fail-on is above their severity", async () => {
    const run = await runMain(["audit", "--sandbox", join(dir, "broken.json"), "--format", "json", "--out", join(dir, "out1b"), "--quiet", "--fail-on", "critical"]);
    expect(run.code).toBe(0);
  });

  it("exits 2 when --sandbox is combined with another endpoint or credentials", async () => {
    const run = await runMain(["audit", "--sandbox", "demo", "--endpoint-url", "http://127.0.0.1:9"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--sandbox");
  });

  it("exits 2 on an unknown flag", async () => {
    const run = await runMain(["audit", "--no-such-flag"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--no-such-flag");
  });

  it("exits 2 naming the file and field of a bad config file", async () => {
    const config = join(dir, "bad-config.json");
    await writeFile(config, JSON.stringify({ failOn: "urgent" }));
    const run = await runMain(["audit", "--sandbox", "--config", config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(config);
    expect(run.stderr).toContain("/failOn");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("exits 2 naming the policy file of an invalid custom policy", async () => {
    const policies = join(dir, "bad-policies");
    await mkdir(policies, { recursive: true });
    await writeFile(join(policies, "my-policy.json"), JSON.stringify({ id: "other-id" }));
    const run = await runMain(["audit", "--sandbox", "--policies", policies]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("my-policy.json");
  });

  it("exits 2 naming the scenario file and pointer of a bad sandbox scenario", async () => {
    const scenario = join(dir, "bad-scenario.json");
    await writeFile(scenario, JSON.stringify({ organization: { id: "o-x", managementAccountId: "1" }, accounts: [] }));
    const run = await runMain(["audit", "--sandbox", scenario]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(scenario);
  });

  it("exits 3 when an account in scope cannot be read (the demo's missing role and denied bucket)", async () => {
    const run = await runMain(["audit", "--sandbox", "demo", "--format", "json", "--out", join(dir, "out3"), "--json"]);
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({ exitCode: 3, complete: false });
  });
});
