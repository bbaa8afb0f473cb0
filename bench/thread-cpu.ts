/**
 * This process's CPU by thread (Linux `/proc/self/task/<tid>/stat`), summed by the thread's name:
 * node's main thread (`node`, where replguard's JavaScript runs), V8's helper threads (`V8 DefaultWorke`:
 * the parallel and concurrent parts of garbage collection, compilation), libuv's pool (`libuv-worker`),
 * the inspector's (`node` too, only under `--profile`). `process.cpuUsage()` counts them all as one
 * figure; split, it says whether CPU that grows is the JavaScript's or the collector's (docs/scale.md,
 * "At 100 ms a call against 0 ms, the same organization"). Empty where there is no /proc.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks a second (`getconf CLK_TCK`), in which /proc gives a thread's user and system time. */
let ticksPerSecond: number | undefined;

/** CPU ms so far by thread name; the main thread (its id is the process's) as `main`. */
export function threadCpu(): Map<string, number> {
  const byName = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return byName;
  }
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  for (const tid of tids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    } catch {
      continue; // the thread ended meanwhile
    }
    // "tid (name) state …": the name may hold spaces or parentheses, so the fields are counted from its last ")".
    const close = stat.lastIndexOf(")");
    const name = Number(tid) === process.pid ? "main" : stat.slice(stat.indexOf("(") + 1, close);
    const fields = stat.slice(close + 2).split(" ");
    // utime and stime are the 14th and 15th fields of the line, the 12th and 13th after the name.
    const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
    byName.set(name, (byName.get(name) ?? 0) + ms);
  }
  return byName;
}

/** What each thread name spent between two `threadCpu()` readings, largest first, as "main 4.10 s, V8 DefaultWorke 0.80 s". */
export function threadCpuLine(before: Map<string, number>, after: Map<string, number>): string {
  return [...after]
    .map(([name, ms]) => [name, ms - (before.get(name) ?? 0)] as const)
    .filter(([, ms]) => ms > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(2)} s`)
    .join(", ");
}

/**
 * The main thread's voluntary context switches so far (`/proc/self/task/<pid>/status`): each time it
 * slept (in epoll until an answer came, or in a coalescing wait) and woke up, the process's other
 * threads' sleeps left out. Undefined where there is no /proc.
 */
export function mainThreadWakeups(): number | undefined {
  try {
    const status = readFileSync(`/proc/self/task/${process.pid}/status`, "utf8");
    return Number(/^voluntary_ctxt_switches:\s*(\d+)/m.exec(status)?.[1]);
  } catch {
    return undefined;
  }
}
