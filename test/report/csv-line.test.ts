import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AccountRecord, PolicyResult } from "../../src/model/index.js";
import { CSV_COLUMNS, CsvLines, csvCell, neutraliseCell, type CsvColumn } from "../../src/report/csv.js";
import type { ReportPolicy } from "../../src/report/policy-catalog.js";
import { buildSnapshot, POLICY_INFOS } from "../support/report-fixture.js";

/** The row for one result, before neutralisation (the CSV's earlier code). */
function csvRow(result: PolicyResult, account: AccountRecord | undefined, policy: ReportPolicy | undefined): Record<CsvColumn, string> {
  return {
    account_id: result.accountId,
    account_name: account?.name ?? "",
    ou_path: account?.ouPath ?? "",
    region: result.region,
    bucket: result.bucket,
    bucket_arn: result.bucketArn,
    policy_id: result.policyId,
    policy_title: policy?.title ?? result.policyId,
    severity: result.severity,
    status: result.status,
    message: result.message,
    // One pointer per line: JSON pointers into the bucket document never contain a newline.
    evidence_pointers: result.evidence.map((e) => e.pointer).join("\n"),
    evidence_actual: result.evidence.length === 0 ? "" : JSON.stringify(result.evidence.map((e) => e.actual ?? null)),
    suppression_reason: result.suppression?.reason ?? "",
    suppression_expires: result.suppression?.expires ?? "",
  };
}

/** The reference: the row object, then every cell neutralised and encoded, comma-separated (the CSV's earlier code). */
const reference = (result: PolicyResult, account: AccountRecord | undefined, policy: ReportPolicy | undefined): string =>
  `${CSV_COLUMNS.map((column) => csvCell(neutraliseCell(csvRow(result, account, policy)[column]))).join(",")}\n`;

const policyOf = (id: string, title: string): ReportPolicy => ({ id, title, severity: "high", hash: null, source: null, info: null });

describe("report/csv CsvLines", () => {
  it("writes the fixture's results with the same bytes as the row-by-row reference", () => {
    const snapshot = buildSnapshot();
    const accounts = new Map(snapshot.accounts.map((a) => [a.id, a]));
    const lines = new CsvLines();
    for (const result of snapshot.results) {
      const info = POLICY_INFOS.find((p) => p.id === result.policyId);
      const policy = info === undefined ? undefined : policyOf(info.id, info.title);
      const account = accounts.get(result.accountId);
      expect(lines.line(result, account, policy)).toBe(reference(result, account, policy));
    }
  });

  it("gives the reference's bytes for any cells, whichever account, bucket and policy cells it reuses", () => {
    // Few distinct values, so results share accounts, buckets and policies (the cached cells), and hostile ones.
    const text = fc.constantFrom("", "a", "=1+1", "-x", "@s", "\tt", "\rr", 'q"q', "c,c", "n\nn", "r\r\nn", "é\u2028", "us-east-1");
    const account = fc.option(fc.record({ id: text, name: text, ouPath: text }), { nil: undefined });
    const policy = fc.option(fc.record({ id: text, title: text }), { nil: undefined });
    const evidence = fc.array(fc.record({ pointer: text, actual: fc.option(fc.oneof(text, fc.integer(), fc.boolean()), { nil: undefined }) }), { maxLength: 3 });
    const suppression = fc.option(fc.record({ reason: text, expires: fc.option(text, { nil: undefined }) }), { nil: null });
    const row = fc.record({ accountId: text, region: text, bucket: text, bucketArn: text, policyId: text, severity: text, status: text, message: text, evidence, suppression, account, policy });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 12 }), (rows) => {
        const lines = new CsvLines();
        // One object per account id and per policy id, as the sink's map and the catalog give them.
        const accounts = new Map<string, AccountRecord | undefined>();
        const policies = new Map<string, ReportPolicy | undefined>();
        for (const { account: a, policy: p, ...fields } of rows) {
          const result = fields as unknown as PolicyResult;
          if (!accounts.has(result.accountId)) accounts.set(result.accountId, a === undefined ? undefined : ({ ...a, id: result.accountId } as AccountRecord));
          if (!policies.has(result.policyId)) policies.set(result.policyId, p === undefined ? undefined : policyOf(result.policyId, p.title));
          const theAccount = accounts.get(result.accountId);
          const thePolicy = policies.get(result.policyId);
          expect(lines.line(result, theAccount, thePolicy)).toBe(reference(result, theAccount, thePolicy));
        }
      }),
      { numRuns: 300 },
    );
  });
});
