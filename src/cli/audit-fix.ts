/**
 * `audit --fix`: after the audit, plan the fixes of its failing results (refreshed from the live
 * configurations), write the plan folder beside the reports, print it, then confirm and apply.
 */
import { dirname, join } from "node:path";
import type { AuditOptions, AuditResult } from "../audit/index.js";
import type { ConfigFile } from "../config/index.js";
import { ExitCode, UsageError } from "../errors.js";
import { buildPlan, newlyReplicatedBuckets, REPLICATE_EXISTING_FIX, refreshFromLive, replicateExistingObjects, writePlanFiles, type FixAwsOptions } from "../fix/index.js";
import { summariseBatchResults } from "../fix/batch/index.js";
import { loadPolicies } from "../policy/index.js";
import { applyAndReport, confirmation, printPlan, requireConfirmable } from "./fix-flow.js";
import { fixNames } from "./fix-command.js";
import { printOut } from "./terminal.js";

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
export function checkFixFlags(flags: AuditFixFlags, config: ConfigFile = {}): void {
  const fixOnly = (["fixRoleName", "fixOut", "yes", "dryRun", "replicateExisting"] as const).find((f) => flags[f] !== undefined);
  if (flags.fix !== true) {
    if (fixOnly !== undefined) throw new UsageError(`--${fixOnly.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --fix`);
    return;
  }
  if (flags.json === true) throw new UsageError("--fix prints a plan and asks for confirmation: drop --json");
  if (flags.replicateExisting === true && config.remediation?.batch === undefined) {
    throw new UsageError("--replicate-existing needs remediation.batch (roleArn, reportBucket) in the config file: the jobs' role and where their completion reports go");
  }
  requireConfirmable(flags, "audit --fix");
}

export async function runAuditFix(result: AuditResult, options: AuditOptions, config: ConfigFile, flags: AuditFixFlags, sandbox = false): Promise<ExitCode> {
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
  const batch = config.remediation?.batch;
  if (flags.replicateExisting !== true || batch === undefined) return outcome.exitCode ?? result.exitCode;
  if (!outcome.applied) {
    const buckets = newlyReplicatedBuckets({ results: outcome.result.results.map((r) => ({ ...r, outcome: { status: "applied" as const } })) });
    printOut(`existing objects: would start S3 Batch Replication for ${buckets.map((b) => b.bucket).join(", ") || "no bucket"}\n`);
    return outcome.exitCode ?? result.exitCode;
  }
  // Buckets the audit found with unreplicated existing objects get a job as well as the ones the apply just started replicating.
  const unreplicated = result.snapshot.results
    .filter((r) => r.status === "fail" && policies.policies.some((p) => p.id === r.policyId && p.remediation.fix === REPLICATE_EXISTING_FIX))
    .map((r) => ({ accountId: r.accountId, bucket: r.bucket, region: r.region }));
  const batchResults = await replicateExistingObjects(outcome.result, {
    ...aws,
    ...(roleName === undefined ? {} : { roleName }),
    batch,
    confirm: (job) => confirmation(flags.yes, `start S3 Batch Replication job ${job.jobId} for ${job.tasks} existing object(s) of ${job.target.bucket}`)(),
    onProgress: (p) => printOut(`  batch ${p.target.bucket}: job ${p.jobId} ${p.status} ${p.succeeded}/${p.total} replicated, ${p.failed} failed\n`),
    // The sandbox moves a job on at each read; AWS takes minutes, read every 5 s.
    ...(sandbox ? { pollIntervalMs: 0 } : {}),
  }, unreplicated);
  printOut(`${["existing objects (S3 Batch Replication):", ...summariseBatchResults(batchResults).map((line) => `  ${line}`)].join("\n")}\n`);
  const batchFailed = batchResults.some((r) => r.outcome === "error" || r.outcome === "job-failed" || (r.outcome === "completed" && r.failed > 0));
  return outcome.exitCode ?? (batchFailed ? ExitCode.FixFailed : result.exitCode);
}
