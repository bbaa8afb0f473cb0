/**
 * One pass over a snapshot's records feeding several report sinks: what the main thread runs for
 * its formats and what the report worker (render-worker.ts) runs for the others, so both render a
 * format with the same code. A sink that fails is aborted and left out of the rest of the pass
 * while the others complete (as when each report was written alone); a snapshot that cannot be
 * read fails the whole pass (the input's fault).
 */
import { SnapshotError } from "../errors.js";
import type { SnapshotRecord } from "../model/index.js";
import type { RecordSink, SharedCatalog } from "./record-sinks.js";

export interface LaneOutput {
  sink: RecordSink;
  /** Its place in the formats asked for. */
  index: number;
}

/**
 * Feeds every record to the catalog, then to each sink; then finishes each (the HTML writes
 * its page). Returns the failure of each sink that failed, by index (each already aborted).
 * Throws a SnapshotError (every sink aborted) when the records cannot be read.
 * `onFirstRecord` runs once the first record has reached the sinks: the pass is under way.
 */
export async function runLane(records: AsyncIterable<SnapshotRecord>, catalog: SharedCatalog, lane: readonly LaneOutput[], onFirstRecord?: () => void): Promise<Map<number, unknown>> {
  let outputs = [...lane];
  const failures = new Map<number, unknown>();
  /** A report's step failed: that report is aborted and its failure kept to be returned. */
  const failed = async (output: LaneOutput, error: unknown): Promise<void> => {
    outputs = outputs.filter((o) => o !== output);
    await output.sink.abort();
    if (error instanceof SnapshotError) throw error;
    failures.set(output.index, error);
  };
  /** Runs one report's step; a failure aborts that report and is kept to be returned. */
  const step = async (output: LaneOutput, run: () => Promise<void> | void): Promise<void> => {
    try {
      await run();
    } catch (error) {
      await failed(output, error);
    }
  };
  try {
    let first = true;
    for await (const record of records) {
      catalog.add(record);
      // A sink's step is awaited only when it returns a promise (a batch handed to its file): most
      // records take none, and an await per record and report cost about 0.3 µs (~6 µs a bucket with three reports).
      for (const output of outputs) {
        let pending: Promise<void> | void;
        try {
          pending = output.sink.add(record);
        } catch (error) {
          await failed(output, error);
          continue;
        }
        if (pending !== undefined) await step(output, () => pending);
      }
      if (first) onFirstRecord?.();
      first = false;
    }
    for (const output of [...outputs]) await step(output, () => output.sink.finish());
  } catch (error) {
    for (const { sink } of outputs) await sink.abort();
    throw error;
  }
  return failures;
}
