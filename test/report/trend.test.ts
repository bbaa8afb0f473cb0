/**
 * The trend of failures with `--baseline latest`: every earlier run beside the report folder is a
 * point, read from the last line of its snapshot (`counts.failures` in the trailer, 2.1), then this run.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit, type AuditResult } from "../../src/audit/index.js";
import { failureHistory } from "../../src/drift/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";

describe("report/trend of failures", () => {
  let sandbox: Sandbox;
  let parent: string;
  const runs: AuditResult[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: "demo" });
    parent = await mkdtemp(join(tmpdir(), "replguard-trend-"));
    const scan = { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region };
    runs.push(await audit({ scan, outDir: join(parent, "1"), formats: ["json"] }));
    // A change between the runs, so the points differ: one more bucket loses its versioning.
    sandbox.world.buckets.get("payments-ledger")!.versioning = "Suspended";
    runs.push(await audit({ scan, outDir: join(parent, "2"), formats: ["json"], baseline: "latest" }));
    runs.push(await audit({ scan, outDir: join(parent, "3"), formats: ["json", "html"], baseline: "latest" }));
  }, 60_000);
  afterAll(async () => {
    await sandbox?.close();
    await rm(parent, { recursive: true, force: true });
  });

  const failures = (run: AuditResult): number => run.summary.counts.fail;

  it("reads each earlier run's failures from its snapshot's last line, oldest first", async () => {
    const history = await failureHistory(parent, join(parent, "3"));
    expect(history).toEqual([
      { finishedAt: runs[0]!.snapshot.scan.finishedAt, failures: failures(runs[0]!) },
      { finishedAt: runs[1]!.snapshot.scan.finishedAt, failures: failures(runs[1]!) },
    ]);
    expect(failures(runs[1]!)).toBeGreaterThan(failures(runs[0]!));
  });

  it("draws every earlier run and this one in the report", async () => {
    const html = await readFile(join(parent, "3", "report.html"), "utf8");
    const title = /<title id="chart-trend-title">([^<]*)<\/title>/.exec(html)?.[1];
    expect(title).toBe(
      `Failing results: ${runs[0]!.snapshot.scan.finishedAt}: ${failures(runs[0]!)}, ${runs[1]!.snapshot.scan.finishedAt}: ${failures(runs[1]!)}, now ${runs[2]!.snapshot.scan.finishedAt}: ${failures(runs[2]!)}`,
    );
  });
});
