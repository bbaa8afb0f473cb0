/**
 * View models for the HTML templates: plain objects whose strings are rendered with `{{ }}` (escaped).
 * Nothing here produces HTML; the templates do.
 */
import { RESULT_STATUSES, SEVERITIES } from "../model/index.js";
import type { AccountRecord, BucketDocument, PolicyResult, Snapshot, StatusCounts } from "../model/index.js";
import type { ReportPolicy } from "./policy-catalog.js";
import { countStatuses, emptyCounts, worstStatus, type ResultSummary } from "./summary.js";
import { completenessOf } from "./completeness.js";
import { withoutUserInfo } from "../url.js";

const entries = (map: Record<string, string> | null | undefined): { key: string; value: string }[] =>
  Object.entries(map ?? {}).map(([key, value]) => ({ key, value }));

/** Compact JSON for values shown in the evidence column (escaped by the template). */
const showValue = (value: unknown): string => JSON.stringify(value ?? null);

export const STATUS_LABELS = { pass: "pass", fail: "fail", error: "error", not_applicable: "n/a", suppressed: "suppressed" } as const;
const statusColumns = RESULT_STATUSES.map((status) => ({ status, label: STATUS_LABELS[status] }));
const countsRow = (counts: StatusCounts) => RESULT_STATUSES.map((status) => ({ status, count: counts[status] }));

function duration(startedAt: string, finishedAt: string): string {
  const ms = Date.parse(finishedAt) - Date.parse(startedAt);
  if (!Number.isFinite(ms) || ms < 0) return "unknown";
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}

/** Why an account was not (fully) read, in words. */
function notScannedReason(account: AccountRecord): string {
  if (account.scope === "suspended") return `suspended (${account.status})`;
  if (account.scope === "excluded") return account.scopeReason ?? "excluded by a filter";
  const error = account.errors[0];
  if (error) return `${error.operation} failed: ${error.code}`;
  return account.scan;
}

/**
 * The page head's input: the snapshot's header, trailer and accounts, with counts of its partly read
 * buckets and of its `error` results in place of its buckets and results (the body streams those;
 * the partly read buckets' rows are copied into the head's table: html-partial-rows.ts).
 */
export type ReportHead = Omit<Snapshot, "buckets" | "results"> & { partialBucketCount: number; errorResultCount: number };

/** `totalResults`: how many results the snapshot has. */
export function reportView(snapshot: ReportHead, policies: readonly ReportPolicy[], summary: ResultSummary, totalResults: number) {
  const { scan, coverage } = snapshot;
  const completeness = completenessOf(coverage.complete, snapshot.errorResultCount);
  const policyRows = policies.map((policy) => {
    const info = policy.info;
    return {
      id: policy.id,
      title: policy.title,
      severity: policy.severity,
      hash: policy.hash,
      source: policy.source,
      known: info !== null,
      description: info?.description ?? null,
      rationale: info?.rationale ?? null,
      frameworks: Object.entries(info?.frameworks ?? {}).map(([name, controls]) => ({ name, controls: controls.join(", ") })),
      links: info?.links ?? [],
      counts: countsRow(summary.byPolicy.get(policy.id) ?? emptyCounts()),
    };
  });
  return {
    tool: snapshot.tool,
    scan: {
      ...scan,
      endpoint: scan.endpoint === null ? null : withoutUserInfo(scan.endpoint),
      duration: duration(scan.startedAt, scan.finishedAt),
      regionsText: scan.regions?.join(", ") ?? "all regions",
      filtersText: filtersText(snapshot),
    },
    configHash: snapshot.configHash,
    failOn: snapshot.failOn,
    schemaVersion: snapshot.schemaVersion,
    coverage,
    complete: completeness.complete,
    coverageComplete: completeness.coverageComplete,
    errorResultCount: snapshot.errorResultCount,
    statusColumns,
    total: countsRow(summary.total),
    totalResults,
    bySeverity: SEVERITIES.map((severity) => ({ severity, counts: countsRow(summary.bySeverity.get(severity)!) })),
    policies: policyRows,
    notScanned: snapshot.accounts
      .filter((a) => a.scan !== "scanned")
      .map((a) => ({ id: a.id, name: a.name, ouPath: a.ouPath, scope: a.scope, scan: a.scan, reason: notScannedReason(a) })),
    partialBucketCount: snapshot.partialBucketCount,
    activeSuppressions: snapshot.activeSuppressions ?? [],
    expiredSuppressions: snapshot.expiredSuppressions,
    severities: SEVERITIES,
    accountOptions: snapshot.accounts.map((a) => ({ id: a.id, name: a.name })),
  };
}

function filtersText(snapshot: Pick<Snapshot, "scan">): string {
  const { filters } = snapshot.scan;
  const parts: string[] = [];
  if (filters.accounts.length) parts.push(`accounts ${filters.accounts.join(", ")}`);
  if (filters.excludeAccounts.length) parts.push(`excluding ${filters.excludeAccounts.join(", ")}`);
  if (filters.ous.length) parts.push(`OUs ${filters.ous.join(", ")}`);
  return parts.length ? parts.join("; ") : "none";
}

/**
 * `tally`: the account's result counts and buckets (with its buckets without a document); with
 * `collapse`, its clean buckets are counted in one line instead of listed.
 */
export function accountView(account: AccountRecord, tally: { counts: StatusCounts; buckets: number; clean: number; orphans: ReadonlyMap<string, unknown> }, collapse = false) {
  const counts = tally.counts;
  return {
    ...account,
    tagList: entries(account.tags),
    bucketsShown: tally.buckets + tally.orphans.size,
    cleanCollapsed: collapse ? tally.clean : 0,
    counts: countsRow(counts).filter((c) => c.count > 0),
    worst: worstStatus(counts),
    notScannedReason: account.scan === "scanned" ? null : notScannedReason(account),
  };
}

/** A bucket with nothing to act on: every result passes or does not apply. */
export const isClean = (results: readonly PolicyResult[]): boolean =>
  results.every((r) => r.status === "pass" || r.status === "not_applicable");

/** A policy by id (a Map of them, or the report's catalog as it grows). */
export interface PolicyLookup {
  get(id: string): ReportPolicy | undefined;
}

/**
 * `compact`: one line (name, region, counts) instead of facts and a results table; `results` then
 * carries `severity:status` tokens so the filters still count its results.
 */
export function bucketView(
  bucket: BucketDocument,
  results: readonly PolicyResult[],
  policies: PolicyLookup,
  compact = false,
  /** Every result of the bucket, when `results` shows only some (its findings and errors): the counts are of all. */
  allResults: readonly PolicyResult[] = results,
) {
  const counts = countStatuses(allResults);
  const worst = worstStatus(counts);
  if (compact) {
    return {
      compact: true,
      arn: bucket.arn,
      name: bucket.name,
      region: bucket.region,
      accountId: bucket.account.id,
      isReplicaDestination: bucket.isReplicaDestination,
      counts: countsRow(counts).filter((c) => c.count > 0),
      resultTokens: results.map((r) => `${r.severity}:${r.status}`).join(" "),
    };
  }
  return {
    compact: false,
    arn: bucket.arn,
    name: bucket.name,
    region: bucket.region,
    accountId: bucket.account.id,
    accountName: bucket.account.name,
    tagList: entries(bucket.tags),
    tagsUnknown: bucket.tags === null,
    versioning: bucket.versioning ? `${bucket.versioning.status} (MFA delete ${bucket.versioning.mfaDelete})` : "unknown",
    objectLock: bucket.objectLock
      ? `${bucket.objectLock.enabled ? "enabled" : "disabled"}${bucket.objectLock.mode ? `, ${bucket.objectLock.mode} ${bucket.objectLock.days ?? bucket.objectLock.years ?? ""}${bucket.objectLock.days ? " days" : bucket.objectLock.years ? " years" : ""}` : ""}`
      : bucket.collected?.includes("objectLock") ? "not enabled" : "not collected",
    isReplicaDestination: bucket.isReplicaDestination,
    replicatedFrom: bucket.replicatedFrom ?? [],
    replication: bucket.replication
      ? { configured: bucket.replication.configured, role: bucket.replication.role, rules: bucket.replication.rules.map(ruleView) }
      : null,
    errors: bucket.errors,
    counts: countsRow(counts).filter((c) => c.count > 0),
    worst,
    open: worst === "fail" || worst === "error",
    results: results.map((result) => resultView(result, policies.get(result.policyId))),
  };
}

type Rule = NonNullable<BucketDocument["replication"]>["rules"][number];

function ruleView(rule: Rule) {
  const d = rule.destination;
  return {
    id: rule.id,
    enabled: rule.enabled,
    scope: rule.prefix ? `${rule.scope} (prefix ${rule.prefix})` : rule.scope,
    destination: d.bucketArn,
    destinationAccount: d.account ?? "unknown",
    destinationRegion: d.region ?? "unknown",
    resolution: d.resolution,
    crossAccount: d.crossAccount,
    crossRegion: d.crossRegion,
    deleteMarkerReplication: rule.deleteMarkerReplication,
    rtc: d.replicationTime.enabled,
  };
}

function resultView(result: PolicyResult, policy: ReportPolicy | undefined) {
  const finding = result.status === "fail" || result.status === "suppressed";
  return {
    policyId: result.policyId,
    title: policy?.title ?? result.policyId,
    severity: result.severity,
    status: result.status,
    message: result.message,
    evidence: result.evidence.map((e) => ({ pointer: e.pointer, actual: showValue(e.actual), expected: e.expected })),
    suppression: result.suppression,
    remediation: finding ? (policy?.info?.remediation ?? null) : null,
    remediationUnknown: finding && !policy?.info,
  };
}
