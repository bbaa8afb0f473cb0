/**
 * What the audit does between its scan and a report worker (issue #15: the reports on two threads
 * within 400 MB). Once `scan()` has returned, its inventory, resolution tables, sessions, clients,
 * spools and IAM decision memos are let go (the scan releases its reads after the access pass). But
 * V8 does not give back what the scan left as garbage until its old generation reaches the limit it
 * set after its last full collection (up to 1.25 × what the scan held then, src/cli/heap.ts): the
 * report worker's heap would come on top of that.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collector: (() => void) | null = null;

/**
 * Node offers a full collection only as `gc` under `--expose-gc`: the host's own when it has it,
 * else the flag is set for as long as it takes to create one context that has it, then unset, so no
 * other context (the host's, a worker's) gets `gc`.
 */
function fullCollector(): () => void {
  if (collector === null) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (typeof exposed === "function") collector = exposed;
    else {
      setFlagsFromString("--expose-gc");
      try {
        collector = runInNewContext("gc") as () => void;
      } finally {
        setFlagsFromString("--no-expose-gc");
      }
    }
  }
  return collector;
}

/**
 * One full garbage collection, synchronous, that also compacts the old generation: what is live
 * moves onto as few pages as it needs and the others are unmapped (Node 20: within a second; Node
 * 22's V8 keeps them in a pool its next pages come from). Without compaction V8 keeps the pages a
 * stage committed however little of them stays live (at a million buckets: 103-109 MB of old space
 * for ~75 MB live, docs/memory.md), and its growth limit only bounds how far past them it goes.
 * V8's own flag is set for this one collection only; how it collects otherwise is unchanged.
 * ~0.1-0.3 s for a 70 MB heap.
 */
export function compactingCollection(): void {
  const collect = fullCollector();
  setFlagsFromString("--compact-on-every-full-gc");
  try {
    collect();
  } finally {
    setFlagsFromString("--no-compact-on-every-full-gc");
  }
}

/**
 * Before a report worker starts beside the main thread, so that the main thread's heap is what it
 * really holds (and V8's next limit is set from that), on as few pages as that needs.
 */
export function collectBeforeReportWorker(): void {
  compactingCollection();
}
