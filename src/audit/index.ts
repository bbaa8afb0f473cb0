/**
 * `audit`: the pipeline end to end — load policies, derive the facts they need, scan, evaluate,
 * assemble the snapshot, write the reports, and decide the exit code. The CLI only maps flags to
 * these options; tests and other programs call this directly.
 */
import { dirname, join } from "node:path";
import { compareWithTerraform, diffSnapshots, driftFails, findLatestSnapshot, readTerraform, terraformDriftExitCode } from "../drift/index.js";
import { ExitCode, SnapshotError, UsageError } from "../errors.js";
import { contentHash } from "../hash.js";
import {
  BUCKET_DOCUMENT_SCHEMA_VERSION,
  SEVERITIES,
  SNAPSHOT_SCHEMA_VERSION,
  type Drift,
  type FactPlan,
  type FailOnDrift,
  type PolicyResult,
  type Severity,
  type Snapshot,
  type Suppression,
  type TerraformDeclaration,
  type TerraformDrift,
} from "../model/index.js";
import { evaluateBucket, loadPolicies, policyRefs, requiredFacts, SuppressionTracker, type LoadOptions, type PolicySet } from "../policy/index.js";
import {
  countStatuses,
  openReportDir,
  readSnapshot,
  REPORT_FORMATS,
  runCompleteness,
  writeReports,
  writeTerraformDriftReports,
  type ReportDir,
  type ReportFormat,
  type WrittenReport,
} from "../report/index.js";
import { scan, type ScanOptions } from "../scan/index.js";
import { toolVersion } from "../version.js";

export interface AuditOptions {
  /** Everything about what and how to scan (credentials, endpoint, filters, concurrency). `facts` is derived from the policies. */
  scan?: Omit<ScanOptions, "facts">;
  /** Which policies to load and their parameters. */
  policies?: LoadOptions;
  suppressions?: Suppression[];
  /** Lowest severity whose failures make the exit code 1. Default `high`. */
  failOn?: Severity;
  /** Report formats to write. Default: all four. Empty: write nothing. */
  formats?: readonly ReportFormat[];
  /** Report directory. Default `reports/<UTC timestamp>/`. */
  outDir?: string;
  /** Clock for suppression expiry and the default report folder (tests). */
  now?: Date;
  /**
   * A snapshot to compare with: a file, or `latest` (the newest snapshot.json in the folders beside
   * the report folder, see drift/latest.ts). The reports then carry the drift. Read before scanning.
   */
  baseline?: string;
  /** With a baseline: exit 5 when the drift has new failures, or any change; with `terraform`, when the live buckets drifted from it. */
  failOnDrift?: FailOnDrift;
  /**
   * A `terraform show -json` file (saved plan or state): the scanned buckets are compared with what
   * it declares (docs/terraform.md), and terraform-drift.json / .csv join the reports.
   */
  terraform?: string;
}

export interface AuditSummary {
  counts: Record<PolicyResult["status"], number>;
  /** Failures by severity (suppressed findings excluded). */
  failuresBySeverity: Record<Severity, number>;
  failuresAtOrAboveFailOn: number;
}

export interface AuditResult {
  snapshot: Snapshot;
  reports: WrittenReport[];
  summary: AuditSummary;
  exitCode: ExitCode;
  /** The drift from the baseline, or null without one (or on a first run with `latest`). */
  drift: Drift | null;
  /** The baseline file compared with, or null. */
  baselineFile: string | null;
  /** Drift from the `terraform` file, or null without one. */
  terraformDrift: TerraformDrift | null;
}

const severityRank = (severity: Severity): number => SEVERITIES.indexOf(severity);

export function summarize(results: readonly PolicyResult[], failOn: Severity): AuditSummary {
  const counts = countStatuses(results);
  const failuresBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const result of results) if (result.status === "fail") failuresBySeverity[result.severity] += 1;
  const failuresAtOrAboveFailOn = SEVERITIES.filter((s) => severityRank(s) <= severityRank(failOn)).reduce(
    (sum, s) => sum + failuresBySeverity[s],
    0,
  );
  return { counts, failuresBySeverity, failuresAtOrAboveFailOn };
}

/**
 * Exit code for a finished audit. An incomplete run (3: an unread account or bucket, or an `error`
 * result, see runCompleteness) outranks findings (1): results drawn from a partial picture cannot be
 * called clean or complete, and the scheduler must look at it. README "Exit codes" gives the full
 * precedence: 6 > 3 > 5 > 1 > 0. Drift (5, under `failOnDrift`) outranks findings but not an incomplete scan:
 * a drift drawn from a partial picture is itself partial.
 */
export function auditExitCode(
  snapshot: Pick<Snapshot, "coverage" | "results">,
  summary: AuditSummary,
  drift?: { drift: Drift; failOn: FailOnDrift | undefined },
): ExitCode {
  if (!runCompleteness(snapshot).complete) return ExitCode.Incomplete;
  if (drift?.failOn !== undefined && driftFails(drift.drift, drift.failOn)) return ExitCode.Drift;
  return summary.failuresAtOrAboveFailOn > 0 ? ExitCode.Findings : ExitCode.Ok;
}

/**
 * `reports/<UTC timestamp to the millisecond>`. Open it with `openReportDir(dir, { fresh: true })`,
 * which appends `-2`, `-3`... when two runs start in the same millisecond, so no two runs share it.
 */
export const defaultOutDir = (now: Date): string => join("reports", now.toISOString().replace(/:/g, "-"));

export async function audit(options: AuditOptions = {}): Promise<AuditResult> {
  const now = options.now ?? new Date();
  const failOn = options.failOn ?? "high";
  const formats = options.formats ?? REPORT_FORMATS;
  const suppressions = options.suppressions ?? [];

  const policySet = await loadPolicies(options.policies);
  // The report folder is checked and locked before the scan: a bad --out or a folder another run
  // is writing fails in a second, not after an hour of scanning.
  const reportDir =
    formats.length === 0
      ? undefined
      : options.outDir === undefined
        ? await openReportDir(defaultOutDir(now), { fresh: true })
        : await openReportDir(options.outDir);
  try {
    const baselineFile = await baselinePath(options.baseline, reportDir?.path ?? options.outDir ?? defaultOutDir(now));
    if (baselineFile === null && options.failOnDrift !== undefined && options.terraform === undefined) {
      // A CI gate on drift cannot pass when there is nothing to compare with.
      throw options.baseline === undefined
        ? new UsageError("--fail-on-drift needs --baseline SNAPSHOT, --baseline latest or --terraform FILE")
        : new SnapshotError(`--baseline latest: no earlier snapshot.json in the folders beside ${reportDir?.path ?? options.outDir ?? defaultOutDir(now)}, so --fail-on-drift cannot be decided; run once without --fail-on-drift to make one`);
    }
    // Read (and validated) before the scan: a bad baseline fails in a second.
    const baseline = baselineFile === null ? undefined : await readSnapshot(baselineFile);
    const declaration = options.terraform === undefined ? undefined : await readTerraform(options.terraform);
    return await auditInto(options, policySet, reportDir, { now, failOn, formats, suppressions, baseline, baselineFile, declaration });
  } finally {
    reportDir?.release();
  }
}

async function auditInto(
  options: AuditOptions,
  policySet: PolicySet,
  reportDir: ReportDir | undefined,
  {
    now,
    failOn,
    formats,
    suppressions,
    baseline,
    baselineFile,
    declaration,
  }: {
    now: Date;
    failOn: Severity;
    formats: readonly ReportFormat[];
    suppressions: Suppression[];
    baseline: Snapshot | undefined;
    baselineFile: string | null;
    declaration: TerraformDeclaration | undefined;
  },
): Promise<AuditResult> {
  const scanResult = await scan({ ...options.scan, facts: withDeclaredFacts(requiredFacts(policySet), declaration) });

  const results: PolicyResult[] = [];
  const tracker = new SuppressionTracker(suppressions, now);
  for (const doc of scanResult.buckets) {
    for (const result of evaluateBucket(policySet, doc, { suppressions, now })) {
      tracker.observe(result);
      results.push(result);
    }
  }

  const snapshot: Snapshot = {
    kind: "replguard-snapshot",
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    bucketDocumentSchemaVersion: BUCKET_DOCUMENT_SCHEMA_VERSION,
    tool: { name: "replguard", version: toolVersion },
    scan: scanResult.scan,
    configHash: contentHash({ scan: { ...options.scan, credentials: undefined, shard: undefined }, policies: options.policies ?? {}, suppressions, failOn }),
    failOn,
    policies: policyRefs(policySet),
    coverage: scanResult.coverage,
    accounts: scanResult.accounts,
    buckets: scanResult.buckets,
    results,
    activeSuppressions: tracker.active(),
    expiredSuppressions: tracker.expired(),
  };

  const summary = summarize(results, failOn);
  const drift = baseline === undefined ? null : diffSnapshots(baseline, snapshot);
  const reports =
    reportDir === undefined
      ? []
      : await writeReports(snapshot, {
          outDir: reportDir.path,
          dir: reportDir,
          formats: [...formats],
          policies: policySet.policies,
          ...(baseline !== undefined && drift !== null ? { baseline: { snapshot: baseline, drift } } : {}),
        });
  const terraformDrift = declaration === undefined ? null : compareWithTerraform(declaration, snapshot);
  if (terraformDrift !== null && reportDir !== undefined) reports.push(...(await writeTerraformDriftReports(terraformDrift, reportDir.path, { dir: reportDir })));
  // A shard's findings are decided by `replguard merge` (docs/scale.md): the shard says only whether its part was read.
  const exitCode = options.scan?.shard !== undefined ? (snapshot.coverage.complete ? ExitCode.Ok : ExitCode.Incomplete) : auditExitCode(snapshot, summary, drift === null ? undefined : { drift, failOn: options.failOnDrift });
  return { snapshot, reports, summary, exitCode: withTerraformExit(exitCode, terraformDrift, options.failOnDrift), drift, baselineFile, terraformDrift };
}

/** The exit codes in README order of seriousness: the first that applies wins. */
const EXIT_PRECEDENCE: readonly ExitCode[] = [ExitCode.FixFailed, ExitCode.Incomplete, ExitCode.Drift, ExitCode.Findings, ExitCode.Ok];

/**
 * Folds the Terraform comparison into the audit's exit code: something it could not compare (a
 * value known only after apply, a fact not read) is 3, as in `replguard drift --terraform`; drift
 * from it is 5 under `failOnDrift`, as drift from a baseline is.
 */
function withTerraformExit(exitCode: ExitCode, drift: TerraformDrift | null, failOnDrift: FailOnDrift | undefined): ExitCode {
  if (drift === null) return exitCode;
  const own = terraformDriftExitCode(drift);
  const counted = own === ExitCode.Drift && failOnDrift === undefined ? ExitCode.Ok : own;
  return EXIT_PRECEDENCE.find((code) => code === exitCode || code === counted) ?? exitCode;
}

/**
 * Object Lock declared in Terraform is compared on every declared bucket, not only on replica
 * destinations (where the policies need it): read it on every bucket when any bucket declares it.
 */
function withDeclaredFacts(plan: FactPlan, declaration: TerraformDeclaration | undefined): FactPlan {
  if (declaration === undefined || !declaration.buckets.some((b) => b.objectLock !== undefined) || plan.all.includes("objectLock")) return plan;
  return {
    all: [...plan.all, "objectLock"],
    replicating: (plan.replicating ?? []).filter((fact) => fact !== "objectLock"),
    destinations: plan.destinations.filter((fact) => fact !== "objectLock"),
  };
}

/**
 * The baseline file: as given, or for `latest` the newest snapshot beside the report folder (null
 * on a first run, when there is none: the audit goes on without drift and says so).
 */
async function baselinePath(baseline: string | undefined, outDir: string): Promise<string | null> {
  if (baseline === undefined) return null;
  if (baseline !== "latest") return baseline;
  return findLatestSnapshot(dirname(outDir), outDir);
}
