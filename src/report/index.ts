/**
 * The report stage: renders a Snapshot as HTML, CSV, SARIF 2.1.0 and the JSON snapshot, with no
 * network. Formats, files and columns are documented in docs/reports.md.
 */
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot, type SnapshotRecord } from "../model/index.js";
import { writeReportsFromRecords, type Records } from "./from-snapshot.js";
import type { ReportDir } from "./report-dir.js";
import { recordsOfSnapshot } from "./snapshot-records.js";
import type { WriteReportsOptions, WrittenReport } from "./types.js";

export { REPORT_FORMATS, REPORT_FILE_NAMES, DRIFT_FORMATS, DRIFT_FILE_NAMES } from "./types.js";
export type { DriftFormat, HtmlOptions, PolicyInfo, ReportBaseline, ReportFormat, WriteReportsOptions, WrittenReport } from "./types.js";
export { DRIFT_CSV_COLUMNS, driftRows, writeDriftCsv, writeDriftJson } from "./drift-files.js";
export { buildPolicyCatalog, type ReportPolicy } from "./policy-catalog.js";
export { readSnapshot, validateSnapshot } from "./read-snapshot.js";
export { openSnapshot, recordsOfSnapshot, snapshotRecords, type OpenedSnapshot } from "./snapshot-records.js";
export { SnapshotWriter, writeSnapshotJson, type SnapshotWriteOptions } from "./snapshot-json.js";
export { CSV_COLUMNS, csvCell, neutraliseCell, type CsvColumn } from "./csv.js";
export { findingFingerprint, bucketUri, FINGERPRINT_KEY, SARIF_URI_BASE_ID } from "./sarif.js";
export { SECURITY_SEVERITY, SARIF_LEVEL } from "./sarif-rules.js";
export { renderHtml, renderHtmlString, jsonForScript, DEFAULT_DETAILED_BUCKET_LIMIT } from "./html.js";
export { countStatuses, emptyCounts } from "./summary.js";
export { openReportDir, interruptReportWrites, writeWhole, LOCK_FILE, type ReportDir } from "./report-dir.js";
export { checkSnapshotFile, writeReportsFromRecords, writeReportsFromSnapshot, type Records, type SnapshotReportsOptions } from "./from-snapshot.js";
export { checkReportThreadsSetting, useReportThreads, workerFormats } from "./render-threads.js";
export { runCompleteness, errorResultLine, type RunCompleteness } from "./completeness.js";

/**
 * Writes each requested format of a snapshot held in memory into the report folder, with the
 * renderers `replguard report` uses on a file (its records in the file's order, one shared pass),
 * so both give the same bytes. Each file is written under a temporary name and renamed when
 * complete (see report-dir.ts); the folder is created and locked unless the caller passes one it
 * already opened. Throws OutDirError (exit 2) for a folder that cannot be used, OutputError naming
 * the file that could not be written.
 */
export async function writeReports(snapshot: Snapshot, options: WriteReportsOptions & { dir?: ReportDir }): Promise<WrittenReport[]> {
  const { baseline, ...rest } = options;
  return writeReportsFromRecords(recordsOf(snapshot), baseline === undefined ? null : recordsOf(baseline.snapshot), {
    ...rest,
    ...(baseline === undefined ? {} : { drift: baseline.drift }),
  });
}

/**
 * The snapshot as the records of its file: the header names the format the file is written in, as
 * a snapshot read back from that file does (a snapshot built by an older version may say 1.x).
 */
const recordsOf =
  (snapshot: Snapshot): Records =>
  async function* (): AsyncGenerator<SnapshotRecord> {
    for (const record of recordsOfSnapshot(snapshot)) yield record.record === "header" ? { ...record, schemaVersion: SNAPSHOT_SCHEMA_VERSION } : record;
  };
export { TERRAFORM_DRIFT_CSV_COLUMNS, TERRAFORM_DRIFT_FILES, writeTerraformDriftReports } from "./terraform-drift.js";
