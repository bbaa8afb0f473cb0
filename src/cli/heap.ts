/**
 * How the `replguard` process lets its heap grow (docs/memory.md). An audit allocates fast (SDK
 * calls, XML, JSON, one document after another) and holds little: at 10,000 buckets about 60 MB is
 * live after a full GC, yet the process peaked at 370 MB, because after each full collection V8
 * lets the old generation grow to up to four times what survived before it collects again (a
 * factor it picks from its own GC and allocation speeds). A fixed, smaller factor makes it collect
 * sooner. This is no heap limit: the maximum heap size stays V8's default, so an audit whose live
 * set is bigger than expected runs slower, never out of memory.
 */
import { setFlagsFromString } from "node:v8";
import { wholeNumberSetting } from "../env-switch.js";

/**
 * Old-generation growth after a full GC, in percent of what survived (V8's own factor is 10 to
 * 300). 25: the heap stays within about 1.25 × the live set plus the young generation, and a full
 * GC of a 60–100 MB live heap, every ~20 MB of promoted objects, costs a few % of the audit's CPU.
 */
export const HEAP_GROWING_PERCENT = 25;

/**
 * Applies the fixed growth factor to this process and returns it. For the CLI only (called by its
 * long-running commands): a library must not change its host process's garbage collector. V8 reads
 * the flag after every full GC, so it takes effect mid-run. `REPLGUARD_HEAP_GROWING_PERCENT` sets
 * another factor; `0` gives V8 its own heuristics back (to compare, or for a workload they suit).
 */
export function boundHeapGrowth(env: NodeJS.ProcessEnv = process.env): number {
  const percent = wholeNumberSetting(env, "REPLGUARD_HEAP_GROWING_PERCENT", HEAP_GROWING_PERCENT, 1000);
  setFlagsFromString(`--heap-growing-percent=${percent}`);
  return percent;
}
