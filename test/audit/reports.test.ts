/**
 * The demo audit's real reports, as an auditor receives them: the SARIF passes Microsoft's
 * Multitool, the CSV round-trips, the HTML holds every demo bucket and loads nothing from outside,
 * the snapshot validates, and `replguard report` re-renders the same results without scanning.
 */
import { readFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit, type AuditResult } from "../../src/audit/index.js";
import { readSnapshot } from "../../src/report/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { runMain } from "../support/cli.js";
import { multitoolErrors } from "../support/sarif-multitool.js";

let sandbox: Sandbox;
let result: AuditResult;
let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "replguard-demo-reports-"));
  sandbox = await startSandbox({ scenario: "demo" });
  result = await audit({ scan: { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region }, outDir: out });
});
afterAll(async () => {
  await sandbox.close();
});

const fileOf = (format: string): string => result.reports.find((r) => r.format === format)!.file;

describe("audit/reports of the demo", () => {
  it("writes all four reports", () => {
    expect(result.reports.map((r) => r.format).sort()).toEqual(["csv", "html", "json", "sarif"]);
  });

  it("writes SARIF that passes the SARIF Multitool with GitHub's rules, one result per failure", async () => {
    expect(await multitoolErrors(fileOf("sarif"))).toEqual([]);
    const log = JSON.parse(await readFile(fileOf("sarif"), "utf8")) as { runs: { results: { ruleId: string }[] }[] };
    const findings = result.snapshot.results.filter((r) => r.status === "fail" || r.status === "suppressed");
    expect(log.runs[0]!.results).toHaveLength(findings.length);
  });

  it("writes a CSV that parses back to one row per result", async () => {
    const rows = parse(await readFile(fileOf("csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(result.snapshot.results.length);
    const row = rows.find((r) => r.bucket === "payments-receipts" && r.policy_id === "destination-separate-account");
    expect(row?.status).toBe("fail");
    expect(row?.message).toBe("rule `receipts-backup` replicates to payments-receipts-replica in the same account 222222222222");
  });

  it("writes a self-contained HTML report with every demo bucket in it", async () => {
    const html = await readFile(fileOf("html"), "utf8");
    for (const bucket of result.snapshot.buckets) expect(html, bucket.name).toContain(bucket.name);
    expect(html).toContain("Content-Security-Policy");
    expect(html).not.toMatch(/<link\b|\bsrc=["']?https?:/i);
  });

  it("writes a snapshot that validates and re-renders through `replguard report` without AWS", async () => {
    const snapshot = await readSnapshot(fileOf("json"));
    expect(snapshot.results).toEqual(result.snapshot.results);
    const again = join(out, "again");
    const run = await runMain(["report", fileOf("json"), "--format", "csv", "--out", again]);
    expect(run.code).toBe(0);
    expect(await readFile(join(again, "results.csv"), "utf8")).toBe(await readFile(fileOf("csv"), "utf8"));
  });
});
