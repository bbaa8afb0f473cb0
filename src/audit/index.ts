/**
 * `audit`: the pipeline end to end — load policies, derive the facts they need, scan, evaluate,
 * assemble the snapshot, write the reports, and decide the exit code. The CLI only maps flags to
 * these options; tests and other programs call this directly.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { compareWithTerraform, diffSnapshotFiles, driftFails, failureHistory, findLatestSnapshot, readTerraform, terraformDriftExitCode } from "../drift/index.js";
import { ExitCode, SnapshotError, UsageError } from "../errors.js";
import { contentHash } from "../hash.js";
import type { Drift, FactPlan, FailOnDrift, PolicyResult, Severity, Snapshot, Suppression, TerraformDeclaration, TerraformDrift } from "../model/index.js";
import { loadPolicies, requiredFacts, type LoadOptions, type PolicySet } from "../policy/index.js";
import {
  checkReportThreadsSetting,
  checkSnapshotFile,
  openReportDir,
  REPORT_FILE_NAMES,
  REPORT_FORMATS,
  runCompleteness,
  useReportThreads,
  workerFormats,
  writeReportsFromSnapshot,
  writeTerraformDriftReports,
  writeWhole,
  type ReportDir,
  type ReportFormat,
  type WrittenReport,
} from "../report/index.js";
import type { ScanOptions } from "../scan/index.js";
import { defaultOutDir } from "./out-dir.js";
import { collectBeforeReportWorker } from "./release.js";
import { streamAudit, SummaryCounter, type AuditSummary, type Omitted, type SnapshotRetention } from "./stream.js";

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
  /**
   * What `AuditResult.snapshot` keeps in memory: `all` (default) or `summary` (accounts, coverage,
   * the first 100 partly read buckets and `error` results, the others counted in `AuditResult.omitted`), for a bounded memory whatever the organization's
   * size. The snapshot file has everything either way. With `terraform`, documents are kept.
   */
  retain?: SnapshotRetention;
  /** Write the snapshot gzipped, as `snapshot.json.gz` (read back transparently by every reader). */
  snapshotGzip?: boolean;
}

export type { AuditSummary, Omitted, SnapshotRetention } from "./stream.js";

export interface AuditResult {
  /** The snapshot in memory: everything, or a summary (see `AuditOptions.retain`); the file has it all. */
  snapshot: Snapshot;
  /** With `retain: "summary"`: the partly read buckets and error results left out of `snapshot` (zero under `all`). */
  omitted: Omitted;
  /** The snapshot file written (in the report folder), or null when no report was asked for. */
  snapshotFile: string | null;
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

export function summarize(results: readonly PolicyResult[], failOn: Severity): AuditSummary {
  const counter = new SummaryCounter(failOn);
  for (const result of results) counter.add(result);
  return counter.summary;
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

export { defaultOutDir } from "./out-dir.js";

export async function audit(options: AuditOptions = {}): Promise<AuditResult> {
  const now = options.now ?? new Date();
  const failOn = options.failOn ?? "high";
  const formats = options.formats ?? REPORT_FORMATS;
  const suppressions = options.suppressions ?? [];

  const policySet = await loadPolicies(options.policies);
  if (formats.length > 0) checkReportThreadsSetting();
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
    // Checked before the scan (header and format): a bad baseline fails in a second. It is read in full after the scan, streamed.
    if (baselineFile !== null) await checkSnapshotFile(baselineFile);
    const declaration = options.terraform === undefined ? undefined : await readTerraform(options.terraform);
    return await auditInto(options, policySet, reportDir, { now, failOn, formats, suppressions, baselineFile, declaration });
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
    baselineFile,
    declaration,
  }: {
    now: Date;
    failOn: Severity;
    formats: readonly ReportFormat[];
    suppressions: Suppression[];
    baselineFile: string | null;
    declaration: TerraformDeclaration | undefined;
  },
): Promise<AuditResult> {
  const retain: SnapshotRetention = declaration === undefined ? (options.retain ?? "all") : "all";
  // The shard and the worker threads are left out: every shard of one run carries the same hash (merge checks it), and threads change no result.
  const configHash = contentHash({ scan: { ...options.scan, credentials: undefined, shard: undefined, workers: undefined }, policies: options.policies ?? {}, suppressions, failOn });
  const facts = withDeclaredFacts(requiredFacts(policySet), declaration);
  const keepJson = reportDir !== undefined && formats.includes("json");
  // The snapshot is written as the buckets are evaluated: into the report folder when it is one of
  // the reports, else into a scratch folder, since every other report is rendered from it.
  // (In the system's temporary folder: an interrupted run must leave nothing in the report folder.)
  const scratch = keepJson ? null : await mkdtemp(join(tmpdir(), "replguard-snapshot-"));
  const snapshotFile = scratch === null ? join(reportDir!.path, snapshotFileName(options.snapshotGzip)) : join(scratch, "snapshot.json");
  try {
    const stream = (file: string) =>
      streamAudit({ scan: { ...options.scan, facts }, policySet, suppressions, now, failOn, configHash, retain, file, write: { gzip: options.snapshotGzip === true } });
    let streamed: Awaited<ReturnType<typeof streamAudit>> | undefined;
    if (scratch === null) await writeWhole(snapshotFile, async (temporary) => void (streamed = await stream(temporary)));
    else streamed = await stream(snapshotFile);
    const { snapshot, summary, omitted } = streamed!;
    const drift = baselineFile === null ? null : await diffSnapshotFiles(baselineFile, snapshotFile);
    const reports: WrittenReport[] = [];
    if (reportDir !== undefined) {
      const rendered = formats.filter((format) => format !== "json");
      reports.push(
        ...(await writeReportsFromSnapshot(snapshotFile, {
          outDir: reportDir.path,
          dir: reportDir,
          formats: rendered,
          policies: policySet.policies,
          threads: await reportThreads(snapshotFile, rendered),
          ...(baselineFile !== null && drift !== null ? { baselineFile, drift } : {}),
          // With `--baseline latest`, the trend draws every earlier run beside the report folder.
          ...(options.baseline === "latest" && drift !== null ? { html: { history: await failureHistory(dirname(reportDir.path), reportDir.path) } } : {}),
        })),
      );
      if (keepJson) reports.unshift({ format: "json", file: snapshotFile });
    }
    const terraformDrift = declaration === undefined ? null : compareWithTerraform(declaration, snapshot);
    if (terraformDrift !== null && reportDir !== undefined) reports.push(...(await writeTerraformDriftReports(terraformDrift, reportDir.path, { dir: reportDir })));
    // A shard's findings are decided by `replguard merge` (docs/scale.md): the shard says only whether its part was read.
    const exitCode =
      options.scan?.shard !== undefined
        ? snapshot.coverage.complete ? ExitCode.Ok : ExitCode.Incomplete
        : auditExitCode(snapshot, summary, drift === null ? undefined : { drift, failOn: options.failOnDrift });
    return {
      snapshot,
      omitted,
      snapshotFile: keepJson ? snapshotFile : null,
      reports: sortReports(reports, formats),
      summary,
      exitCode: withTerraformExit(exitCode, terraformDrift, options.failOnDrift),
      drift,
      baselineFile,
      terraformDrift,
    };
  } finally {
    if (scratch !== null) await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Whether the reports render on two threads (render-threads.ts: by default from a snapshot file of
 * 32 MiB on two cores; `REPLGUARD_REPORT_THREADS=0|1` decides otherwise). With the worker coming,
 * the scan's leftovers are collected first (release.ts): at 100,000 buckets the worker's heap on top
 * of what the scan left uncollected took the peak to 441 MB.
 */
async function reportThreads(snapshotFile: string, formats: readonly ReportFormat[]): Promise<boolean> {
  const threads = workerFormats(formats).length > 0 && (await useReportThreads(snapshotFile, undefined));
  if (threads) collectBeforeReportWorker();
  return threads;
}

/** `snapshot.json`, or `snapshot.json.gz` gzipped. */
export const snapshotFileName = (gzip: boolean | undefined): string => (gzip === true ? `${REPORT_FILE_NAMES.json}.gz` : REPORT_FILE_NAMES.json);

/** Reports in the order the formats were asked for, drift documents after them (as writeReports lists them). */
function sortReports(reports: WrittenReport[], formats: readonly ReportFormat[]): WrittenReport[] {
  const rank = (format: string): number => (formats.includes(format as ReportFormat) ? formats.indexOf(format as ReportFormat) : formats.length);
  return reports.map((report, index) => ({ report, index })).sort((a, b) => rank(a.report.format) - rank(b.report.format) || a.index - b.index).map(({ report }) => report);
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
