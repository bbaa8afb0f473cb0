/**
 * The report stage: renders a Snapshot as HTML, CSV, SARIF 2.1.0 and the JSON snapshot, with no
 * network. Formats, files and columns are documented in docs/reports.md.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Snapshot } from "../model/index.js";
import { writeCsv } from "./csv.js";
import { writeHtml } from "./html.js";
import { outputError } from "./output-stream.js";
import { buildPolicyCatalog, type ReportPolicy } from "./policy-catalog.js";
import { writeSarif } from "./sarif.js";
import { writeSnapshotJson } from "./snapshot-json.js";
import { REPORT_FILE_NAMES, type ReportFormat, type WriteReportsOptions, type WrittenReport } from "./types.js";

export { REPORT_FORMATS, REPORT_FILE_NAMES } from "./types.js";
export type { HtmlOptions, PolicyInfo, ReportFormat, WriteReportsOptions, WrittenReport } from "./types.js";
export { buildPolicyCatalog, type ReportPolicy } from "./policy-catalog.js";
export { readSnapshot, validateSnapshot } from "./read-snapshot.js";
export { writeSnapshotJson } from "./snapshot-json.js";
export { CSV_COLUMNS, neutraliseCell, writeCsv, type CsvColumn } from "./csv.js";
export { renderSarif, writeSarif, findingFingerprint, bucketUri, FINGERPRINT_KEY, SARIF_URI_BASE_ID } from "./sarif.js";
export { SECURITY_SEVERITY, SARIF_LEVEL } from "./sarif-rules.js";
export { renderHtml, renderHtmlString, writeHtml, jsonForScript, DEFAULT_DETAILED_BUCKET_LIMIT } from "./html.js";
export { countStatuses } from "./summary.js";
export { runCompleteness, errorResultLine, type RunCompleteness } from "./completeness.js";

type Writer = (snapshot: Snapshot, policies: ReportPolicy[], file: string, options: WriteReportsOptions) => Promise<void>;

const WRITERS: Record<ReportFormat, Writer> = {
  json: (snapshot, _policies, file) => writeSnapshotJson(snapshot, file),
  csv: (snapshot, policies, file) => writeCsv(snapshot, policies, file),
  sarif: (snapshot, policies, file) => writeSarif(snapshot, policies, file),
  html: (snapshot, policies, file, options) => writeHtml(snapshot, policies, file, options.html),
};

/**
 * Writes each requested format into `outDir` (created when missing), one after another so only one
 * large output is in flight. Throws OutputError naming the file that could not be written.
 */
export async function writeReports(snapshot: Snapshot, options: WriteReportsOptions): Promise<WrittenReport[]> {
  try {
    await mkdir(options.outDir, { recursive: true });
  } catch (error) {
    throw outputError(options.outDir, error);
  }
  const catalog = buildPolicyCatalog(snapshot, options.policies);
  const written: WrittenReport[] = [];
  for (const format of new Set(options.formats)) {
    const file = join(options.outDir, REPORT_FILE_NAMES[format]);
    await WRITERS[format](snapshot, catalog, file, options);
    written.push({ format, file });
  }
  return written;
}
