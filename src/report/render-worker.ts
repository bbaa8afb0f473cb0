/**
 * The report worker thread (started by render-threads.ts): renders its share of the formats from
 * its own reading of the snapshot file, into the temporary files the main thread created, with
 * the same sinks and pass (render-lane.ts) the main thread uses. It neither renames nor removes a
 * file: the main thread commits or discards every report once both threads are done, so an
 * interrupt (handled on the main thread) finds every unfinished report under its temporary name.
 */
import { parentPort, workerData } from "node:worker_threads";
import { SnapshotError } from "../errors.js";
import type { SnapshotRecord } from "../model/index.js";
import { ReportFileWriter } from "./output-stream.js";
import { CsvSink, SarifSink, SharedCatalog, type RecordSink } from "./stream-sinks.js";
import { runLane, type LaneOutput } from "./render-lane.js";
import { snapshotRecords } from "./snapshot-records.js";
import type { WorkerFailure, WorkerMessage, WorkerSetup } from "./render-threads.js";

const setup = workerData as WorkerSetup;
const post = (message: WorkerMessage): void => parentPort!.postMessage(message);
// The main thread's pass checks every record against the schema; this one reads the same file.
const records = (): AsyncIterable<SnapshotRecord> => snapshotRecords(setup.file, { validate: false });

const failureOf = (index: number, error: unknown): WorkerFailure => {
  // A write failure arrives as an OutputError naming the temporary file: its cause is what failed.
  const cause = (error as { name?: string; cause?: unknown } | null)?.name === "OutputError" ? (error as { cause: unknown }).cause : error;
  const code = (cause as NodeJS.ErrnoException | null)?.code;
  return { index, message: cause instanceof Error ? cause.message : String(cause), ...(typeof code === "string" ? { code } : {}) };
};

try {
  const catalog = new SharedCatalog(setup.policies);
  const lane: LaneOutput[] = [];
  const failures: WorkerFailure[] = [];
  for (const { format, temporary, index, notes } of setup.outputs) {
    let sink: RecordSink;
    try {
      const out = new ReportFileWriter(temporary, { existing: true });
      sink = format === "csv" ? new CsvSink(out, catalog) : new SarifSink(out, catalog, setup.sarifBaseline, notes);
    } catch (error) {
      failures.push(failureOf(index, error));
      continue;
    }
    lane.push({ sink, index });
  }
  const failed = await runLane(records(), catalog, lane, () => post({ type: "started" }));
  for (const [index, error] of failed) failures.push(failureOf(index, error));
  post({ type: "done", failures });
} catch (error) {
  const snapshot = error instanceof SnapshotError ? { file: error.location.file, pointer: error.location.pointer, code: error.location.code } : null;
  post({ type: "fatal", message: error instanceof Error ? error.message : String(error), snapshot });
}
