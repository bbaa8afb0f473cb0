/**
 * Rendering the reports of a large snapshot file on two threads: the reports are CPU-bound on one
 * thread (at 100,000 buckets about 77 s for CSV, SARIF and HTML from a 1 GB file) while the other
 * core idles. A worker thread renders CSV and SARIF from its own reading of the file while the main
 * thread renders the rest (the HTML, the JSON snapshot) and checks every record against the schema.
 * Each thread holds one bucket at a time, as before.
 *
 * Every report is still written under its temporary name and renamed by the main thread, once both
 * threads are done, in the order asked for: the worker only fills files the main thread created,
 * so an interrupt or a failure leaves nothing under a final name, and a report that fails to write
 * fails as it would on one thread (the others complete; one line names it).
 */
import { channel } from "node:diagnostics_channel";
import { closeSync, openSync } from "node:fs";
import { stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { envSwitch } from "../env-switch.js";
import { ReplguardError, SnapshotError, UsageError } from "../errors.js";
import type { NoteFiles } from "./sarif-notes.js";
import type { SarifBaseline } from "./sarif-stream.js";
import type { PolicyInfo, ReportFormat } from "./types.js";

/** What the worker is given: the snapshot file, its reports' temporary files, what the sinks need. */
export interface WorkerSetup {
  file: string;
  outputs: { format: "csv" | "sarif"; temporary: string; index: number; notes?: NoteFiles }[];
  policies: PolicyInfo[];
  /** The baseline's findings, for the SARIF's `baselineState`. */
  sarifBaseline: SarifBaseline | undefined;
}

/** A report the worker could not write: its index, and what failed (an errno code when there is one). */
export interface WorkerFailure {
  index: number;
  message: string;
  code?: string;
}

/** `started`: the worker's pass is under way (its first record reached its sinks). */
export type WorkerMessage =
  | { type: "started" }
  | { type: "done"; failures: WorkerFailure[] }
  | { type: "fatal"; message: string; snapshot: { file?: string | undefined; pointer?: string | undefined; code?: string | undefined } | null };

/**
 * Snapshot files from this size on (about 3,000 buckets) get the worker: below it the reports take
 * about a second and a thread's start-up (loading the report modules again) would eat the gain.
 */
export const REPORT_THREADS_MIN_BYTES = 32 * 2 ** 20;
/** A gzipped snapshot is about this many times smaller than its records. */
const GZIP_RATIO = 8;

/**
 * Whether to use the worker: as asked (`threads`, else `REPLGUARD_REPORT_THREADS=0|1`), or by
 * default on a machine with two cores or more for a snapshot of REPORT_THREADS_MIN_BYTES or more
 * (`REPLGUARD_REPORT_THREADS_MIN_BYTES` sets another size: tests use a small one).
 */
export async function useReportThreads(file: string, threads: boolean | undefined): Promise<boolean> {
  if (threads !== undefined) return threads;
  const setting = envSwitch("REPLGUARD_REPORT_THREADS");
  if (setting !== undefined) return setting;
  if (availableParallelism() < 2) return false;
  const minBytes = minimumBytes(process.env.REPLGUARD_REPORT_THREADS_MIN_BYTES);
  const size = await stat(file).then(
    (info) => info.size,
    () => 0,
  );
  const gzip = file.endsWith(".gz");
  return size * (gzip ? GZIP_RATIO : 1) >= minBytes;
}

/** Refuses a bad `REPLGUARD_REPORT_THREADS` or `REPLGUARD_REPORT_THREADS_MIN_BYTES` at once (the audit checks it before scanning). */
export const checkReportThreadsSetting = (): void => {
  envSwitch("REPLGUARD_REPORT_THREADS");
  minimumBytes(process.env.REPLGUARD_REPORT_THREADS_MIN_BYTES);
};

function minimumBytes(configured: string | undefined): number {
  if (configured === undefined || configured === "") return REPORT_THREADS_MIN_BYTES;
  const bytes = Number(configured);
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new UsageError(`REPLGUARD_REPORT_THREADS_MIN_BYTES must be a whole number of bytes, got "${configured}"`);
  return bytes;
}

/**
 * The worker's young generation, in MB (V8's default: 48, i.e. two 16 MB semi-spaces grown as
 * it allocates): it reads and renders one bucket at a time, so little survives a scavenge, and
 * two small semi-spaces collect it as well. Measured at 4,000 buckets: the worker's heap 36 MB
 * instead of 53, the same CPU (scavenges of small spaces are cheap). Its old generation is not
 * capped (a cap would end the worker, and the audit, on an organization with more to say): it grows
 * as the main thread's does, by the process-wide growth factor (src/cli/heap.ts).
 */
export const WORKER_YOUNG_GENERATION_MB = 8;

/**
 * The formats the worker renders: CSV and SARIF (one pass each over its own reading of the file),
 * while the main thread checks the records against the schema and renders the HTML (two passes) and
 * the JSON: measured at 10,000 buckets the two threads' shares are then the closest (about 4 s CPU
 * each, from 7.7 s on one thread). With CSV and SARIF alone, the SARIF goes; a single format stays.
 */
export function workerFormats(formats: readonly ReportFormat[]): ("csv" | "sarif")[] {
  const offload = formats.filter((format): format is "csv" | "sarif" => format === "csv" || format === "sarif");
  if (offload.length < formats.length) return offload;
  return formats.length > 1 ? ["sarif"] : [];
}

/** Only what a PolicyInfo holds (a loaded policy carries compiled validators, which cannot cross threads). */
export function policyInfos(policies: readonly PolicyInfo[]): PolicyInfo[] {
  return policies.map(({ id, title, severity, description, rationale, remediation, frameworks, links }) => ({
    id, title, severity, description, rationale, remediation,
    ...(frameworks === undefined ? {} : { frameworks }),
    ...(links === undefined ? {} : { links }),
  }));
}

/** Creates each file empty, here and now, for the worker to fill (see ReportFileWriter's `existing`). */
export function createEmpty(files: readonly string[]): void {
  for (const file of files) closeSync(openSync(file, "w"));
}

/**
 * Each thread's pass starting and ending, in the order they happen, on the diagnostics channel
 * `replguard:report-thread` (`{ thread: "main" | "worker", event: "start" | "end", formats }`):
 * nothing is published without a subscriber; a test reads the order.
 */
const threadChannel = channel("replguard:report-thread");
export function publishThread(thread: "main" | "worker", event: "start" | "end", formats: readonly ReportFormat[]): void {
  if (threadChannel.hasSubscribers) threadChannel.publish({ thread, event, formats: [...formats] });
}

export interface WorkerLane {
  /** Settles once the worker's pass is under way, or it ended (its outcome is `done`'s). */
  started: Promise<void>;
  /** The reports it could not write, by index (an Error with the errno code); rejects when its pass failed. */
  done: Promise<Map<number, Error>>;
  /** Stops the worker (after a failure on the main thread). */
  stop(): Promise<void>;
}

/** The worker module beside this one: `.ts` under tsx or vitest, `.js` once built. */
const entry = new URL(`./render-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

/** tsx's registration API for ES modules (`require` finds its CommonJS twin beside it), found from here: only before the build. */
const tsxApi = (): string => pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href;

export function startWorkerLane(setup: WorkerSetup, formats: readonly ReportFormat[]): WorkerLane {
  // None of the parent's Node options (they may hold `-e` code): the entry is imported from a line
  // of code, after registering tsx's hooks for a TypeScript entry (`--import tsx` in a worker's
  // options registers nothing on Node 20: tsx leaves workers to the main thread's hooks there).
  const load = `import(${JSON.stringify(entry.href)})`;
  const code = entry.pathname.endsWith(".ts") ? `import(${JSON.stringify(tsxApi())}).then(({ register }) => { register(); return ${load}; });` : `${load};`;
  const worker = new Worker(code, { eval: true, workerData: setup, execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
  let markStarted = (): void => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const done = new Promise<Map<number, Error>>((resolve, reject) => {
    const failed = (reason: string): void => reject(new ReplguardError(`the report worker thread failed (${reason}); no report was written`));
    worker.on("message", (message: WorkerMessage) => {
      if (message.type === "started") publishThread("worker", "start", formats);
      else if (message.type === "done") {
        publishThread("worker", "end", formats);
        resolve(new Map(message.failures.map(({ index, message: text, code }) => [index, Object.assign(new Error(text), code === undefined ? {} : { code })])));
      } else if (message.snapshot !== null) {
        const { file, pointer, code } = message.snapshot;
        reject(new SnapshotError(message.message, { ...(file === undefined ? {} : { file }), ...(pointer === undefined ? {} : { pointer }), ...(code === undefined ? {} : { code }) }));
      } else failed(message.message);
      markStarted();
    });
    worker.on("error", (error) => failed(error.message));
    worker.on("exit", (code) => failed(`it exited with code ${code}`));
  });
  // Its failure is thrown by whoever awaits `done`; until then it must not count as unhandled.
  done.then(markStarted, markStarted);
  return {
    started,
    done,
    stop: async () => {
      await worker.terminate();
    },
  };
}
