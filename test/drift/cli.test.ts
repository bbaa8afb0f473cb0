/**
 * The drift command and audit's --baseline on the command line (in-process main): refused
 * baselines exit 2 with one line naming the file, an older minor version is read, exit codes.
 */
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit } from "../../src/audit/index.js";
import { findLatestSnapshot } from "../../src/drift/index.js";
import { writeSnapshotJson } from "../../src/report/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { buildSnapshot } from "../support/report-fixture.js";
import { runMain } from "../support/cli.js";
import { SIDE, driftScenario } from "./scenario.js";

let dir: string;
let good: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "replguard-drift-cli-"));
  good = join(dir, "good.json");
  await writeSnapshotJson(buildSnapshot(), good);
});

const oneLine = (text: string): void => expect(text.trim().split("\n")).toHaveLength(1);

describe("drift/cli: baselines that are refused", () => {
  it("refuses a file that is not a replguard snapshot (exit 2, naming the file)", async () => {
    const file = join(dir, "not-a-snapshot.json");
    await writeFile(file, JSON.stringify({ hello: "world" }));
    const run = await runMain(["drift", file, good, "--out", join(dir, "o1")]);
    expect(run.code).toBe(2);
    oneLine(run.stderr);
    expect(run.stderr).toContain(file);
    expect(run.stderr).toContain("invalid snapshot");
  });

  it("refuses a truncated snapshot (exit 2, saying it is truncated)", async () => {
    const file = join(dir, "truncated.json");
    const text = await readFile(good, "utf8");
    await writeFile(file, text.slice(0, Math.floor(text.length / 2)));
    const run = await runMain(["drift", file, good, "--out", join(dir, "o2")]);
    expect(run.code).toBe(2);
    oneLine(run.stderr);
    expect(run.stderr).toContain(`${file}: not valid JSON`);
    expect(run.stderr).toContain("truncated");
  });

  it("refuses another major schemaVersion (exit 2), and reads an older minor-version snapshot", async () => {
    const future = join(dir, "future.json");
    await writeFile(future, JSON.stringify({ ...buildSnapshot(), schemaVersion: "2.0.0" }));
    const run = await runMain(["drift", future, good, "--out", join(dir, "o3")]);
    expect(run.code).toBe(2);
    oneLine(run.stderr);
    expect(run.stderr).toContain(`${future}: snapshot format 2.0.0 is not readable`);

    // 1.0 snapshots written before `activeSuppressions` existed lack it.
    const older = join(dir, "older.json");
    const { activeSuppressions: _dropped, ...withoutField } = buildSnapshot();
    await writeFile(older, JSON.stringify(withoutField));
    const ok = await runMain(["drift", older, good, "--out", join(dir, "o4"), "--fail-on-drift", "any-change"]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("0 new failure(s)");
  });

  it("refuses an unknown --fail-on-drift value", async () => {
    const run = await runMain(["drift", good, good, "--out", join(dir, "o5"), "--fail-on-drift", "sometimes"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("sometimes");
  });
});

describe("drift/cli: audit --baseline", () => {
  let sandbox: Sandbox;
  let scenarioFile: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: driftScenario() });
    scenarioFile = join(dir, "scenario.json");
    await writeFile(scenarioFile, JSON.stringify(driftScenario()));
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("on a first run with --baseline latest, says so and goes on without drift", async () => {
    const parent = join(dir, "first");
    const run = await runMain(["audit", "--sandbox", scenarioFile, "--out", join(parent, "n1"), "--baseline", "latest", "--format", "json"]);
    expect(run.stderr).toContain("no earlier snapshot.json beside the report folder: this is the first run");
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain("drift since");
  });

  it("exits 2 for --fail-on-drift when there is nothing to compare with", async () => {
    const parent = join(dir, "gate");
    const noBaseline = await runMain(["audit", "--sandbox", scenarioFile, "--out", join(parent, "n1"), "--fail-on-drift", "any-change"]);
    expect(noBaseline.code).toBe(2);
    expect(noBaseline.stderr).toBe("replguard: --fail-on-drift needs --baseline SNAPSHOT, --baseline latest or --terraform FILE\n");
    const none = await runMain(["audit", "--sandbox", scenarioFile, "--out", join(parent, "n2"), "--baseline", "latest", "--fail-on-drift", "any-change"]);
    expect(none.code).toBe(2);
    oneLine(none.stderr);
    expect(none.stderr).toContain("--baseline latest: no earlier snapshot.json");
  });

  it("compares with the newest snapshot by finishedAt, not by folder name or mtime, and exits 5 on drift over findings", async () => {
    const parent = join(dir, "nightly");
    await runMain(["audit", "--sandbox", scenarioFile, "--out", join(parent, "b-scan"), "--format", "json"]);
    // An older scan written later, in a folder whose name sorts last: not the newest.
    const stale = buildSnapshot();
    stale.scan = { ...stale.scan, finishedAt: "2001-01-01T00:00:00.000Z", startedAt: "2001-01-01T00:00:00.000Z" };
    await mkdir(join(parent, "z-old"), { recursive: true });
    await writeSnapshotJson(stale, join(parent, "z-old", "snapshot.json"));
    await mkdir(join(parent, "not-a-scan"), { recursive: true });
    await writeFile(join(parent, "not-a-scan", "snapshot.json"), "{}");
    expect(await findLatestSnapshot(parent, join(parent, "c-scan"))).toBe(join(parent, "b-scan", "snapshot.json"));

    const same = await runMain(["audit", "--sandbox", scenarioFile, "--out", join(parent, "c-scan"), "--baseline", "latest", "--fail-on-drift", "any-change", "--fail-on", "low", "--json"]);
    const summary = JSON.parse(same.stdout) as { exitCode: number; drift: Record<string, unknown> };
    // Findings alone exit 1; the same organization scanned again is no drift.
    expect(same.code).toBe(1);
    expect(summary.drift).toMatchObject({ baseline: join(parent, "b-scan", "snapshot.json"), newFailures: 0, configChanges: 0, scopeChanges: 0 });
    expect(summary).toMatchObject({ reports: expect.arrayContaining([expect.objectContaining({ format: "drift-json" }), expect.objectContaining({ format: "drift-csv" })]) });

    // Against a baseline where everything passed, the current failures are new: 5 outranks 1.
    const clean = await runMain(["audit", "--sandbox", scenarioFile, "--out", join(parent, "d-scan"), "--format", "json", "--baseline", join(parent, "z-old", "snapshot.json"), "--fail-on-drift", "new-failures", "--fail-on", "low"]);
    expect(clean.code).toBe(5);
    expect(clean.stdout).toContain(`drift since ${join(parent, "z-old", "snapshot.json")}`);
  });

  it("lets an incomplete scan (3) outrank drift (5)", async () => {
    const out = join(dir, "incomplete");
    const baseline = join(dir, "good.json");
    sandbox.world.accounts.get(SIDE)!.auditRole = null;
    const result = await audit({
      scan: { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region },
      outDir: out,
      baseline,
      failOnDrift: "any-change",
      formats: ["json"],
    });
    expect(result.drift?.summary.configChanges).toBeGreaterThan(0);
    expect(result.exitCode).toBe(3);
  });
});
