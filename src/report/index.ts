/**
 * The report stage: renders a Snapshot as HTML, CSV, SARIF 2.1.0 and the JSON snapshot, with no
 * network. Formats, files and columns are documented in docs/reports.md.
 */
import { join } from "node:path";
import type { Snapshot } from "../model/index.js";
import { writeCsv } from "./csv.js";
import { writeHtml } from "./html.js";
import { outputError } from "./output-stream.js";
import { openReportDir, writeWhole, type ReportDir } from "./report-dir.js";
import { OutputError } from "../errors.js";
import { buildPolicyCatalog, type ReportPolicy } from "./policy-catalog.js";
import { writeSarif } from "./sarif.js";
import { writeSnapshotJson } from "./snapshot-json.js";
import { writeDriftCsv, writeDriftJson } from "./drift-files.js";
import { DRIFT_FILE_NAMES, DRIFT_FORMATS, REPORT_FILE_NAMES, type DriftFormat, type ReportFormat, type WriteReportsOptions, type WrittenReport } from "./types.js";
import type { Drift } from "../model/index.js";

export { REPORT_FORMATS, REPORT_FILE_NAMES, DRIFT_FORMATS, DRIFT_FILE_NAMES } from "./types.js";
export type { DriftFormat, HtmlOptions, PolicyInfo, ReportBaseline, ReportFormat, WriteReportsOptions, WrittenReport } from "./types.js";
export { DRIFT_CSV_COLUMNS, driftRows, writeDriftCsv, writeDriftJson } from "./drift-files.js";
export { buildPolicyCatalog, type ReportPolicy } from "./policy-catalog.js";
export { readSnapshot, validateSnapshot } from "./read-snapshot.js";
export { openSnapshot, recordsOfSnapshot, snapshotRecords, type OpenedSnapshot } from "./snapshot-records.js";
export { SnapshotWriter, writeSnapshotJson, type SnapshotWriteOptions } from "./snapshot-json.js";
export { CSV_COLUMNS, neutraliseCell, writeCsv, type CsvColumn } from "./csv.js";
export { renderSarif, writeSarif, findingFingerprint, bucketUri, FINGERPRINT_KEY, SARIF_URI_BASE_ID } from "./sarif.js";
export { SECURITY_SEVERITY, SARIF_LEVEL } from "./sarif-rules.js";
export { renderHtml, renderHtmlString, writeHtml, jsonForScript, DEFAULT_DETAILED_BUCKET_LIMIT } from "./html.js";
export { countStatuses, emptyCounts } from "./summary.js";
export { openReportDir, interruptReportWrites, writeWhole, LOCK_FILE, type ReportDir } from "./report-dir.js";
export { checkSnapshotFile, writeReportsFromSnapshot, type SnapshotReportsOptions } from "./from-snapshot.js";
export { runCompleteness, errorResultLine, type RunCompleteness } from "./completeness.js";

type Writer = (snapshot: Snapshot, policies: ReportPolicy[], file: string, options: WriteReportsOptions) => Promise<void>;

const WRITERS: Record<ReportFormat, Writer> = {
  json: (snapshot, _policies, file) => writeSnapshotJson(snapshot, file),
  csv: (snapshot, policies, file) => writeCsv(snapshot, policies, file),
  sarif: (snapshot, policies, file, options) => writeSarif(snapshot, policies, file, options.baseline),
  html: (snapshot, policies, file, options) => writeHtml(snapshot, policies, file, { ...options.html, ...(options.baseline ? { drift: options.baseline.drift } : {}) }),
};

const DRIFT_WRITERS: Record<DriftFormat, (drift: Drift, file: string) => Promise<void>> = { json: writeDriftJson, csv: writeDriftCsv };

/**
 * Writes each requested format into the report folder, one after another so only one large output
 * is in flight. Each file is written under a temporary name and renamed when complete (see
 * report-dir.ts); the folder is created and locked unless the caller passes one it already opened.
 * Throws OutDirError (exit 2) for a folder that cannot be used, OutputError naming the file that
 * could not be written.
 */
export async function writeReports(snapshot: Snapshot, options: WriteReportsOptions & { dir?: ReportDir }): Promise<WrittenReport[]> {
  const dir = options.dir ?? (await openReportDir(options.outDir));
  try {
    const catalog = buildPolicyCatalog(snapshot, options.policies);
    const written: WrittenReport[] = [];
    for (const format of new Set(options.formats)) {
      const file = join(dir.path, REPORT_FILE_NAMES[format]);
      try {
        await writeWhole(file, (temporary) => WRITERS[format](snapshot, catalog, temporary, options));
      } catch (error) {
        // Name the report, not its temporary file.
        throw outputError(file, error instanceof OutputError ? error.cause : error);
      }
      written.push({ format, file });
    }
    if (options.baseline !== undefined) {
      for (const format of new Set(options.driftFormats ?? DRIFT_FORMATS)) {
        const file = join(dir.path, DRIFT_FILE_NAMES[format]);
        try {
          await writeWhole(file, (temporary) => DRIFT_WRITERS[format](options.baseline!.drift, temporary));
        } catch (error) {
          throw outputError(file, error instanceof OutputError ? error.cause : error);
        }
        written.push({ format: `drift-${format}`, file });
      }
    }
    return written;
  } finally {
    if (options.dir === undefined) dir.release();
  }
}
export { TERRAFORM_DRIFT_CSV_COLUMNS, TERRAFORM_DRIFT_FILES, writeTerraformDriftReports } from "./terraform-drift.js";
