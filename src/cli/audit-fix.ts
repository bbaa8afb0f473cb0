/**
 * `audit --fix`: after the audit, plan the fixes of its failing results (refreshed from the live
 * configurations), write the plan folder beside the reports, print it, then confirm and apply.
 */
import { dirname, join } from "node:path";
import type { AuditOptions, AuditResult } from "../audit/index.js";
import type { ConfigFile } from "../config/index.js";
import { UsageError, type ExitCode } from "../errors.js";
import { buildPlan, refreshFromLive, writePlanFiles, type FixAwsOptions } from "../fix/index.js";
import { loadPolicies } from "../policy/index.js";
import { applyAndReport, confirmation, printPlan, requireConfirmable } from "./fix-flow.js";
import { fixNames } from "./fix-command.js";

export interface AuditFixFlags {
  fix?: boolean;
  fixRoleName?: string;
  fixOut?: string;
  yes?: boolean;
  dryRun?: boolean;
  replicateExisting?: boolean;
  json?: boolean;
}

/** Checked before scanning, so a run that cannot apply fails in a second, not after the scan. */
export function checkFixFlags(flags: AuditFixFlags): void {
  const fixOnly = (["fixRoleName", "fixOut", "yes", "dryRun", "replicateExisting"] as const).find((f) => flags[f] !== undefined);
  if (flags.fix !== true) {
    if (fixOnly !== undefined) throw new UsageError(`--${fixOnly.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --fix`);
    return;
  }
  if (flags.json === true) throw new UsageError("--fix prints a plan and asks for confirmation: drop --json");
  // Hook for S3 Batch Replication of existing objects (src/fix/batch, replicateExisting(buckets, context)): not in this build yet.
  if (flags.replicateExisting === true) throw new UsageError("--replicate-existing is not available in this build yet (S3 Batch Replication, docs/fix.md)");
  requireConfirmable(flags, "audit --fix");
}

export async function runAuditFix(result: AuditResult, options: AuditOptions, config: ConfigFile, flags: AuditFixFlags): Promise<ExitCode> {
  const scan = options.scan ?? {};
  const policies = await loadPolicies(options.policies);
  const aws: FixAwsOptions = {
    ...(scan.credentials === undefined ? {} : { credentials: scan.credentials }),
    ...(scan.profile === undefined ? {} : { profile: scan.profile }),
    ...(scan.endpoint === undefined ? {} : { endpoint: scan.endpoint }),
    ...(scan.region === undefined ? {} : { region: scan.region }),
    ...(scan.externalId === undefined ? {} : { externalId: scan.externalId }),
    ...(scan.maxAttempts === undefined ? {} : { maxAttempts: scan.maxAttempts }),
  };
  const planned = buildPlan({ snapshot: result.snapshot, fixes: fixNames(policies), ...(config.remediation ? { remediation: config.remediation } : {}) });
  // Read with the audit role: the plan then carries every live rule exactly as S3 holds it.
  const plan = await refreshFromLive(planned, { ...aws, ...(scan.roleName === undefined ? {} : { roleName: scan.roleName }) });
  const reportDir = result.reports[0] === undefined ? undefined : dirname(result.reports[0].file);
  const dir = flags.fixOut ?? join(reportDir ?? join("reports", new Date().toISOString().replace(/:/g, "-")), "fix");
  await writePlanFiles(plan, dir);
  printPlan(plan, dir);
  const roleName = flags.fixRoleName ?? scan.roleName;
  const outcome = await applyAndReport(plan, {
    ...aws,
    ...(roleName === undefined ? {} : { roleName }),
    ...(flags.dryRun === true ? { dryRun: true } : {}),
    concurrency: config.remediation?.concurrency ?? 4,
    confirm: confirmation(flags.yes, "apply these fixes"),
    planDir: dir,
    policies,
    scan: { ...scan, onProgress: undefined },
  });
  return outcome.exitCode ?? result.exitCode;
}
