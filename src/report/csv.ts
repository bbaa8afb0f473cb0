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

/**
 * Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection"): such a cell
 * gets a leading `'`, which spreadsheets show as text and hide. Every other cell is written exactly.
 */
const FORMULA_TRIGGER = /^[=+\-@\t\r]/;

export const neutraliseCell = (value: string): string => (FORMULA_TRIGGER.test(value) ? `'${value}` : value);

/**
 * One cell as csv-stringify writes it with its defaults (delimiter `,`, quote and escape `"`, record
 * delimiter `\n`): quoted when it holds a comma, a quote, `\n` or `\r`, quotes doubled. Written here
 * because csv-stringify's sync API re-normalises its options for every call, which was most of the
 * CSV's CPU at 100,000 buckets; test/report/csv.test.ts checks it against csv-stringify.
 */
const NEEDS_QUOTES = /[",\n\r]/;
export const csvCell = (value: string): string => (NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** One cell neutralised and encoded (the empty cell, most suppression cells, needs neither). */
const encoded = (value: string): string => (value === "" ? "" : csvCell(neutraliseCell(value)));

/**
 * One result's line, the same bytes as the row-by-row reference (test/report/csv-line.test.ts
 * checks it), without the row object, the arrays and two regular expressions per cell: the cells
 * a result shares with others (its account's three, its bucket's three, its policy's two) are
 * encoded once and reused, which was about a third of the CSV's CPU in the report worker.
 */
export class CsvLines {
  private readonly accounts = new Map<string, { account: AccountRecord | undefined; cells: string }>();
  private readonly policies = new Map<string, { policy: ReportPolicy | undefined; cells: string }>();
  /** The last bucket's cells: results arrive bucket by bucket. */
  private bucket = { region: "", bucket: "", arn: "", cells: "" };
  /** Severities and statuses: a handful of values. */
  private readonly words = new Map<string, string>();

  line(result: PolicyResult, account: AccountRecord | undefined, policy: ReportPolicy | undefined): string {
    const { evidence, suppression } = result;
    return `${this.accountCells(result.accountId, account)},${this.bucketCells(result)},${this.policyCells(result.policyId, policy)},${this.word(result.severity)},${this.word(result.status)},${encoded(result.message)},${
      evidence.length === 0 ? "," : `${encoded(evidence.map((e) => e.pointer).join("\n"))},${encoded(JSON.stringify(evidence.map((e) => e.actual ?? null)))}`
    },${encoded(suppression?.reason ?? "")},${encoded(suppression?.expires ?? "")}\n`;
  }

  private accountCells(id: string, account: AccountRecord | undefined): string {
    const known = this.accounts.get(id);
    if (known !== undefined && known.account === account) return known.cells;
    const cells = `${encoded(id)},${encoded(account?.name ?? "")},${encoded(account?.ouPath ?? "")}`;
    this.accounts.set(id, { account, cells });
    return cells;
  }

  private bucketCells(result: PolicyResult): string {
    const last = this.bucket;
    if (last.arn === result.bucketArn && last.bucket === result.bucket && last.region === result.region && last.cells !== "") return last.cells;
    const cells = `${encoded(result.region)},${encoded(result.bucket)},${encoded(result.bucketArn)}`;
    this.bucket = { region: result.region, bucket: result.bucket, arn: result.bucketArn, cells };
    return cells;
  }

  private policyCells(id: string, policy: ReportPolicy | undefined): string {
    const known = this.policies.get(id);
    if (known !== undefined && known.policy === policy) return known.cells;
    const cells = `${encoded(id)},${encoded(policy?.title ?? id)}`;
    this.policies.set(id, { policy, cells });
    return cells;
  }

  private word(value: string): string {
    let cell = this.words.get(value);
    if (cell === undefined) {
      cell = encoded(value);
      // Bounded: a hand-made snapshot could hold any string here.
      if (this.words.size < 64) this.words.set(value, cell);
    }
    return cell;
  }
}

/** The CSV written row by row as results stream by. */
export class CsvStream {
  private readonly lines = new CsvLines();

  constructor(
    private readonly out: ReportFileWriter,
    private readonly catalog: PolicyCatalog,
  ) {}

  start(): Promise<void> {
    // The header row is not neutralised: its cells are our own column names.
    return this.out.write(`${CSV_COLUMNS.map(csvCell).join(",")}\n`);
  }

  /** A promise only when the line hands a batch to the file. */
  result(result: PolicyResult, account: AccountRecord | undefined): Promise<void> | undefined {
    return this.out.queue(this.lines.line(result, account, this.catalog.forResult(result).policy));
  }
}
