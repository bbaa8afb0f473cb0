/**
 * `--pin-cores`: the sandbox on one core and the scanner on another (`taskset`), so a request the
 * scanner writes on loopback wakes the sandbox on its own core, not on the scanner's, as a remote
 * server's work would never run on the scanner's core (docs/scale.md, "Pinned: the sandbox on a
 * core of its own"). Unpinned, both float over the machine's cores and each answer can take the
 * CPU, and the caches, the scanner was running on. Both figures are reported, never only one.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** The two cores: the first this process may run on for the sandbox, the second for the scanner. */
export interface CorePins {
  sandbox: number;
  scanner: number;
}

/** The cores this process may run on: the kernel's `Cpus_allowed_list` ("0-1", "0,2-3"). */
export function allowedCores(status = readFileSync("/proc/self/status", "utf8")): number[] {
  const list = /^Cpus_allowed_list:\s*(.*)$/m.exec(status)?.[1]?.trim() ?? "";
  return list.split(",").flatMap((part) => {
    const [from, to] = part.split("-").map(Number);
    if (from === undefined || Number.isNaN(from)) return [];
    return Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i);
  });
}

/**
 * The cores `--pin-cores` asks for, printed; null without the flag. Refuses (exit 2) on a machine
 * with one core (nothing to keep apart) or without `taskset` (util-linux).
 */
export function corePinsFlag(argv: readonly string[] = process.argv): CorePins | null {
  if (!argv.includes("--pin-cores")) return null;
  const cores = allowedCores();
  if (cores.length < 2) {
    console.error(`bench: --pin-cores needs two cores for the sandbox and the scanner; this process may run on ${cores.length} (${cores.join(",") || "none"})`);
    process.exit(2);
  }
  try {
    execFileSync("taskset", ["-V"], { stdio: "ignore" });
  } catch {
    console.error("bench: --pin-cores needs `taskset` (util-linux) on PATH");
    process.exit(2);
  }
  const pins = { sandbox: cores[0]!, scanner: cores[1]! };
  console.log(`pinned: sandbox on core ${pins.sandbox}, scanner on core ${pins.scanner} (taskset; of cores ${cores.join(",")})`);
  return pins;
}

/** Pins every thread of the running process `pid` (this one: the scanner) to `core`; later threads inherit it. */
export function pinProcess(pid: number, core: number): void {
  execFileSync("taskset", ["-a", "-cp", String(core), String(pid)], { stdio: "ignore" });
}

/** The command that runs `file args` on `core` only (`taskset -c`, which then execs it: the same pid), or as it is. */
export function onCore(core: number | undefined, file: string, args: readonly string[]): [string, string[]] {
  return core === undefined ? [file, [...args]] : ["taskset", ["-c", String(core), file, ...args]];
}
