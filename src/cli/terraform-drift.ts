/**
 * The action behind `replguard drift --terraform FILE SNAPSHOT`: compare what a `terraform show
 * -json` file declares with a snapshot, write terraform-drift.json and .csv, print a short summary,
 * and return the exit code (0 no drift, 5 drift, 3 when something could not be compared). No AWS
 * call. The command itself is registered by `drift-command.ts`.
 */
import { defaultOutDir } from "../audit/out-dir.js";
import { terraformDrift, terraformDriftExitCode } from "../drift/index.js";
import { TERRAFORM_DRIFT_KINDS, TERRAFORM_DRIFTED_KINDS, type TerraformDrift } from "../model/index.js";
import { openReportDir, readSnapshot, writeTerraformDriftReports } from "../report/index.js";
import { withInterruptCleanup } from "./interrupt.js";
import { printOut } from "./terminal.js";

export interface TerraformDriftFlags {
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

/** Items printed in the summary; the reports hold them all. */
const SHOWN = 10;

export function terraformDriftSummary(drift: TerraformDrift): string[] {
  const exitCode = terraformDriftExitCode(drift);
  const counts = TERRAFORM_DRIFT_KINDS.filter((k) => drift.counts[k] > 0).map((k) => `${drift.counts[k]} ${k}`);
  const verdict = drift.drifted ? "drift from Terraform" : exitCode === 0 ? "no drift from Terraform" : "no drift found, but not everything could be compared";
  const lines = [`terraform drift (${drift.terraform.kind} ${drift.terraform.file}): ${verdict}${counts.length > 0 ? `: ${counts.join(", ")}` : ""}`];
  const shown = [...drift.items.filter((i) => TERRAFORM_DRIFTED_KINDS.includes(i.kind)), ...drift.items.filter((i) => !TERRAFORM_DRIFTED_KINDS.includes(i.kind))].slice(0, SHOWN);
  for (const item of shown) lines.push(`  ${item.kind}: ${item.message}`);
  if (drift.items.length > SHOWN) lines.push(`  … and ${drift.items.length - SHOWN} more in the reports`);
  return lines;
}

export async function terraformDriftAction(terraformFile: string, snapshotFile: string, flags: TerraformDriftFlags): Promise<number> {
  const snapshot = await readSnapshot(snapshotFile);
  const drift = await terraformDrift(terraformFile, snapshot);
  const dir = await openReportDir(flags.out ?? defaultOutDir(new Date()), { fresh: flags.out === undefined });
  const reports = await withInterruptCleanup(() => writeTerraformDriftReports(drift, dir.path, { dir })).finally(() => dir.release());
  const exitCode = terraformDriftExitCode(drift);
  if (flags.json) {
    printOut(`${JSON.stringify({ exitCode, drifted: drift.drifted, counts: drift.counts, reports }, null, 2)}\n`);
  } else if (!flags.quiet) {
    const lines = terraformDriftSummary(drift);
    for (const report of reports) lines.push(`${report.format.padEnd(5)} ${report.file}`);
    printOut(`${lines.join("\n")}\n`);
  }
  return exitCode;
}
