/**
 * Where the audit's memory goes, by phase: a generated organization served by `replguard sandbox
 * --generate` in its own process, `audit()` (all formats, `retain: "summary"` as the CLI) in this
 * one, with `process.memoryUsage()` sampled every 50 ms and tagged with the scan's phase, then the
 * peak RSS and heap per phase printed. Figures, never asserted. Phases: `accounts` (reading every
 * bucket), `destinations` (resolution: the second pass and the probes), `first-reading` (the access
 * pass reading the spool to learn its batches), `access` (the access pass's batches), `handoff` (each
 * document completed, evaluated and written to the snapshot), `reports` (every report from the file).
 *
 *   node --expose-gc --import tsx bench/memory.ts --accounts 30 --buckets 100 [--live] [--heap-snapshots DIR] [--access-ahead on|off]
 *
 * The heap and the compiler are set up as the executable sets them up (src/cli/heap.ts,
 * src/cli/inlining.ts; `REPLGUARD_HEAP_GROWING_PERCENT=0` for V8's own growth heuristics, the figures
 * before).
 * `--live`: a full GC every second, and the heap and array buffers left after it (what is held,
 * garbage aside; the packed inventory's columns are array buffers, outside the heap); and a full
 * GC as each phase ends, where nothing is in flight: what the phase leaves held (its growth with the
 * organization is the per-bucket slope, free of what happened to be in flight at a sample), and the
 * RSS then by kind of mapping (bench/rss-split.ts: malloc arena, other anonymous, files).
 * `--at-peak`: each phase's peak split into V8's spaces and kinds of mapping (see `atPeak`).
 * `--heap-snapshots DIR`: at the end of each phase, a full GC and a V8 heap snapshot written there
 * (open in Chrome DevTools, Memory tab) to see what the live heap is made of (writing one grows
 * malloc's arena by tens of MB, kept: not with the RSS figures). `--snapshot-at-batch N` with it: one
 * more, `mid-access.heapsnapshot`, as the access pass begins its Nth batch: what its batches in
 * flight hold (at a phase's end they hold nothing).
 */
import { subscribe } from "node:diagnostics_channel";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getHeapSpaceStatistics, writeHeapSnapshot } from "node:v8";
import { boundHeapGrowth } from "../src/cli/heap.js";
import { limitInlining } from "../src/cli/inlining.js";
import { audit } from "../src/audit/index.js";
import { SCAN_STAGES } from "../src/scan/context.js";
import { numberFlag } from "./flags.js";
import { rssSplit, type RssSplit } from "./rss-split.js";
import { startSandboxChild } from "./sandbox-child.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const growth = boundHeapGrowth();
limitInlining();
const argv = process.argv.slice(2);
const accounts = numberFlag("accounts", 30);
const buckets = numberFlag("buckets", 100);
/** `--access-ahead on|off`: the scan's `accessAhead` option (scan/early-access.ts); without the flag, the scan's default. */
const aheadFlag = argv.includes("--access-ahead") ? argv[argv.indexOf("--access-ahead") + 1] : undefined;
const accessAhead = aheadFlag === undefined ? {} : { accessAhead: aheadFlag === "on" };

const { child, env } = await startSandboxChild(accounts, buckets);
process.env.AWS_ACCESS_KEY_ID = env.AWS_ACCESS_KEY_ID;
process.env.AWS_SECRET_ACCESS_KEY = env.AWS_SECRET_ACCESS_KEY;

let phase = "start";
const peaks = new Map<string, { rss: number; heap: number; external: number; live: number; liveBuffers: number }>();
/** `--live`: every second, a full GC and the heap left after it: what is really held, garbage aside. */
const live = argv.includes("--live") && typeof globalThis.gc === "function";
const snapshots = argv.includes("--heap-snapshots") ? argv[argv.indexOf("--heap-snapshots") + 1]! : null;
const snapshotAtBatch = argv.includes("--snapshot-at-batch") ? numberFlag("snapshot-at-batch", 0) : 0;
let batches = 0;
const bucketMarks = argv.includes("--snapshot-at-buckets") ? argv[argv.indexOf("--snapshot-at-buckets") + 1]!.split(",").map(Number) : [];
/** Moves to the next phase: the last sample of the old one, and its heap snapshot when asked. */
/** `--live`: what is held at the end of each phase (a full GC at its last moment: nothing in flight then). */
const held = new Map<string, number>();
/**
 * The same without V8's code space: the code compiled as the audit runs (evaluation's and the
 * reports' JIT code arrives in the handoff) grows by a few MB whatever the organization's size, and
 * made the handoff look as if it held something per bucket (docs/memory.md).
 */
const heldData = new Map<string, number>();
/**
 * `--live`: the RSS at each phase's end by kind of mapping (bench/rss-split.ts): what the process
 * keeps beyond what is held (memory freed into malloc's arena, V8's heap pages) shows there.
 */
const splits = new Map<string, RssSplit>();
const codeSpace = (): number => getHeapSpaceStatistics().find((space) => space.space_name === "code_space")?.space_used_size ?? 0;
/** When each phase began (`performance.now()`, ms since the process began: the clock of `node --trace-gc`'s lines). */
const began = new Map<string, number>();
const enter = (next: string): void => {
  if (next === phase) return;
  sample();
  began.set(next, performance.now());
  if (live) {
    globalThis.gc!();
    const memory = process.memoryUsage();
    held.set(phase, memory.heapUsed + memory.arrayBuffers);
    heldData.set(phase, memory.heapUsed + memory.arrayBuffers - codeSpace());
    const split = rssSplit();
    if (split !== null) splits.set(phase, split);
  }
  if (snapshots !== null && typeof globalThis.gc === "function") {
    globalThis.gc();
    const file = writeHeapSnapshot(join(snapshots, `end-of-${phase}.heapsnapshot`));
    console.log(`  heap snapshot at the end of ${phase}: ${file} (${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB used after GC)`);
  }
  phase = next;
};
/**
 * `--at-peak`: what each phase's RSS peak was made of: V8's heap spaces (physical sizes) and the RSS
 * by kind of mapping, taken as the peak is reached (the split at most once a second: reading
 * /proc/self/smaps costs a few ms). Without `--live`'s forced collections, this is the audit's own
 * peak: which side (V8's pages or malloc's arena) grows with the organization.
 */
const atPeak = argv.includes("--at-peak");
const peakParts = new Map<string, { spaces: string; split: RssSplit | null }>();
let lastSplitAt = 0;
const spacesText = (): string =>
  getHeapSpaceStatistics()
    .filter((space) => space.physical_space_size >= 2 ** 19)
    .map((space) => `${space.space_name.replace("_space", "")} ${(space.physical_space_size / 2 ** 20).toFixed(0)}`)
    .join(", ");
const sample = (): void => {
  const m = process.memoryUsage();
  const peak = peaks.get(phase) ?? { rss: 0, heap: 0, external: 0, live: 0, liveBuffers: 0 };
  if (atPeak && m.rss > peak.rss) {
    const now = performance.now();
    const parts = peakParts.get(phase);
    const split = parts === undefined || now - lastSplitAt >= 1000 ? rssSplit() : parts.split;
    if (split !== parts?.split) lastSplitAt = now;
    peakParts.set(phase, { spaces: spacesText(), split });
  }
  peaks.set(phase, { ...peak, rss: Math.max(peak.rss, m.rss), heap: Math.max(peak.heap, m.heapUsed), external: Math.max(peak.external, m.external + m.arrayBuffers) });
};
const timer = setInterval(sample, 50);
const liveTimer = live
  ? setInterval(() => {
      globalThis.gc!();
      const peak = peaks.get(phase);
      if (peak === undefined) return;
      // Array buffers too: the packed inventory's columns and names live there, outside the heap.
      const held = process.memoryUsage();
      peak.live = Math.max(peak.live, held.heapUsed);
      peak.liveBuffers = Math.max(peak.liveBuffers, held.arrayBuffers);
    }, 1000)
  : undefined;
/** Phases after resolution within the scan's `destinations` progress phase (its progress events must not go back to it). */
const LATER = ["first-reading", "access", "handoff"];
// The access pass's start (src/scan/context.ts's stages): its first reading of the spool, until its first batch.
subscribe(SCAN_STAGES.name, (message) => {
  if ((message as { stage: string }).stage === "access" && phase === "destinations") enter("first-reading");
});
const splitText = (split: RssSplit | undefined): string =>
  split === undefined ? "" : `, RSS at its end: malloc arena ${(split.arena / 2 ** 20).toFixed(0)} MB, other anonymous ${(split.anonymous / 2 ** 20).toFixed(0)} MB, files ${(split.files / 2 ** 20).toFixed(0)} MB`;
const dir = await mkdtemp(join(tmpdir(), "replguard-memory-"));
const started = process.cpuUsage();
try {
  const result = await audit({
    scan: {
      endpoint: env.AWS_ENDPOINT_URL!,
      region: env.AWS_REGION!,
      concurrency: { requests: 64 },
      onProgress: (p) => {
        if (snapshots !== null && bucketMarks.length > 0 && p.buckets.done >= bucketMarks[0]!) {
          const file = writeHeapSnapshot(join(snapshots, `at-${bucketMarks.shift()}-buckets.heapsnapshot`));
          console.log(`  heap snapshot at ${p.buckets.done} buckets read: ${file} (${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB used after it)`);
        }
        if (p.phase === "done") enter("reports");
        else if (p.phase !== "destinations" || !LATER.includes(phase)) enter(p.phase);
      },
      // The early batches (accessAhead) run during the accounts stage: only the pass's own start the access phase.
      onAccessBatch: () => {
        if (phase === "destinations" || phase === "first-reading") enter("access");
        if (phase === "access" && ++batches === snapshotAtBatch && snapshots !== null) {
          const file = writeHeapSnapshot(join(snapshots, "mid-access.heapsnapshot"));
          console.log(`  heap snapshot at the access pass's batch ${batches}: ${file} (${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB used after it)`);
        }
      },
      ...accessAhead,
      onScanned: () => enter("handoff"),
    },
    outDir: join(dir, "out"),
    retain: "summary",
  });
  enter("end");
  const cpu = process.cpuUsage(started);
  console.log(`memory bench: ${accounts} × ${buckets} = ${accounts * buckets} buckets, accessAhead ${aheadFlag ?? "default"}, heap growing ${growth === 0 ? "as V8 decides" : `${growth}%`}, exit ${result.exitCode}, kept ${result.snapshot.buckets.length} documents / ${result.snapshot.results.length} results, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
  for (const [name, p] of peaks) console.log(`  ${name.padEnd(14)} peak RSS ${(p.rss / 2 ** 20).toFixed(0)} MB, heap used ${(p.heap / 2 ** 20).toFixed(0)} MB, external ${(p.external / 2 ** 20).toFixed(0)} MB${live ? `, live heap after GC ${(p.live / 2 ** 20).toFixed(1)} MB + array buffers ${(p.liveBuffers / 2 ** 20).toFixed(1)} MB, held at its end ${((held.get(name) ?? 0) / 2 ** 20).toFixed(2)} MB (${((heldData.get(name) ?? 0) / 2 ** 20).toFixed(2)} MB but code space)${splitText(splits.get(name))}` : ""}`);
  if (atPeak) {
    for (const [name, parts] of peakParts) {
      const split = parts.split === null ? "" : `RSS (≤ 1 s before): arena ${(parts.split.arena / 2 ** 20).toFixed(0)}, other anonymous ${(parts.split.anonymous / 2 ** 20).toFixed(0)}, files ${(parts.split.files / 2 ** 20).toFixed(0)} MB; `;
      console.log(`  at ${name}'s peak: ${split}V8 physical MB: ${parts.spaces}`);
    }
  }
  console.log(`  phases began at (ms, --trace-gc's clock): ${[...began].map(([name, at]) => `${name} ${at.toFixed(0)}`).join(", ")}`);
  console.log(`  process peak RSS (maxRSS) ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  // What the run wrote: the snapshot's size follows the documents' (docs/memory.md).
  const written = await Promise.all((await readdir(join(dir, "out"))).sort().map(async (name) => `${name} ${((await stat(join(dir, "out", name))).size / 2 ** 20).toFixed(1)} MB`));
  console.log(`  files: ${written.join(", ")}`);
} finally {
  clearInterval(timer);
  clearInterval(liveTimer);
  child.kill("SIGINT");
  await rm(dir, { recursive: true, force: true });
}
