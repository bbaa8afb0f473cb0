/**
 * Everything the report draws, in one view object for the template: the replication map, failures
 * by severity and by account, coverage, and (with a baseline) the trend of failures.
 */
import type { Drift, Snapshot } from "../model/index.js";
import { accountChart, coverageChart, severityChart, trendChart } from "./html-charts.js";
import { MAP_BUCKET_LIMIT, mapView } from "./html-map.js";
import { worstStatus, type ResultSummary } from "./summary.js";
import { countStatuses } from "./summary.js";

export function picturesView(snapshot: Snapshot, summary: ResultSummary, drift: Drift | undefined, mapLimit = MAP_BUCKET_LIMIT) {
  const accountNames = new Map(snapshot.accounts.map((a) => [a.id, a.name]));
  const worstOf = (arn: string) => worstStatus(countStatuses(summary.byBucket.get(arn) ?? []));
  const map = mapView(snapshot.buckets, accountNames, worstOf, mapLimit);
  return {
    map,
    bucketMap: map.mode === "buckets" ? map : null,
    accountMap: map.mode === "accounts" ? map : null,
    severity: severityChart(summary.bySeverity),
    byAccount: accountChart(snapshot.results, accountNames),
    coverage: coverageChart(snapshot.coverage),
    trend: trendChart(drift, summary.total.fail),
  };
}
