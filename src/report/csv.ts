/**
 * `results.csv`: one row per (bucket, policy) result, streamed through csv-stringify. Columns are
 * stable (docs/reports.md): add new ones at the end, never rename or reorder.
 */
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify";
import { stringify as stringifySync } from "csv-stringify/sync";
import type { AccountRecord, PolicyResult, Snapshot } from "../model/index.js";
import { outputError, type ReportFileWriter } from "./output-stream.js";
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

function* csvRecords(snapshot: Snapshot, policies: readonly ReportPolicy[]): Generator<string[]> {
  const accounts = new Map(snapshot.accounts.map((a) => [a.id, a]));
  const policyById = new Map(policies.map((p) => [p.id, p]));
  for (const result of snapshot.results) {
    const row = csvRow(result, accounts.get(result.accountId), policyById.get(result.policyId));
    yield CSV_COLUMNS.map((column) => neutraliseCell(row[column]));
  }
}

export async function writeCsv(snapshot: Snapshot, policies: readonly ReportPolicy[], file: string): Promise<void> {
  try {
    await pipeline(
      Readable.from(csvRecords(snapshot, policies)),
      stringify({ header: true, columns: [...CSV_COLUMNS] }),
      createWriteStream(file, { encoding: "utf8" }),
    );
  } catch (error) {
    throw outputError(file, error);
  }
}

/** The CSV written row by row as results stream by (the same bytes `writeCsv` writes). */
export class CsvStream {
  constructor(
    private readonly out: ReportFileWriter,
    private readonly catalog: PolicyCatalog,
  ) {}

  start(): Promise<void> {
    return this.out.write(stringifySync([[...CSV_COLUMNS]]));
  }

  result(result: PolicyResult, account: AccountRecord | undefined): Promise<void> {
    const row = csvRow(result, account, this.catalog.forResult(result).policy);
    return this.out.write(stringifySync([CSV_COLUMNS.map((column) => neutraliseCell(row[column]))]));
  }
}
