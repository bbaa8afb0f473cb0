/**
 * The audit's middle, streamed: each bucket document the scan hands on is evaluated at once and
 * appended with its results to the snapshot file, then dropped. What stays in memory is small per
 * run (counts, suppression matches, the accounts) unless the caller asks to keep everything.
 */
import { BUCKET_DOCUMENT_SCHEMA_VERSION, SEVERITIES, SNAPSHOT_SCHEMA_VERSION, type BucketDocument, type PolicyResult, type Severity, type Snapshot, type SnapshotHeader, type Suppression } from "../model/index.js";
import { evaluateBucket, policyRefs, SuppressionTracker, type PolicySet } from "../policy/index.js";
import { emptyCounts, SnapshotWriter, type SnapshotWriteOptions } from "../report/index.js";
import { scan, type ScanOptions } from "../scan/index.js";
import { toolVersion } from "../version.js";

/**
 * What `AuditResult.snapshot` holds: `all` (every document and result, as before: memory grows with
 * the organization), or `summary` (the accounts, coverage and policies, but only the first
 * `SUMMARY_LIMIT` buckets that were partly read and `error` results, with the number of the others
 * in `omitted`: what the CLI's summary names, which shows ten). The snapshot file always has everything.
 */
export type SnapshotRetention = "all" | "summary";

export interface AuditSummary {
  counts: Record<PolicyResult["status"], number>;
  /** Failures by severity (suppressed findings excluded). */
  failuresBySeverity: Record<Severity, number>;
  failuresAtOrAboveFailOn: number;
}

/** Partly read buckets and `error` results left out of a `summary` snapshot (past the limit). */
export interface Omitted {
  buckets: number;
  results: number;
}

/** Partly read buckets and error results a `summary` snapshot keeps: a thousand-account run with a denied call everywhere stays small. */
export const SUMMARY_LIMIT = 100;

export interface StreamedAudit {
  snapshot: Snapshot;
  summary: AuditSummary;
  omitted: Omitted;
}

const severityRank = (severity: Severity): number => SEVERITIES.indexOf(severity);

/** A running summary: results are added as they are made. */
export class SummaryCounter {
  readonly summary: AuditSummary = {
    counts: emptyCounts(),
    failuresBySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>,
    failuresAtOrAboveFailOn: 0,
  };

  constructor(private readonly failOn: Severity) {}

  add(result: PolicyResult): void {
    this.summary.counts[result.status] += 1;
    if (result.status !== "fail") return;
    this.summary.failuresBySeverity[result.severity] += 1;
    if (severityRank(result.severity) <= severityRank(this.failOn)) this.summary.failuresAtOrAboveFailOn += 1;
  }
}

export interface StreamAuditOptions {
  scan: ScanOptions;
  policySet: PolicySet;
  suppressions: Suppression[];
  now: Date;
  failOn: Severity;
  configHash: string;
  retain: SnapshotRetention;
  /** Where the snapshot is written (the caller renames it into place). */
  file: string;
  write?: SnapshotWriteOptions;
  /** With `summary`: how many partly read buckets and error results to keep (default SUMMARY_LIMIT). */
  summaryLimit?: number;
}

/** Scans, evaluates and writes the snapshot file as the buckets come; returns what `retain` keeps. */
export async function streamAudit(options: StreamAuditOptions): Promise<StreamedAudit> {
  const { policySet, suppressions, now, failOn, retain } = options;
  const writer = new SnapshotWriter(options.file, options.write);
  const tracker = new SuppressionTracker(suppressions, now);
  const counter = new SummaryCounter(failOn);
  const kept: { buckets: BucketDocument[]; results: PolicyResult[] } = { buckets: [], results: [] };
  const omitted: Omitted = { buckets: 0, results: 0 };
  const limit = options.summaryLimit ?? SUMMARY_LIMIT;
  let header: SnapshotHeader | null = null;
  try {
    const scanned = await scan({
      ...options.scan,
      onScanned: async ({ scan: info, accounts }) => {
        header = {
          kind: "replguard-snapshot",
          schemaVersion: SNAPSHOT_SCHEMA_VERSION,
          bucketDocumentSchemaVersion: BUCKET_DOCUMENT_SCHEMA_VERSION,
          tool: { name: "replguard", version: toolVersion },
          scan: info,
          configHash: options.configHash,
          failOn,
          policies: policyRefs(policySet),
        };
        await writer.header(header);
        for (const account of accounts) await writer.account(account);
        // The caller's own hook (the memory bench marks the phase with it) still runs.
        await options.scan.onScanned?.({ scan: info, accounts });
      },
      onBucket: async (doc) => {
        // evaluateBucket gives a fresh array each call: nothing to copy.
        const results = evaluateBucket(policySet, doc, { suppressions, now });
        for (const result of results) {
          tracker.observe(result);
          counter.add(result);
        }
        await writer.bucket(doc, results);
        if (retain === "all") {
          kept.buckets.push(doc);
          kept.results.push(...results);
        } else {
          if (doc.errors.length > 0) {
            if (kept.buckets.length < limit) kept.buckets.push(doc);
            else omitted.buckets++;
          }
          for (const result of results) {
            if (result.status !== "error") continue;
            if (kept.results.length < limit) kept.results.push(result);
            else omitted.results++;
          }
        }
      },
    });
    const trailer = { coverage: scanned.coverage, activeSuppressions: tracker.active(), expiredSuppressions: tracker.expired() };
    await writer.finish(trailer);
    if (header === null) throw new Error("the scan finished without handing on its accounts");
    const snapshot: Snapshot = { ...(header as SnapshotHeader), accounts: scanned.accounts, buckets: kept.buckets, results: kept.results, ...trailer };
    return { snapshot, summary: counter.summary, omitted };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
