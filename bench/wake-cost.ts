/**
 * What this machine charges a process for one sleep and wake of its event loop: the CPU (user +
 * system, every thread) of a node process that does nothing but wait on a timer, per wake-up,
 * beside the CPU of a turn of the loop that does not sleep (`setImmediate`). At 100 ms a call the
 * scanner sleeps between answers about once a bucket (its main thread's wake-ups, which `npm run
 * bench` prints per stage), so on a machine where sleeping is dear this is part of the accounts
 * stage's CPU that only fewer wake-ups would remove, that is answers held back (docs/scale.md,
 * "What a wake-up costs on this machine"). On the 2-core VM of these measurements a wake-up costs
 * 40–150 µs of CPU, a turn without sleeping 1–2 µs.
 *
 *   npx tsx bench/wake-cost.ts [--wakes N] [--sleep-ms MS] [--json]
 *
 * Three sets of N wake-ups (default 300, 5 ms each: about the gap between the scanner's wake-ups
 * at 64 slots and 100 ms a call); the median set is reported. `--json`: one line, the figures as
 * JSON (what `npm run bench` reads of a fresh process, freshWakeCost below).
 */
import { execFile } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { numberFlag } from "./flags.js";
import { median } from "./median.js";

export interface WakeCost {
  /** CPU (µs, user + system) of one sleep on a timer and the wake-up after it, nothing else done. */
  wakeMicros: number;
  /** CPU (µs) of one turn of the event loop that does not sleep, for contrast. */
  turnMicros: number;
  /** The timer's length (ms) and the wake-ups a set. */
  sleepMs: number;
  wakes: number;
}

/** This process's CPU so far, user + system, in µs. */
const cpuMicros = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/** CPU a repetition of `step`, in µs. */
async function perStep(count: number, step: () => Promise<unknown>): Promise<number> {
  const before = cpuMicros();
  for (let i = 0; i < count; i++) await step();
  return (cpuMicros() - before) / count;
}

/** The median of three sets of `wakes` sleeps of `sleepMs`, and of three sets of loop turns, after a warm-up of each. */
export async function measureWakeCost(wakes = 300, sleepMs = 5): Promise<WakeCost> {
  const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  await perStep(20, () => sleep(sleepMs));
  await perStep(2000, turn);
  const wakeSets: number[] = [];
  const turnSets: number[] = [];
  for (let set = 0; set < 3; set++) {
    wakeSets.push(await perStep(wakes, () => sleep(sleepMs)));
    turnSets.push(await perStep(wakes * 20, turn));
  }
  return { wakeMicros: median(wakeSets), turnMicros: median(turnSets), sleepMs, wakes };
}

/** The probe in a process of its own: nothing else of the bench's (a sandbox, a parsed snapshot, its collector) in it. */
export async function freshWakeCost(wakes = 300): Promise<WakeCost> {
  const script = fileURLToPath(import.meta.url);
  // From the package root, where `--import tsx` resolves, wherever the bench was started.
  const cwd = fileURLToPath(new URL("..", import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", script, "--json", "--wakes", String(wakes)], { cwd });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as WakeCost;
}

/** The figures in words, and what `wakeUps` of a stage cost at that rate per bucket when given. */
export function wakeCostLine(cost: WakeCost, stage?: { wakeUps: number; buckets: number; cpuMs: number }): string {
  const probe = `${cost.wakeMicros.toFixed(0)} µs CPU a sleep and wake of an idle event loop (${cost.sleepMs} ms timer; a turn without sleeping ${cost.turnMicros.toFixed(1)} µs)`;
  if (stage === undefined || stage.buckets === 0) return probe;
  const perBucket = (stage.wakeUps * cost.wakeMicros) / 1000 / stage.buckets;
  const share = stage.cpuMs > 0 ? ` of its ${(stage.cpuMs / stage.buckets).toFixed(3)}` : "";
  return `${probe}; the accounts stage's ${stage.wakeUps} wake-ups at that rate: ${perBucket.toFixed(3)} ms/bucket${share}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const cost = await measureWakeCost(numberFlag("wakes", 300), numberFlag("sleep-ms", 5));
  console.log(process.argv.includes("--json") ? JSON.stringify(cost) : wakeCostLine(cost));
}
