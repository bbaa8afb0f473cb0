/**
 * Rendering the reports from a snapshot's records: from the file (what `audit` does after writing
 * it, and `report`), or from a snapshot in memory (`writeReports`, as records in the file's order),
 * with the same renderers either way. Every requested format is fed in one shared pass over the
 * records (the file is read and parsed once, and checked against the schema in that pass); the
 * HTML keeps its buckets' listings in a spill file meanwhile and writes its page after its counts,
 * copying them (html-stream.ts). One bucket is in memory at a time, so the memory does not grow with the organization. A large file's CSV and
 * SARIF are rendered on a worker thread meanwhile, from its own reading (render-threads.ts).
 */
import { open } from "node:fs/promises";
import { join } from "node:path";
import { SnapshotError, OutputError } from "../errors.js";
import type { Drift, SnapshotRecord } from "../model/index.js";
import { writeDriftCsv, writeDriftJson } from "./drift-files.js";
import { outputError, ReportFileWriter } from "./output-stream.js";
import { openReportDir, startWhole, writeWhole, type ReportDir, type WholeFile } from "./report-dir.js";
import { CsvSink, HtmlSink, JsonSink, SarifSink, SharedCatalog } from "./record-sinks.js";
import { runLane, type LaneOutput } from "./render-lane.js";
import { createEmpty, policyInfos, publishThread, startWorkerLane, useReportThreads, workerFormats, type WorkerLane } from "./render-threads.js";
import { sarifBaseline } from "./sarif-stream.js";
import { openSnapshot, snapshotRecords } from "./snapshot-records.js";
import { DRIFT_FILE_NAMES, DRIFT_FORMATS, REPORT_FILE_NAMES, type ReportFormat, type WriteReportsOptions, type WrittenReport } from "./types.js";

export interface SnapshotReportsOptions extends Omit<WriteReportsOptions, "baseline"> {
  dir?: ReportDir;
  /** The baseline snapshot file and the drift from it: SARIF, HTML and the drift documents carry it. */
  baselineFile?: string;
  drift?: Drift;
  /**
   * Render CSV and SARIF on a worker thread beside the main thread's pass (render-threads.ts).
   * Default: for a snapshot file of REPORT_THREADS_MIN_BYTES or more on two cores or more.
   */
  threads?: boolean;
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
  const expectedBuckets = options.formats.includes("html") ? await trailerBuckets(file) : undefined;
  return writeFrom(records, baseline, options, (await useReportThreads(file, options.threads)) ? file : null, expectedBuckets);
}

/** The last line's read when it is this long at most (a trailer is a few hundred bytes, its suppressions aside). */
const TAIL_BYTES = 1 << 20;

/**
 * The bucket count an uncompressed 2.x file's trailer states, read from the file's end (undefined
 * when it cannot tell: gzip, a 1.x document, no trailer), so the HTML keeps only the listing that
 * applies. A trailer that does not match the file fails the pass anyway (snapshot-records.ts).
 */
export async function trailerBuckets(file: string): Promise<number | undefined> {
  try {
    const handle = await open(file, "r");
    try {
      const { size } = await handle.stat();
      const magic = Buffer.alloc(2);
      await handle.read(magic, 0, 2, 0);
      if (magic[0] === 0x1f && magic[1] === 0x8b) return undefined;
      const length = Math.min(size, TAIL_BYTES);
      const tail = Buffer.alloc(length);
      await handle.read(tail, 0, length, size - length);
      const lines = tail.toString("utf8").trimEnd().split("\n");
      const trailer = JSON.parse(lines[lines.length - 1]!) as { record?: unknown; counts?: { buckets?: unknown } } | null;
      const buckets = trailer?.record === "trailer" ? trailer.counts?.buckets : undefined;
      return typeof buckets === "number" && Number.isSafeInteger(buckets) && buckets >= 0 ? buckets : undefined;
    } finally {
      await handle.close();
    }
  } catch {
    // Not readable, or not a record line at the end: the reading pass says what is wrong, if anything.
    return undefined;
  }
}

/** Writes each requested format from `records`; with a baseline's records and the drift, SARIF, HTML and the drift documents carry it. */
export async function writeReportsFromRecords(records: Records, baseline: Records | null, options: Omit<SnapshotReportsOptions, "baselineFile" | "threads">): Promise<WrittenReport[]> {
  return writeFrom(records, baseline, options, null);
}

/** The same; with `threadsFile` (the file `records` reads), a worker thread renders some formats from it. */
async function writeFrom(
  records: Records,
  baseline: Records | null,
  options: Omit<SnapshotReportsOptions, "baselineFile" | "threads">,
  threadsFile: string | null,
  expectedBuckets?: number,
): Promise<WrittenReport[]> {
  const dir = options.dir ?? (await openReportDir(options.outDir));
  try {
    const formats = [...new Set(options.formats)];
    const written: WrittenReport[] = [];
    if (formats.length > 0) {
      await renderAll(records, baseline, formats, dir.path, options, threadsFile, expectedBuckets);
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

/**
 * The shared pass: each format's sink sees every record; then each report is finished (the HTML
 * writes its page). With `threadsFile`, a worker thread renders CSV and SARIF from that file
 * meanwhile (render-threads.ts). Once every pass is done, each report is renamed into place, in
 * the order asked for. A report that fails to write is removed while the others complete and stay
 * (as when each was written alone); its failure, naming the report and not its temporary file, is
 * thrown at the end (of several, the one of the format asked for first). A snapshot that cannot
 * be read fails them all (the input's fault, exit 2).
 */
async function renderAll(
  records: Records,
  baseline: Records | null,
  formats: readonly ReportFormat[],
  folder: string,
  options: Omit<SnapshotReportsOptions, "baselineFile" | "threads">,
  threadsFile: string | null,
  expectedBuckets: number | undefined,
): Promise<void> {
  const catalog = new SharedCatalog(options.policies);
  const sarifBefore = formats.includes("sarif") && baseline !== null && options.drift !== undefined ? await sarifBaseline(baseline(), options.drift) : undefined;
  const html = { ...options.html, ...(options.drift === undefined ? {} : { drift: options.drift }) };
  const offload: readonly ("csv" | "sarif")[] = threadsFile === null ? [] : workerFormats(formats);
  const offloaded = new Set<ReportFormat>(offload);
  const here = formats.filter((format) => !offloaded.has(format));
  const wholes: WholeFile[] = [];
  const spills: WholeFile[] = [];
  const spill = (file: string): string => {
    const whole = startWhole(file);
    spills.push(whole);
    return whole.temporary;
  };
  const failures = new Map<number, unknown>();
  let worker: WorkerLane | null = null;
  try {
    const lane: LaneOutput[] = [];
    for (const [index, format] of formats.entries()) {
      const whole = startWhole(join(folder, REPORT_FILE_NAMES[format]));
      wholes.push(whole);
      if (offloaded.has(format)) continue;
      const out = (): ReportFileWriter => new ReportFileWriter(whole.temporary);
      const sink =
        format === "csv" ? new CsvSink(out(), catalog)
        : format === "sarif" ? new SarifSink(out(), catalog, sarifBefore)
        : format === "json" ? new JsonSink(whole.temporary)
        : new HtmlSink(out(), catalog, html, expectedBuckets);
      lane.push({ sink, index });
    }
    if (threadsFile !== null && offload.length > 0) {
      const outputs = offload.map((format) => {
        const { temporary } = wholes[formats.indexOf(format)]!;
        // The worker's SARIF spills its notifications into files this thread makes and removes:
        // an interrupt, or a failure that stops the worker, would leave the worker's own behind.
        const notes = format === "sarif" ? { buckets: spill(`${temporary}.bucket-notes`), errors: spill(`${temporary}.error-notes`) } : undefined;
        return { format, index: formats.indexOf(format), temporary, ...(notes === undefined ? {} : { notes }) };
      });
      createEmpty([...outputs.map((output) => output.temporary), ...spills.map((whole) => whole.temporary)]);
      worker = startWorkerLane({ file: threadsFile, outputs, policies: policyInfos(options.policies), sarifBaseline: sarifBefore }, offload);
      // This thread's pass starts once the worker's is under way: the two run side by side.
      await worker.started;
    }
    publishThread("main", "start", here);
    for (const [index, error] of await runLane(records(), catalog, lane)) failures.set(index, error);
    publishThread("main", "end", here);
    if (worker !== null) for (const [index, error] of await worker.done) failures.set(index, error);
  } catch (error) {
    await worker?.stop();
    for (const whole of [...wholes, ...spills]) await whole.discard();
    throw error;
  }
  for (const whole of spills) await whole.discard();
  for (const [index, whole] of wholes.entries()) {
    if (failures.has(index)) await whole.discard();
    else await whole.commit().catch(async (error: unknown) => {
      failures.set(index, error);
      await whole.discard();
    });
  }
  if (failures.size > 0) {
    const first = Math.min(...failures.keys());
    const error = failures.get(first);
    throw outputError(wholes[first]!.file, error instanceof OutputError ? error.cause : error);
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
