import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { allowedCores, onCore, pinProcess } from "../../bench/pin-cores.js";
import { threadCpu, threadCpuLine } from "../../bench/thread-cpu.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const status = (list: string): string => `Name:\tnode\nCpus_allowed:\t3\nCpus_allowed_list:\t${list}\nMems_allowed:\t1\n`;
/** The cores the process `pid` may run on, as the kernel says. */
const coresOf = (pid: number): number[] => allowedCores(readFileSync(`/proc/${pid}/status`, "utf8"));

describe("bench/pin-cores", () => {
  it("reads the kernel's list of allowed cores, ranges and single cores", () => {
    expect(allowedCores(status("0-1"))).toEqual([0, 1]);
    expect(allowedCores(status("0,2-3,7"))).toEqual([0, 2, 3, 7]);
    expect(allowedCores(status("5"))).toEqual([5]);
  });

  it("runs a command on one core through taskset, or as it is without a core", async () => {
    expect(onCore(undefined, "node", ["-v"])).toEqual(["node", ["-v"]]);
    const core = allowedCores().at(-1)!;
    const [file, args] = onCore(core, process.execPath, ["-e", "process.stdout.write(require('fs').readFileSync('/proc/self/status', 'utf8'))"]);
    const { stdout } = await promisify(execFile)(file, args);
    expect(allowedCores(stdout)).toEqual([core]);
  });

  it("pins a running process, every thread of it, to one core", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 20000)"], { stdio: "ignore" });
    try {
      await new Promise((resolve) => child.once("spawn", resolve));
      const core = allowedCores()[0]!;
      pinProcess(child.pid!, core);
      expect(coresOf(child.pid!)).toEqual([core]);
    } finally {
      child.kill();
    }
  });

  it("refuses --pin-cores, exit 2 with the reason, where this process may use one core", async () => {
    const script = `const { corePinsFlag } = await import(${JSON.stringify(`${root}bench/pin-cores.ts`)}); corePinsFlag(["--pin-cores"]); console.log("not refused");`;
    const run = promisify(execFile)("taskset", ["-c", String(allowedCores()[0]), process.execPath, "--import", "tsx", "--input-type=module", "-e", script], { cwd: root });
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("--pin-cores needs two cores") });
  });
});

describe("bench/thread-cpu", () => {
  it("counts CPU spent on the main thread as the main thread's", () => {
    const before = threadCpu();
    // About 60 ms of CPU on this thread (the /proc counts are in 10 ms ticks).
    const start = process.cpuUsage();
    while (process.cpuUsage(start).user < 60_000);
    const after = threadCpu();
    expect(after.get("main")! - before.get("main")!).toBeGreaterThan(0);
    expect(threadCpuLine(before, after)).toMatch(/^main \d+\.\d\d s/);
  });
});
