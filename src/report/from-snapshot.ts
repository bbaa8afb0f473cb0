/**
 * Rendering the reports from a snapshot's records: from the file (what `audit` does after writing
 * it, and `report`), or from a snapshot in memory (`writeReports`, as records in the file's order),
 * with the same renderers either way. Every requested format is fed in one shared pass over the
 * records (the file is read and parsed once, and checked against the schema in that pass); the
 * HTML then reads the records once more to write its page after its counts. One bucket is in
 * memory at a time, so the memory does not grow with the organization.
 */
import { join } from "node:path";
import { SnapshotError, OutputError } from "../errors.js";
import type { Drift, SnapshotRecord } from "../model/index.js";
import { writeDriftCsv, writeDriftJson } from "./drift-files.js";
import { outputError, ReportFileWriter } from "./output-stream.js";
import { openReportDir, startWhole, writeWhole, type ReportDir, type WholeFile } from "./report-dir.js";
import { CsvSink, HtmlSink, JsonSink, SarifSink, SharedCatalog, type RecordSink } from "./record-sinks.js";
import { sarifBaseline } from "./sarif-stream.js";
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

/** A snapshot's records, read afresh at each call (the same records each time). */
export type Records = () => AsyncIterable<SnapshotRecord>;

/** Writes each requested format (and the drift documents with a baseline) from the snapshot file. */
export async function writeReportsFromSnapshot(file: string, options: SnapshotReportsOptions): Promise<WrittenReport[]> {
  let checked = false;
  // The first pass validates every record; the file does not change between passes.
  const records: Records = () => {
    const validate = !checked;
    checked = true;
    return snapshotRecords(file, { validate });
  };
  const baseline: Records | null = options.baselineFile === undefined ? null : () => snapshotRecords(options.baselineFile!, { validate: false });
  return writeReportsFromRecords(records, baseline, options);
}

/** Writes each requested format from `records`; with a baseline's records and the drift, SARIF, HTML and the drift documents carry it. */
export async function writeReportsFromRecords(records: Records, baseline: Records | null, options: Omit<SnapshotReportsOptions, "baselineFile">): Promise<WrittenReport[]> {
  const dir = options.dir ?? (await openReportDir(options.outDir));
  try {
    const formats = [...new Set(options.formats)];
    const written: WrittenReport[] = [];
    if (formats.length > 0) {
      await renderAll(records, baseline, formats, dir.path, options);
      for (const format of formats) written.push({ format, file: join(dir.path, REPORT_FILE_NAMES[format]) });
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

interface Output {
  whole: WholeFile;
  sink: RecordSink;
  /** Its place in the formats asked for. */
  index: number;
}

/**
 * The shared pass: each format's sink sees every record; then each report is finished (the HTML
 * with its second pass), closed and renamed into place, in the order asked for. A report that
 * fails to write is removed and left out of the rest of the pass while the others complete and
 * stay (as when each was written alone); its failure, naming the report and not its temporary
 * file, is thrown at the end (of several, the one of the format asked for first, whichever
 * failed first in time). A snapshot that cannot be read fails them all (the input's fault, exit 2).
 */
async function renderAll(records: Records, baseline: Records | null, formats: readonly ReportFormat[], folder: string, options: Omit<SnapshotReportsOptions, "baselineFile">): Promise<void> {
  const catalog = new SharedCatalog(options.policies);
  const sarifBefore = formats.includes("sarif") && baseline !== null && options.drift !== undefined ? await sarifBaseline(baseline(), options.drift) : undefined;
  let outputs: Output[] = [];
  const failures = new Map<number, unknown>();
  /** Runs one report's step; a failure removes that report and is kept (the first) to be thrown. */
  const step = async (output: Output, run: () => Promise<void> | void): Promise<void> => {
    try {
      await run();
    } catch (error) {
      outputs = outputs.filter((o) => o !== output);
      await output.sink.abort();
      await output.whole.discard();
      if (error instanceof SnapshotError) throw error;
      failures.set(output.index, outputError(output.whole.file, error instanceof OutputError ? error.cause : error));
    }
  };
  try {
    for (const format of formats) {
      const whole = startWhole(join(folder, REPORT_FILE_NAMES[format]));
      const out = (): ReportFileWriter => new ReportFileWriter(whole.temporary);
      const html = { ...options.html, ...(options.drift === undefined ? {} : { drift: options.drift }) };
      const sink =
        format === "csv" ? new CsvSink(out(), catalog)
        : format === "sarif" ? new SarifSink(out(), catalog, sarifBefore)
        : format === "json" ? new JsonSink(whole.temporary)
        : new HtmlSink(out(), catalog, records, html);
      outputs.push({ whole, sink, index: outputs.length });
    }
    for await (const record of records()) {
      catalog.add(record);
      for (const output of outputs) await step(output, () => output.sink.add(record));
    }
    for (const output of [...outputs]) {
      await step(output, async () => {
        await output.sink.finish();
        await output.whole.commit();
      });
    }
  } catch (error) {
    for (const { sink, whole } of outputs) {
      await sink.abort();
      await whole.discard();
    }
    throw error;
  }
  if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
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
