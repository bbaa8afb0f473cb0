/**
 * A process's peak RSS stage by stage, for `npm run bench` (bench/run.ts): the highest RSS since
 * the last stage mark. Where Linux allows it, the kernel keeps that figure itself: `VmHWM` in
 * /proc/self/status is the process's high-water mark (every thread's memory, workers' included),
 * and writing `5` to /proc/self/clear_refs starts it again from the current RSS. That is exact
 * (a sampler misses peaks shorter than its interval) and costs nothing between marks. A sampler
 * of `process.memoryUsage.rss()` every 50 ms is the fallback elsewhere: it wakes the measured
 * process 20 times a second, each wake-up CPU charged to the audit being measured (at 100,000
 * buckets and 100 ms a call, about a seventh of the accounts stage's wake-ups: docs/scale.md,
 * "What a wake-up costs on this machine").
 *
 * The kernel's reset also resets the process's `maxRSS` (getrusage reads the same high-water
 * mark), so the process's peak is the highest of its stages' peaks, not `resourceUsage().maxRSS`.
 */
import { readFileSync, writeFileSync } from "node:fs";

export interface PeakRss {
  /** The highest RSS (bytes) since the previous `take()` (or since the process started), and a new stage from now. */
  take(): number;
  /** How the peaks are known: "kernel" (VmHWM) or "sampled" (every 50 ms). */
  readonly source: "kernel" | "sampled";
}

const SAMPLE_EVERY_MS = 50;

/** VmHWM in bytes, or undefined where /proc/self/status does not give it. */
function highWaterMark(): number | undefined {
  try {
    const kb = /^VmHWM:\s*(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** Starts the high-water mark again from the current RSS; false where the kernel does not let this process. */
function resetHighWaterMark(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/**
 * The peak-RSS tracker of this process: the kernel's high-water mark where it can be read and reset
 * (`kernel` false: the sampler anyway, for a test of the fallback), else a 50 ms sampler (unref'd:
 * it never keeps the process alive).
 */
export function peakRss(kernel = true): PeakRss {
  // The first take() is the process's peak so far, start-up included: read before the first reset.
  const first = kernel ? highWaterMark() : undefined;
  if (first !== undefined && resetHighWaterMark()) {
    let carried = first;
    return {
      source: "kernel",
      take: () => {
        const peak = Math.max(carried, highWaterMark() ?? 0);
        carried = 0;
        resetHighWaterMark();
        return peak;
      },
    };
  }
  let most = process.memoryUsage.rss();
  setInterval(() => {
    most = Math.max(most, process.memoryUsage.rss());
  }, SAMPLE_EVERY_MS).unref();
  return {
    source: "sampled",
    take: () => {
      const now = process.memoryUsage.rss();
      const peak = Math.max(most, now);
      most = now;
      return peak;
    },
  };
}
