/**
 * The demo audit's real reports, as an auditor receives them: the SARIF passes Microsoft's
 * Multitool (in the same run as the report fixture's SARIF, test/report/sarif.test.ts, and the
 * fixture's against a baseline, for test/drift/end-to-end.test.ts), the CSV
 * round-trips, the HTML holds every demo bucket and loads nothing from outside, the snapshot
 * validates, and `replguard report` re-renders the same results without scanning.
 */
import { readFile, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit, type AuditResult } from "../../src/audit/index.js";
import { diffSnapshots } from "../../src/drift/index.js";
import { readSnapshot, writeReports } from "../../src/report/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { runMain } from "../support/cli.js";
import { multitoolErrorsOf } from "../support/sarif-multitool.js";
import { ACCOUNTS } from "../support/accounts.js";
import { POLICY_INFOS, buildSnapshot, fixtureWithBaseline } from "../support/report-fixture.js";

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

/**
 * The report fixture's SARIF against a baseline in which each `baselineState` occurs: `new`
 * (prod-data's failures passed before), `updated` (a failure that was suppressed), `unchanged`,
 * `absent` (a finding of a bucket gone since) and `unchanged` marked unverified (a finding of the
 * account whose role is now denied). test/drift/end-to-end.test.ts checks which state each change
 * of a real scan gets; this log is the one the Multitool validates for them.
 */
async function fixtureDriftSarif(outDir: string): Promise<string> {
  const { current, baseline } = fixtureWithBaseline();
  const finding = (bucket: string) => baseline.results.find((r) => r.bucket === bucket && r.status === "fail")!;
  const gone = { ...finding("prod-logs"), bucket: "prod-retired", bucketArn: "arn:aws:s3:::prod-retired" };
  const unread = { ...finding("prod-logs"), bucket: "dev-scratch", bucketArn: "arn:aws:s3:::dev-scratch", accountId: ACCOUNTS.noRole };
  baseline.results = [
    ...baseline.results.map((r) => (r === finding("mgmt-trail") ? { ...r, status: "suppressed" as const } : r)),
    gone,
    unread,
  ];
  const [report] = await writeReports(current, { outDir, formats: ["sarif"], policies: POLICY_INFOS, baseline: { snapshot: baseline, drift: diffSnapshots(baseline, current) } });
  return report!.file;
}

/**
 * One Multitool run (SARIF and GitHub rules) for four logs: the demo audit's, the report fixture's
 * (test/report/sarif.test.ts checks the rest of its SARIF), a copy of the fixture's whose first
 * result lost its location, and the fixture's against a baseline (above). Each run costs about
 * two CPU-seconds of .NET start-up.
 */
type Errors = { ruleId: string }[];
let validated: Promise<{ demo: Errors; fixture: Errors; broken: Errors; drift: { file: string; errors: Errors } }> | undefined;
const multitool = (): NonNullable<typeof validated> =>
  (validated ??= (async () => {
    const [report] = await writeReports(buildSnapshot(), { outDir: join(out, "fixture"), formats: ["sarif"], policies: POLICY_INFOS });
    const broken = JSON.parse(await readFile(report!.file, "utf8")) as { runs: { results: { locations?: unknown }[] }[] };
    delete broken.runs[0]!.results[0]!.locations;
    const brokenFile = join(out, "fixture", "broken.sarif");
    await writeFile(brokenFile, JSON.stringify(broken));
    const driftFile = await fixtureDriftSarif(join(out, "fixture-drift"));
    const errors = await multitoolErrorsOf([fileOf("sarif"), report!.file, brokenFile, driftFile]);
    return { demo: errors.get(fileOf("sarif"))!, fixture: errors.get(report!.file)!, broken: errors.get(brokenFile)!, drift: { file: driftFile, errors: errors.get(driftFile)! } };
  })());

describe("audit/reports of the demo", () => {
  it("writes all four reports", () => {
    expect(result.reports.map((r) => r.format).sort()).toEqual(["csv", "html", "json", "sarif"]);
  });

  it("writes SARIF that passes the SARIF Multitool with GitHub's rules, one result per failure", async () => {
    expect((await multitool()).demo).toEqual([]);
    const log = JSON.parse(await readFile(fileOf("sarif"), "utf8")) as { runs: { results: { ruleId: string }[] }[] };
    const findings = result.snapshot.results.filter((r) => r.status === "fail" || r.status === "suppressed");
    expect(log.runs[0]!.results).toHaveLength(findings.length);
  });

  it("report/sarif: the fixture's log passes Microsoft's SARIF Multitool validation (SARIF and GitHub rules) with zero errors", async () => {
    expect((await multitool()).fixture).toEqual([]);
  });

  it("report/sarif: the Multitool catches a result that lost its location (the validation is live)", async () => {
    expect((await multitool()).broken.map((e) => e.ruleId)).toContain("GH1015");
  });

  it("report/sarif: a log against a baseline, with every baselineState and an unverified finding, passes the Multitool", async () => {
    const { file, errors } = (await multitool()).drift;
    expect(errors).toEqual([]);
    const log = JSON.parse(await readFile(file, "utf8")) as { runs: { results: { baselineState: string; properties: { bucketArn: string; unverified?: boolean } }[] }[] };
    const states = log.runs[0]!.results.map((r) => `${r.baselineState}${r.properties.unverified === true ? " unverified" : ""} ${r.properties.bucketArn}`);
    expect(states).toEqual(expect.arrayContaining(["new arn:aws:s3:::prod-data", "updated arn:aws:s3:::mgmt-trail", "unchanged arn:aws:s3:::prod-logs", "absent arn:aws:s3:::prod-retired", "unchanged unverified arn:aws:s3:::dev-scratch"]));
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
