/**
 * A vitest setup file, only with REPLGUARD_CPU_LOG=<file> (vitest.config.ts): appends one line per
 * test file, "CPU-seconds<TAB>wall-seconds<TAB>path", the CPU being this process's user+system time
 * and that of the children it reaped while the file ran (a sandbox's, Chromium's, the Multitool's).
 * Not counted: a child still running when the file ends, as the moto_server shared by the files of
 * one process (test/support/moto.ts). The first file of each worker also carries its imports.
 *   REPLGUARD_CPU_LOG=/tmp/cpu.log npx vitest run; sort -rn /tmp/cpu.log | head
 */
import { appendFileSync, readFileSync } from "node:fs";
import { afterAll, expect } from "vitest";

/** utime + stime + cutime + cstime of this process, in seconds (proc(5): fields 14–17, in clock ticks of 1/100 s). */
function cpuSeconds(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) / 100;
}

const log = process.env["REPLGUARD_CPU_LOG"];
const started = { cpu: cpuSeconds(), wall: Date.now() };
// Registered before the file's own hooks, so it runs after them (vitest runs afterAll hooks in reverse).
afterAll(() => {
  if (log === undefined) return;
  const file = expect.getState().testPath ?? "?";
  appendFileSync(log, `${(cpuSeconds() - started.cpu).toFixed(2)}\t${((Date.now() - started.wall) / 1000).toFixed(1)}\t${file}\n`);
});
