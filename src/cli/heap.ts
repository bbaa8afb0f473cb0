/**
 * How the `replguard` process lets its heap grow (docs/memory.md). An audit allocates fast (SDK
 * calls, XML, JSON, one document after another) and holds little: at 10,000 buckets about 60 MB is
 * live after a full GC, yet the process peaked at 370 MB, because after each full collection V8
 * lets the old generation grow to up to four times what survived before it collects again (a
 * factor it picks from its own GC and allocation speeds). A fixed, smaller factor makes it collect
 * sooner. This is no heap limit: the maximum heap size stays V8's default, so an audit whose live
 * set is bigger than expected runs slower, never out of memory.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { setFlagsFromString } from "node:v8";
import { wholeNumberSetting } from "../env-switch.js";
import { SCAN_STAGES, type ScanStage } from "../scan/context.js";

/**
 * Old-generation growth after a full GC, in percent of what survived (V8's own factor is 10 to
 * 300). 25: the heap stays within about 1.25 × the live set plus the young generation, and a full
 * GC of a 60–100 MB live heap, every ~20 MB of promoted objects, costs a few % of the audit's CPU.
 */
export const HEAP_GROWING_PERCENT = 25;

/**
 * The growth from the access pass's start to the scan's end (the documents' completion and their
 * handover to evaluation and the snapshot). There the live heap is at its largest and grows with
 * the organization (at a million buckets ~75 MB against ~58 at 100,000: the batches' documents and
 * reads, the resolution's tables), and the peak RSS of a large audit is there; the stages are short
 * beside the accounts stage and the reports, so collecting more often costs little CPU. V8 grows
 * by at least 8 MB, so below ~80 MB live this is that floor (docs/memory.md).
 */
export const COMPLETION_HEAP_GROWING_PERCENT = 10;

/**
 * The growth while the accounts are read (the `accounts` stage: every bucket's reads, ~90% of a
 * 100 ms audit's wall time). Its live heap is small and flat (the accounts in flight, the spool's
 * buffers, the inventory), and at 25% a full GC came every ~2.5 s, each marking on V8's helper
 * threads: 7–16% of the stage's CPU against 50% (docs/scale.md, "Tried: garbage collection on the
 * main thread only").
 */
export const ACCOUNTS_HEAP_GROWING_PERCENT = 50;

/** The stages that run at COMPLETION_HEAP_GROWING_PERCENT (scan/context.ts `markStage`). */
const COMPLETION_STAGES: ReadonlySet<ScanStage> = new Set(["access", "handover"]);

/** The factor of a scan stage: the accounts', the completion's, or the usual one. */
function growthFor(stage: ScanStage): number {
  if (stage === "accounts") return ACCOUNTS_HEAP_GROWING_PERCENT;
  return COMPLETION_STAGES.has(stage) ? COMPLETION_HEAP_GROWING_PERCENT : HEAP_GROWING_PERCENT;
}

let growing = 0;
let following: ((message: unknown) => void) | null = null;

/** The growth percent set last (0: V8's own): for tests. */
export const heapGrowingPercent = (): number => growing;

function setGrowth(percent: number): void {
  growing = percent;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/**
 * Applies the fixed growth factor to this process and returns it. For the CLI only (called by its
 * long-running commands): a library must not change its host process's garbage collector. V8 reads
 * the flag after every full GC, so it takes effect mid-run. It then follows the scan's stages
 * (`replguard:scan-stage`): COMPLETION_HEAP_GROWING_PERCENT from the access pass to the scan's end,
 * HEAP_GROWING_PERCENT otherwise. `REPLGUARD_HEAP_GROWING_PERCENT` sets one factor for the whole
 * run instead; `0` gives V8 its own heuristics back (to compare, or for a workload they suit).
 */
export function boundHeapGrowth(env: NodeJS.ProcessEnv = process.env): number {
  const percent = wholeNumberSetting(env, "REPLGUARD_HEAP_GROWING_PERCENT", HEAP_GROWING_PERCENT, 1000);
  if (following !== null) unsubscribe(SCAN_STAGES.name, following);
  following = null;
  setGrowth(percent);
  const fixed = (env.REPLGUARD_HEAP_GROWING_PERCENT ?? "") !== "";
  if (!fixed) {
    following = (message) => {
      const { stage } = message as { stage: ScanStage };
      setGrowth(growthFor(stage));
    };
    subscribe(SCAN_STAGES.name, following);
  }
  return percent;
}
