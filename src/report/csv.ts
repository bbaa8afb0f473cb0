/**
 * `results.csv`: one row per (bucket, policy) result, written as the results stream by. Columns are
 * stable (docs/reports.md): add new ones at the end, never rename or reorder.
 */
import type { AccountRecord, PolicyResult } from "../model/index.js";
import type { ReportFileWriter } from "./output-stream.js";
import type { PolicyCatalog, ReportPolicy } from "./policy-catalog.js";

export const CSV_COLUMNS = [
  "account_id",
  "account_name",
  "ou_path",
  "region",
  "bucket",
  "bucket_arn",
  "policy_id",
  "policy_title",
  "severity",
  "status",
  "message",
  "evidence_pointers",
  "evidence_actual",
  "suppression_reason",
  "suppression_expires",
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
export type CsvRow = Record<CsvColumn, string>;

/**
 * Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection"): such a cell
 * gets a leading `'`, which spreadsheets show as text and hide. Every other cell is written exactly.
 */
const FORMULA_TRIGGER = /^[=+\-@\t\r]/;

export const neutraliseCell = (value: string): string => (FORMULA_TRIGGER.test(value) ? `'${value}` : value);

/** The row for one result, before neutralisation. */
export function csvRow(result: PolicyResult, account: AccountRecord | undefined, policy: ReportPolicy | undefined): CsvRow {
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

/**
 * One cell as csv-stringify writes it with its defaults (delimiter `,`, quote and escape `"`, record
 * delimiter `\n`): quoted when it holds a comma, a quote, `\n` or `\r`, quotes doubled. Written here
 * because csv-stringify's sync API re-normalises its options for every call, which was most of the
 * CSV's CPU at 100,000 buckets; test/report/csv.test.ts checks it against csv-stringify.
 */
const NEEDS_QUOTES = /[",\n\r]/;
export const csvCell = (value: string): string => (NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** One record: the cells neutralised and encoded, comma-separated, ending with `\n`. */
export const csvLine = (cells: readonly string[]): string => `${cells.map((cell) => csvCell(neutraliseCell(cell))).join(",")}\n`;

/** The CSV written row by row as results stream by. */
export class CsvStream {
  constructor(
    private readonly out: ReportFileWriter,
    private readonly catalog: PolicyCatalog,
  ) {}

  start(): Promise<void> {
    // The header row is not neutralised: its cells are our own column names.
    return this.out.write(`${CSV_COLUMNS.map(csvCell).join(",")}\n`);
  }

  result(result: PolicyResult, account: AccountRecord | undefined): Promise<void> {
    const row = csvRow(result, account, this.catalog.forResult(result).policy);
    return this.out.write(csvLine(CSV_COLUMNS.map((column) => row[column])));
  }
}
