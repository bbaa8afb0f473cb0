import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const module = fileURLToPath(new URL("../../bench/peak-rss.ts", import.meta.url));

/**
 * A fresh process that holds 96 MB (touched) in its first stage and lets it go, then holds 16 MB in
 * its second: each stage's peak, as the tracker gives it, in MB.
 */
async function stagePeaks(kernel: boolean): Promise<{ source: string; first: number; second: number; rssAtStart: number }> {
  const script =
    `const { peakRss } = await import(${JSON.stringify(module)}); const tracker = peakRss(${kernel});` +
    `const rssAtStart = process.memoryUsage.rss() / 2 ** 20;` +
    `let big = Buffer.alloc(96 * 2 ** 20, 1); await new Promise((r) => setTimeout(r, 120)); big = null; globalThis.gc(); await new Promise((r) => setTimeout(r, 120));` +
    `const first = tracker.take() / 2 ** 20;` +
    `let small = Buffer.alloc(16 * 2 ** 20, 1); await new Promise((r) => setTimeout(r, 120));` +
    `const second = tracker.take() / 2 ** 20; small = null;` +
    `console.log(JSON.stringify({ source: tracker.source, first, second, rssAtStart }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--expose-gc", "--import", "tsx", "--input-type=module", "-e", script]);
  return JSON.parse(stdout) as { source: string; first: number; second: number; rssAtStart: number };
}

describe("bench: a stage's peak RSS", () => {
  it.runIf(existsSync("/proc/self/clear_refs"))("reads the kernel's high-water mark and starts it again at each stage", async () => {
    const peaks = await stagePeaks(true);
    expect(peaks.source).toBe("kernel");
    // The first stage held 96 MB more than at its start; the second, after the 96 MB went back, only 16 MB.
    expect(peaks.first).toBeGreaterThan(peaks.rssAtStart + 90);
    expect(peaks.second).toBeLessThan(peaks.first - 60);
  }, 60_000);

  it("falls back to a sampler that keeps each stage's peak apart", async () => {
    const peaks = await stagePeaks(false);
    expect(peaks.source).toBe("sampled");
    expect(peaks.first).toBeGreaterThan(peaks.rssAtStart + 90);
    expect(peaks.second).toBeLessThan(peaks.first - 60);
  }, 60_000);
});
