/**
 * The scan's CPU by stage (bench/scan-cpu.ts): the process's CPU at each mark of the
 * `replguard:scan-stage` channel (src/scan/context.ts), turned into one line per stage with its CPU
 * and ms per bucket. The accounts stage is the scanner's own reads (issue #15's "CPU per bucket").
 */
import { median } from "./median.js";

export interface StageMark {
  stage: string;
  /** The process's user + system CPU, in ms, when the stage began. */
  cpuMs: number;
}

const NAMES: Record<string, string> = {
  organization: "organization walk",
  accounts: "accounts stage (the scanner's reads)",
  "access-ahead": "access batches begun, finishing",
  destinations: "destinations (2nd pass + probes)",
  access: "access pass",
  handover: "handover (documents handed on)",
  done: "done",
};

/** One line per stage that ran (in order), from the CPU at the scan's start, its stage marks and its end. */
export function stageCpuLines(startCpuMs: number, marks: readonly StageMark[], endCpuMs: number, buckets: number): string[] {
  const lines: string[] = [];
  const points = [{ stage: "start-up", cpuMs: startCpuMs }, ...marks];
  for (let i = 0; i < points.length; i++) {
    const { stage, cpuMs } = points[i]!;
    if (stage === "done") continue;
    const spent = (points[i + 1]?.cpuMs ?? endCpuMs) - cpuMs;
    const perBucket = buckets === 0 ? "-" : (spent / buckets).toFixed(3);
    const name = NAMES[stage] ?? stage;
    lines.push(`${name.padEnd(40)} CPU ${(spent / 1000).toFixed(2).padStart(7)} s  ${perBucket.padStart(6)} ms/bucket`);
  }
  return lines;
}

/** The CPU (ms) spent in one stage, from its mark to the next (or the end); 0 when it did not run. */
export function stageCpu(startCpuMs: number, marks: readonly StageMark[], endCpuMs: number, stage: string): number {
  const at = marks.findIndex((mark) => mark.stage === stage);
  if (at < 0) return 0;
  return (marks[at + 1]?.cpuMs ?? endCpuMs) - marks[at]!.cpuMs;
}

/** The least and the median of the rounds' CPU per bucket (accounts stage, whole scan), in ms. */
export function summary(rounds: readonly { accounts: number; scan: number }[]): string {
  const accounts = rounds.map((r) => r.accounts);
  const scan = rounds.map((r) => r.scan);
  return (
    `rounds 2-${rounds.length + 1}: accounts stage least ${Math.min(...accounts).toFixed(3)}, median ${median(accounts).toFixed(3)} ms/bucket; ` +
    `whole scan least ${Math.min(...scan).toFixed(3)}, median ${median(scan).toFixed(3)} ms/bucket`
  );
}
