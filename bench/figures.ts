/**
 * Figures the bench derives from a finished audit's snapshot file, each read as a stream (the
 * bench must not need the memory the audit saves): the fact plan's minimum calls, policy evaluation
 * time, and the HTML's first screen in headless Chromium.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { BucketDocument, FactName } from "../src/model/index.js";
import { evaluateBucket, loadPolicies, requiredFacts } from "../src/policy/index.js";
import { snapshotRecords } from "../src/report/index.js";

const run = promisify(execFile);

/**
 * The calls the fact plan needs for the buckets the snapshot holds, by operation: per bucket its
 * `all` facts (replication only when versioning was ever enabled), `replicating` facts where
 * replication is configured or could not be read (it may exist: src/scan/account.ts), `destinations` facts on each destination not already read, one
 * HeadBucket per destination outside the inventory; per account one ListBuckets.
 */
export async function minimumCalls(snapshotFile: string): Promise<Map<string, number>> {
  const plan = requiredFacts(await loadPolicies());
  const always = [...new Set<FactName>(["versioning", "replication", ...plan.all])];
  const calls = new Map<string, number>();
  const add = (operation: string, n = 1): void => void calls.set(operation, (calls.get(operation) ?? 0) + n);
  const CALL: Record<FactName, string> = {
    versioning: "GetBucketVersioning",
    replication: "GetBucketReplication",
    objectLock: "GetObjectLockConfiguration",
    encryption: "GetBucketEncryption",
    tags: "GetBucketTagging",
  } as Record<FactName, string>;
  const names = new Set<string>();
  const destinations = new Map<string, boolean>(); // name → needs destination facts
  const accounts = new Set<string>();
  for await (const record of snapshotRecords(snapshotFile, { validate: false })) {
    if (record.record === "account" && record.account.scan === "scanned") accounts.add(record.account.id);
    if (record.record !== "bucket") continue;
    const doc: BucketDocument = record.bucket;
    names.add(doc.name);
    for (const fact of always) {
      // Never-versioned buckets cannot replicate: their replication is not read (scan/facts.ts).
      if (fact === "replication" && doc.versioning?.status === "Disabled") continue;
      if (CALL[fact] !== undefined) add(CALL[fact]);
    }
    const rules = doc.replication?.rules ?? [];
    const replicationUnread = doc.replication === null && doc.errors.some((e) => e.operation === "GetBucketReplication");
    if (rules.length > 0 || replicationUnread) for (const fact of plan.replicating ?? []) if (CALL[fact] !== undefined) add(CALL[fact]);
    for (const rule of rules) destinations.set(rule.destination.bucket, true);
  }
  for (const name of destinations.keys()) {
    if (!names.has(name)) add("HeadBucket");
    else for (const fact of plan.destinations) if (!plan.all.includes(fact) && CALL[fact] !== undefined) add(CALL[fact]);
  }
  add("ListBuckets", accounts.size);
  return calls;
}

export interface EvaluationFigures {
  /** Bucket documents evaluated, and policies each. */
  documents: number;
  policies: number;
  /** Wall and CPU (user + system) seconds spent in evaluateBucket, reading excluded. */
  seconds: number;
  cpuSeconds: number;
}

/**
 * Policy evaluation over every bucket document of the snapshot, timed as the audit does the work
 * (audit/stream.ts: `evaluateBucket(set, doc, { suppressions, now })` per document, its array as it
 * is); reading and parsing the file are excluded.
 */
export async function evaluationFigures(snapshotFile: string): Promise<EvaluationFigures> {
  const set = await loadPolicies();
  const now = new Date();
  const figures: EvaluationFigures = { documents: 0, policies: set.policies.length, seconds: 0, cpuSeconds: 0 };
  // Timed a batch at a time: process.cpuUsage() per document would cost more than some documents' evaluation.
  let batch: BucketDocument[] = [];
  const evaluate = (): void => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (const doc of batch) evaluateBucket(set, doc, { suppressions: [], now });
    figures.seconds += (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    figures.cpuSeconds += (used.user + used.system) / 1e6;
    figures.documents += batch.length;
    batch = [];
  };
  for await (const record of snapshotRecords(snapshotFile, { validate: false })) {
    if (record.record !== "bucket") continue;
    batch.push(record.bucket);
    if (batch.length === EVALUATION_BATCH) evaluate();
  }
  evaluate();
  return figures;
}

const EVALUATION_BATCH = 500;

/** The figures in words: the measured count first, then the per-evaluation cost and what it makes of 100,000 documents. */
export function evaluationLine(figures: EvaluationFigures): string {
  const { documents, policies, seconds, cpuSeconds } = figures;
  const evaluations = documents * policies;
  if (evaluations === 0) return "no bucket documents";
  const per100k = (value: number): string => ((value * 100_000) / documents).toFixed(2);
  return (
    `${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU for ${documents} documents × ${policies} policies ` +
    `(${((cpuSeconds * 1e6) / evaluations).toFixed(2)} µs CPU a document × policy; at that rate 100,000 documents: ${per100k(seconds)} s wall, ${per100k(cpuSeconds)} s CPU)`
  );
}

/** The figure of issue #15 in one line: the time per 100,000 documents (wall and CPU, at the measured rate). */
export function per100kLine(figures: EvaluationFigures): string {
  const { documents, seconds, cpuSeconds } = figures;
  if (documents === 0) return "no bucket documents";
  return `${((seconds * 100_000) / documents).toFixed(2)} s wall, ${((cpuSeconds * 100_000) / documents).toFixed(2)} s CPU`;
}

/**
 * One pass of policy evaluation over the snapshot, in a process of its own (bench/evaluation.ts
 * `--json`): the JIT's warm-up included, as in one audit, and nothing compiled or collected by the
 * passes before it. On this VM one pass moves by a quarter from one run to the next (docs/scale.md,
 * "Evaluation, in memory and streamed"), so the bench takes several and reports their median.
 */
export async function freshEvaluationPass(snapshotFile: string): Promise<EvaluationFigures> {
  const script = fileURLToPath(new URL("evaluation.ts", import.meta.url));
  // From the package root, where `--import tsx` resolves, wherever the bench was started.
  const cwd = fileURLToPath(new URL("..", import.meta.url));
  const { stdout } = await run(process.execPath, ["--import", "tsx", script, resolve(snapshotFile), "--rounds", "1", "--json"], { cwd, maxBuffer: 1 << 20 });
  const [figures] = JSON.parse(stdout.trim().split("\n").at(-1)!) as EvaluationFigures[];
  return figures!;
}

/** Several fresh passes in words: the median pass's line (by wall time a document; the lower middle one of an even count), then each pass's wall per 100,000 documents. */
export function evaluationPassesLine(passes: EvaluationFigures[]): string {
  const perDocument = (figures: EvaluationFigures): number => (figures.documents === 0 ? 0 : figures.seconds / figures.documents);
  const sorted = [...passes].sort((a, b) => perDocument(a) - perDocument(b));
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (median === undefined) return "not measured";
  if (passes.length === 1) return evaluationLine(median);
  const each = passes.map((figures) => (perDocument(figures) * 100_000).toFixed(2)).join(", ");
  return `median of ${passes.length} passes, each in a fresh process: ${evaluationLine(median)}; every pass per 100,000 documents: ${each} s wall`;
}

const CHROMIUM = "/usr/bin/chromium";

/** Milliseconds until headless Chromium paints the report's first contentful screen, or null without Chromium. */
export async function htmlFirstScreenMs(htmlFile: string): Promise<number | null> {
  if (!existsSync(CHROMIUM)) return null;
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage();
    const started = performance.now();
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: "commit", timeout: 300_000 });
    await page.waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length > 0, undefined, { timeout: 300_000, polling: 50 });
    return Math.round(performance.now() - started);
  } finally {
    await browser.close();
  }
}
