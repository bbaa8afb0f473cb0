/**
 * Terraform drift reports: `terraform-drift.json` (the TerraformDrift document, one item per line)
 * and `terraform-drift.csv` (one row per item, formulas neutralised), each whole or absent.
 */
import { join } from "node:path";
import { stringify } from "csv-stringify/sync";
import { OutputError } from "../errors.js";
import { TERRAFORM_DRIFTED_KINDS, type TerraformDrift, type TerraformDriftItem } from "../model/index.js";
import { neutraliseCell } from "./csv.js";
import { outputError, withReportFile } from "./output-stream.js";
import { openReportDir, writeWhole, type ReportDir } from "./report-dir.js";
import type { WrittenReport } from "./types.js";

export const TERRAFORM_DRIFT_FILES = { json: "terraform-drift.json", csv: "terraform-drift.csv" } as const;

export const TERRAFORM_DRIFT_CSV_COLUMNS = ["kind", "bucket", "account_id", "field", "declared", "live", "address", "message", "is_drift"] as const;

const cell = (value: unknown): string => (value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value));

function csvLine(item: TerraformDriftItem): string {
  const row: Record<(typeof TERRAFORM_DRIFT_CSV_COLUMNS)[number], string> = {
    kind: item.kind,
    bucket: item.bucket,
    account_id: item.accountId ?? "",
    field: item.field,
    declared: cell(item.declared),
    live: cell(item.live),
    address: item.address ?? "",
    message: item.message,
    is_drift: TERRAFORM_DRIFTED_KINDS.includes(item.kind) ? "true" : "false",
  };
  return stringify([TERRAFORM_DRIFT_CSV_COLUMNS.map((c) => neutraliseCell(row[c]))]);
}

/** The JSON document, written item by item so a large drift never sits in memory as one string. */
async function writeJson(drift: TerraformDrift, file: string): Promise<void> {
  await withReportFile(file, async (writer) => {
    const { items, ...head } = drift;
    const headJson = JSON.stringify(head, null, 2);
    await writer.write(`${headJson.slice(0, -2)},\n  "items": [`);
    for (const [i, item] of items.entries()) await writer.write(`${i === 0 ? "\n" : ",\n"}    ${JSON.stringify(item)}`);
    await writer.write(items.length === 0 ? "]\n}\n" : "\n  ]\n}\n");
  });
}

async function writeCsv(drift: TerraformDrift, file: string): Promise<void> {
  await withReportFile(file, async (writer) => {
    await writer.write(stringify([[...TERRAFORM_DRIFT_CSV_COLUMNS]]));
    for (const item of drift.items) await writer.write(csvLine(item));
  });
}

/** Writes terraform-drift.json and terraform-drift.csv into `outDir` (created when missing, locked while writing). */
export async function writeTerraformDriftReports(drift: TerraformDrift, outDir: string, options: { dir?: ReportDir } = {}): Promise<WrittenReport[]> {
  const dir = options.dir ?? (await openReportDir(outDir));
  try {
    const written: WrittenReport[] = [];
    for (const [format, write] of [
      ["json", writeJson],
      ["csv", writeCsv],
    ] as const) {
      const file = join(dir.path, TERRAFORM_DRIFT_FILES[format]);
      try {
        await writeWhole(file, (temporary) => write(drift, temporary));
      } catch (error) {
        throw outputError(file, error instanceof OutputError ? error.cause : error);
      }
      written.push({ format, file });
    }
    return written;
  } finally {
    if (options.dir === undefined) dir.release();
  }
}
