/**
 * What `audit --fix`, `fix apply` and `rollback` share on the command line: the confirmation
 * rules, printing the plan, applying it, re-scanning, and the exit code.
 */
import { createInterface } from "node:readline/promises";
import { join } from "node:path";
import { ExitCode, UsageError } from "../errors.js";
import { applyPlan, planDiff, rescanTargets, stepCount, type ApplyOptions, type ApplyResult, type BeforeAfter, type FixPlan, type StepResult } from "../fix/index.js";
import type { PolicySet } from "../policy/index.js";
import type { ScanOptions } from "../scan/index.js";
import { printErr, printOut } from "./terminal.js";

/**
 * Refuses up front when no one can answer: without a terminal on stdin and without --yes, a write
 * to production would need a confirmation nobody can give (exit 2, before anything is scanned).
 */
export function requireConfirmable(flags: { yes?: boolean; dryRun?: boolean }, what: string): void {
  if (flags.yes === true || flags.dryRun === true || process.stdin.isTTY === true) return;
  throw new UsageError(`${what} needs a confirmation, and stdin is not a terminal: pass --yes to ${what} unattended, or --dry-run to only see the plan`);
}

/** Where the question is asked (tests pass their own streams). */
export interface PromptStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
}

/** `--yes`, else an interactive "yes" on the terminal; anything else is a no. */
export function confirmation(yes: boolean | undefined, question: string, io: PromptStreams = { input: process.stdin, output: process.stderr }): () => Promise<boolean> {
  return async () => {
    if (yes === true) return true;
    if (io.input.isTTY !== true) throw new UsageError(`${question}: needs --yes when stdin is not a terminal`);
    const rl = createInterface({ input: io.input, output: io.output });
    try {
      const answer = await rl.question(`${question}? Type yes to go on: `);
      return answer.trim().toLowerCase() === "yes";
    } finally {
      rl.close();
    }
  };
}

export function printPlan(plan: FixPlan, dir: string | null): void {
  const steps = stepCount(plan);
  const lines = [
    `fix plan: ${steps} change${steps === 1 ? "" : "s"} to ${plan.accounts.reduce((n, a) => n + a.buckets.length, 0)} bucket(s), ${plan.manual.length} manual`,
    ...planDiff(plan),
    ...(dir === null ? [] : [`  plan  ${join(dir, "plan.json")}`, `  sh    ${join(dir, "fix.sh")}`, `  tf    ${join(dir, "fix.tf")}`]),
  ];
  printOut(`${lines.join("\n")}\n`);
}

const outcomeLine = ({ step, outcome }: StepResult): string => {
  const head = `  ${outcome.status.padEnd(18)} ${step.operation} ${step.bucket} (${step.accountId}, ${step.region})`;
  switch (outcome.status) {
    case "failed":
      return `${head}: ${outcome.code}: ${outcome.message}`;
    case "skipped-conflict":
    case "skipped-dependency":
      return `${head}: ${outcome.detail}`;
    default:
      return head;
  }
};

export interface FixRun {
  exitCode: ExitCode | null;
  applied: boolean;
}

/**
 * Applies (or dry-runs) the plan, prints every step's outcome, re-scans what it targeted and prints
 * before → after. `exitCode` is 6 when a fix failed, null when the caller's own code stands.
 */
export async function applyAndReport(
  plan: FixPlan,
  options: Omit<ApplyOptions, "rollbackFile"> & { planDir: string; policies: PolicySet; scan: Omit<ScanOptions, "facts" | "accounts"> },
): Promise<FixRun & { rescan: BeforeAfter[]; result: ApplyResult }> {
  const rollbackFile = join(options.planDir, `rollback-${new Date().toISOString().replace(/:/g, "-")}.json`);
  const result = await applyPlan(plan, { ...options, rollbackFile });
  if (options.dryRun === true) {
    printOut(`dry run: nothing changed (${result.results.length} change(s) planned)\n`);
    return { exitCode: null, applied: false, rescan: [], result };
  }
  if (result.declined) {
    printErr("replguard: not confirmed: nothing changed\n");
    return { exitCode: null, applied: false, rescan: [], result };
  }
  const c = result.counts;
  const lines = [
    `fix: ${c.applied} applied, ${c.failed} failed, ${c["skipped-conflict"]} skipped (changed since the plan), ${c["skipped-dependency"]} skipped (an earlier step did not apply)`,
    ...result.results.map(outcomeLine),
    ...(result.rollbackFile === null ? [] : [`  rollback  ${result.rollbackFile}  (replguard rollback FILE restores the previous configurations)`]),
  ];
  printOut(`${lines.join("\n")}\n`);
  const rescan = result.results.length === 0 ? [] : await rescanTargets(plan, options.policies, options.scan);
  if (rescan.length > 0) {
    printOut(`${["after the fix (re-scanned):", ...rescan.map((r) => `  ${r.before} → ${r.after.padEnd(14)} ${r.policyId} ${r.bucket} (${r.accountId}): ${r.message}`)].join("\n")}\n`);
  }
  return { exitCode: c.failed > 0 ? ExitCode.FixFailed : null, applied: true, rescan, result };
}
