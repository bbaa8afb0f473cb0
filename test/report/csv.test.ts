import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSV_COLUMNS, csvCell, neutraliseCell, recordsOfSnapshot, writeReports } from "../../src/report/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { HOSTILE, POLICY_INFOS, RETIRED_POLICY, buildSnapshot } from "../support/report-fixture.js";
import { tempDir } from "../support/temp-dir.js";

const snapshot = buildSnapshot();
let dir: string;
let cleanup: () => Promise<void>;
let rows: Record<string, string>[];
let header: string[];

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("csv"));
  await writeReports(snapshot, { outDir: dir, formats: ["csv"], policies: POLICY_INFOS });
  const text = await readFile(join(dir, "results.csv"), "utf8");
  header = (parse(text, { to_line: 1 }) as string[][])[0]!;
  rows = parse(text, { columns: true }) as Record<string, string>[];
});
afterAll(() => cleanup());

/** What a reader gets back for a value: the value, with a leading `'` if it would be a formula. */
const expectedCell = (value: string): string => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

describe("report/csv neutraliseCell", () => {
  it.each([
    ["=1+1", "'=1+1"],
    ["+1", "'+1"],
    ["-1", "'-1"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tcmd", "'\tcmd"],
    ["\rcmd", "'\rcmd"],
    ["a=b", "a=b"],
    ["1-2", "1-2"],
    ["", ""],
    ["prod-logs", "prod-logs"],
  ])("turns %j into %j", (input, output) => {
    expect(neutraliseCell(input)).toBe(output);
  });
});

describe("report/csv csvCell", () => {
  it("encodes a record exactly as csv-stringify does with its defaults", () => {
    const cell = fc.oneof(fc.string(), fc.constantFrom("", ",", '"', "\n", "\r", "\r\n", 'a,"b"', " x ", "=1", "\u2028", "é"));
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 6 }), (cells) => {
        expect(`${cells.map(csvCell).join(",")}\n`).toBe(stringify([cells]));
      }),
      { numRuns: 500 },
    );
  });
});

describe("report/csv", () => {
  it("writes the documented columns in their documented order", () => {
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(header).toEqual([
      "account_id", "account_name", "ou_path", "region", "bucket", "bucket_arn", "policy_id", "policy_title",
      "severity", "status", "message", "evidence_pointers", "evidence_actual", "suppression_reason", "suppression_expires",
    ]);
  });

  it("round-trips every result through csv-parse, one row per (bucket, policy), in the snapshot file's order", () => {
    expect(rows).toHaveLength(snapshot.results.length);
    expect(rows).toHaveLength(25);
    const accounts = new Map(snapshot.accounts.map((a) => [a.id, a]));
    const inFileOrder = [...recordsOfSnapshot(snapshot)].flatMap((record) => (record.record === "result" ? [record.result] : []));
    inFileOrder.forEach((result, index) => {
      const row = rows[index]!;
      const account = accounts.get(result.accountId)!;
      expect(row).toEqual({
        account_id: result.accountId,
        account_name: expectedCell(account.name),
        ou_path: account.ouPath,
        region: result.region,
        bucket: result.bucket,
        bucket_arn: result.bucketArn,
        policy_id: result.policyId,
        policy_title: expectedCell(POLICY_INFOS.find((p) => p.id === result.policyId)?.title ?? RETIRED_POLICY.title),
        severity: result.severity,
        status: result.status,
        message: expectedCell(result.message),
        evidence_pointers: result.evidence.map((e) => e.pointer).join("\n"),
        evidence_actual: result.evidence.length ? JSON.stringify(result.evidence.map((e) => e.actual)) : "",
        suppression_reason: expectedCell(result.suppression?.reason ?? ""),
        suppression_expires: result.suppression?.expires ?? "",
      });
    });
  });

  it("neutralises formula-like account names and suppression reasons and keeps hostile HTML exact", () => {
    const vaultRows = rows.filter((r) => r.account_id === ACCOUNTS.backup);
    expect(vaultRows.length).toBe(5);
    for (const row of vaultRows) expect(row.account_name).toBe(`'${HOSTILE.atFormula}`);
    const suppressed = rows.filter((r) => r.status === "suppressed");
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]!.suppression_reason).toBe("'+logs are rebuilt from CloudTrail; accepted by risk board");
    const prodRows = rows.filter((r) => r.account_id === "222222222222");
    for (const row of prodRows) expect(row.account_name).toBe(HOSTILE.imgTag);
    // No cell a spreadsheet would evaluate.
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it("counts every status as the snapshot does", () => {
    const count = (status: string) => rows.filter((r) => r.status === status).length;
    expect([count("pass"), count("fail"), count("error"), count("not_applicable"), count("suppressed")]).toEqual([9, 4, 3, 8, 1]);
  });
});
