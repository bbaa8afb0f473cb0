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
 * One full garbage collection before a report worker starts beside the main thread, so that the
 * main thread's heap is what it really holds (and V8's next limit is set from that): synchronous,
 * a few tens of ms on a 50–150 MB heap. Node offers it only as `gc` under `--expose-gc`: the host's
 * own when it has it, else the flag is set for as long as it takes to create one context that has
 * it, then unset, so no other context (the host's, a worker's) gets `gc`; nothing in how V8
 * collects is changed.
 */
export function collectBeforeReportWorker(): void {
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
  collector();
}
