/**
 * The streamed audit: the snapshot file is written bucket by bucket and every report is rendered
 * from it; what the audit keeps in memory under `retain: "summary"` is only what its summary names.
 */
import { readFile, mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit, type AuditResult } from "../../src/audit/index.js";
import { SNAPSHOT_SCHEMA_VERSION } from "../../src/model/index.js";
import { loadPolicies } from "../../src/policy/index.js";
import { readSnapshot, writeReports } from "../../src/report/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { runMain } from "../support/cli.js";

let sandbox: Sandbox;
let streamed: AuditResult;
let kept: AuditResult;
let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "replguard-stream-"));
  sandbox = await startSandbox({ scenario: "demo" });
  const scan = { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region };
  streamed = await audit({ scan, outDir: join(out, "streamed"), retain: "summary", snapshotGzip: true });
  kept = await audit({ scan, outDir: join(out, "kept"), formats: ["json"] });
});
afterAll(async () => {
  await sandbox.close();
});

const fileOf = (format: string): string => streamed.reports.find((r) => r.format === format)!.file;

describe("audit/streamed snapshot and reports", () => {
  it("writes snapshot.json.gz (gzip) and keeps in memory only partly read buckets and error results", async () => {
    expect(streamed.snapshotFile).toBe(join(out, "streamed", "snapshot.json.gz"));
    expect((await readFile(streamed.snapshotFile!)).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect((await readdir(join(out, "streamed"))).sort()).toEqual(["report.html", "results.csv", "results.sarif", "snapshot.json.gz"]);
    const full = await readSnapshot(streamed.snapshotFile!);
    expect(full.buckets.length).toBe(streamed.snapshot.coverage.buckets.inScope);
    expect(full.buckets.length).toBeGreaterThan(streamed.snapshot.buckets.length);
    expect(streamed.snapshot.buckets.every((b) => b.errors.length > 0)).toBe(true);
    expect(streamed.snapshot.results.every((r) => r.status === "error")).toBe(true);
    expect(streamed.snapshot.results).toEqual(full.results.filter((r) => r.status === "error"));
    expect(streamed.summary.counts.pass).toBe(full.results.filter((r) => r.status === "pass").length);
  });

  it("writes the same documents and results as an audit that keeps everything", async () => {
    const full = await readSnapshot(streamed.snapshotFile!);
    expect(full.buckets).toEqual(kept.snapshot.buckets);
    expect(full.results).toEqual(kept.snapshot.results);
    expect(await readSnapshot(kept.snapshotFile!)).toEqual({ ...kept.snapshot, schemaVersion: SNAPSHOT_SCHEMA_VERSION });
  });

  it("renders reports from the file equal to the in-memory renderers' (CSV and HTML byte for byte, SARIF as JSON)", async () => {
    const full = await readSnapshot(streamed.snapshotFile!);
    const { policies } = await loadPolicies();
    const again = join(out, "in-memory");
    await writeReports(full, { outDir: again, formats: ["csv", "sarif", "html"], policies });
    expect(await readFile(fileOf("csv"), "utf8")).toBe(await readFile(join(again, "results.csv"), "utf8"));
    expect(JSON.parse(await readFile(fileOf("sarif"), "utf8"))).toEqual(JSON.parse(await readFile(join(again, "results.sarif"), "utf8")));
    expect(await readFile(fileOf("html"), "utf8")).toBe(await readFile(join(again, "report.html"), "utf8"));
  });

  it("re-renders from the gzipped snapshot with `replguard report`, and `drift` reads it as a baseline", async () => {
    const again = join(out, "report-again");
    const report = await runMain(["report", streamed.snapshotFile!, "--format", "csv", "--out", again]);
    expect(report.code).toBe(0);
    expect(await readFile(join(again, "results.csv"), "utf8")).toBe(await readFile(fileOf("csv"), "utf8"));
    const drift = await runMain(["drift", streamed.snapshotFile!, kept.snapshotFile!, "--out", join(out, "drift"), "--fail-on-drift", "new-failures"]);
    expect(drift.stderr).toBe("");
    expect(drift.code).toBe(0);
    expect(drift.stdout).toContain("0 new failure(s)");
  });
});
