/** Counts the HTML summary shows: results by status, by severity × status, and by policy × status. */
import { RESULT_STATUSES, SEVERITIES } from "../model/index.js";
import type { PolicyResult, ResultStatus, Severity, StatusCounts } from "../model/index.js";

export const emptyCounts = (): StatusCounts => ({ pass: 0, fail: 0, error: 0, not_applicable: 0, suppressed: 0 });

export interface ResultSummary {
  total: StatusCounts;
  bySeverity: Map<Severity, StatusCounts>;
  byPolicy: Map<string, StatusCounts>;
  /** Results per bucket ARN, in snapshot order (for the per-bucket views). */
  byBucket: Map<string, PolicyResult[]>;
}

/** One pass over the results; the per-bucket lists hold references, not copies. */
export function summariseResults(results: readonly PolicyResult[]): ResultSummary {
  const summary: ResultSummary = {
    total: emptyCounts(),
    bySeverity: new Map(SEVERITIES.map((s) => [s, emptyCounts()])),
    byPolicy: new Map(),
    byBucket: new Map(),
  };
  for (const result of results) {
    summary.total[result.status] += 1;
    summary.bySeverity.get(result.severity)![result.status] += 1;
    let policyCounts = summary.byPolicy.get(result.policyId);
    if (!policyCounts) summary.byPolicy.set(result.policyId, (policyCounts = emptyCounts()));
    policyCounts[result.status] += 1;
    let bucketResults = summary.byBucket.get(result.bucketArn);
    if (!bucketResults) summary.byBucket.set(result.bucketArn, (bucketResults = []));
    bucketResults.push(result);
  }
  return summary;
}

/** Status shown first for a bucket or account: the worst one present. */
const STATUS_RANK: Record<ResultStatus, number> = { fail: 0, error: 1, suppressed: 2, pass: 3, not_applicable: 4 };

export function worstStatus(counts: StatusCounts): ResultStatus | null {
  const present = RESULT_STATUSES.filter((s) => counts[s] > 0);
  return present.sort((a, b) => STATUS_RANK[a] - STATUS_RANK[b])[0] ?? null;
}

export function countStatuses(results: readonly PolicyResult[]): StatusCounts {
  const counts = emptyCounts();
  for (const result of results) counts[result.status] += 1;
  return counts;
}
