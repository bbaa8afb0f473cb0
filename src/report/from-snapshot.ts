/**
 * Rendering the reports from a snapshot file (what `audit` does after writing it, and `report`):
 * each format in its own streaming pass over the file's records (the HTML in two), one bucket in
 * memory at a time, so the memory does not grow with the organization. The first pass checks every
 * record against the schema; the later ones read the same file again without re-checking.
 */
import { join } from "node:path";
import { SnapshotError, OutputError } from "../errors.js";
import type { AccountRecord, Drift, SnapshotHeader, SnapshotRecord } from "../model/index.js";
import { CsvStream } from "./csv.js";
import { writeDriftCsv, writeDriftJson } from "./drift-files.js";
import { renderHtmlRecords } from "./html-stream.js";
import { outputError, withReportFile } from "./output-stream.js";
import { PolicyCatalog } from "./policy-catalog.js";
import { openReportDir, writeWhole, type ReportDir } from "./report-dir.js";
import { SarifStream, sarifBaseline } from "./sarif-stream.js";
import { SnapshotWriter } from "./snapshot-json.js";
import { openSnapshot, snapshotRecords } from "./snapshot-records.js";
import { DRIFT_FILE_NAMES, DRIFT_FORMATS, REPORT_FILE_NAMES, type ReportFormat, type WriteReportsOptions, type WrittenReport } from "./types.js";

export interface SnapshotReportsOptions extends Omit<WriteReportsOptions, "baseline"> {
  dir?: ReportDir;
  /** The baseline snapshot file and the drift from it: SARIF, HTML and the drift documents carry it. */
  baselineFile?: string;
  drift?: Drift;
}

/** Opens a snapshot and reads its header (a 1.x document: all of it), so a bad file fails before a scan. */
export async function checkSnapshotFile(file: string): Promise<void> {
  const opened = await openSnapshot(file);
  if (opened.format === 1) return;
  const first = await opened.records.next();
  await opened.records.return(undefined);
  if (first.done === true) throw new SnapshotError(`${file}: empty: not a replguard snapshot`, { file, pointer: "" });
}

type Records = () => AsyncIterable<SnapshotRecord>;

/** The policy catalog from the header's policy refs (results add theirs as they come). */
async function headerOf(records: AsyncIterable<SnapshotRecord>): Promise<SnapshotHeader> {
  for await (const record of records) if (record.record === "header") return record;
  throw new Error("a snapshot without its header reached the report");
}

async function renderCsv(records: Records, options: SnapshotReportsOptions, file: string): Promise<void> {
  await withReportFile(file, async (out) => {
    const accounts = new Map<string, AccountRecord>();
    let csv: CsvStream | null = null;
    for await (const record of records()) {
      if (record.record === "header") {
        csv = new CsvStream(out, new PolicyCatalog(record.policies, options.policies));
        await csv.start();
      } else if (record.record === "account") accounts.set(record.account.id, record.account);
      else if (record.record === "result") await csv!.result(record.result, accounts.get(record.result.accountId));
    }
  });
}

async function renderSarif(records: Records, options: SnapshotReportsOptions, file: string, baseline: Records | null): Promise<void> {
  const before = baseline === null || options.drift === undefined ? undefined : await sarifBaseline(baseline(), options.drift);
  await withReportFile(file, async (out) => {
    let sarif: SarifStream | null = null;
    for await (const record of records()) {
      if (record.record === "header") {
        sarif = new SarifStream(out, new PolicyCatalog(record.policies, options.policies), before);
        await sarif.start(record);
      } else if (record.record === "account") sarif!.account(record.account);
      else if (record.record === "bucket") sarif!.bucket(record.bucket);
      else if (record.record === "result") await sarif!.result(record.result);
      else await sarif!.finish(record);
    }
  });
}

async function renderHtml(records: Records, options: SnapshotReportsOptions, file: string): Promise<void> {
  // The catalog lists every policy of the header, and the ones seen only in results after them.
  const header = await headerOf(records());
  const catalog = new PolicyCatalog(header.policies, options.policies);
  for await (const record of records()) if (record.record === "result") catalog.forResult(record.result);
  await withReportFile(file, (out) =>
    renderHtmlRecords(records, catalog.list(), (chunk) => out.write(chunk), { ...options.html, ...(options.drift === undefined ? {} : { drift: options.drift }) }),
  );
}

async function renderJson(records: Records, file: string): Promise<void> {
  const writer = new SnapshotWriter(file);
  try {
    for await (const record of records()) {
      if (record.record === "header") await writer.header(record);
      else if (record.record === "account") await writer.account(record.account);
      else if (record.record === "bucket") await writer.bucket(record.bucket, []);
      else if (record.record === "result") await writer.result(record.result);
      else await writer.finish(record);
    }
  } catch (error) {
    await writer.abort();
    throw outputError(file, error);
  }
}

/** Writes each requested format (and the drift documents with a baseline) from the snapshot file. */
export async function writeReportsFromSnapshot(file: string, options: SnapshotReportsOptions): Promise<WrittenReport[]> {
  const dir = options.dir ?? (await openReportDir(options.outDir));
  try {
    let checked = false;
    // The first pass validates every record; the file does not change between passes.
    const records: Records = () => {
      const validate = !checked;
      checked = true;
      return snapshotRecords(file, { validate });
    };
    const baseline: Records | null = options.baselineFile === undefined ? null : () => snapshotRecords(options.baselineFile!, { validate: false });
    const renderers: Record<ReportFormat, (target: string) => Promise<void>> = {
      csv: (target) => renderCsv(records, options, target),
      sarif: (target) => renderSarif(records, options, target, baseline),
      html: (target) => renderHtml(records, options, target),
      json: (target) => renderJson(records, target),
    };
    const written: WrittenReport[] = [];
    for (const format of new Set(options.formats)) {
      const target = join(dir.path, REPORT_FILE_NAMES[format]);
      await writeNamed(target, renderers[format]);
      written.push({ format, file: target });
    }
    if (options.drift !== undefined) {
      const drift = options.drift;
      for (const format of new Set(options.driftFormats ?? DRIFT_FORMATS)) {
        const target = join(dir.path, DRIFT_FILE_NAMES[format]);
        await writeNamed(target, (temporary) => (format === "json" ? writeDriftJson(drift, temporary) : writeDriftCsv(drift, temporary)));
        written.push({ format: `drift-${format}`, file: target });
      }
    }
    return written;
  } finally {
    if (options.dir === undefined) dir.release();
  }
}

/** Writes under a temporary name and renames; a failure names the report, not its temporary file. */
async function writeNamed(file: string, write: (temporary: string) => Promise<void>): Promise<void> {
  try {
    await writeWhole(file, write);
  } catch (error) {
    if (error instanceof SnapshotError) throw error;
    throw outputError(file, error instanceof OutputError ? error.cause : error);
  }
}
