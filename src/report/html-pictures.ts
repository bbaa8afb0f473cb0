/**
 * Everything the report draws, in one view object for the template: the replication map, failures
 * by severity and by account, coverage, and (with a baseline) the trend of failures. The streaming
 * HTML pass feeds a PicturesCollector one bucket at a time: it keeps the light map buckets only up
 * to the map's bucket limit (past it the map is drawn by account), so its memory does not grow
 * with the buckets.
 */
import type { Coverage, Drift, ResultStatus, Severity, Snapshot, StatusCounts } from "../model/index.js";
import { accountChart, coverageChart, severityChart, trendChart } from "./html-charts.js";
import { AccountMapBuilder, type MapBucket } from "./html-map-accounts.js";
import { bucketMapView, MAP_BUCKET_LIMIT } from "./html-map.js";
import { countStatuses, worstStatus, type ResultSummary } from "./summary.js";

/** What the pictures need besides the buckets: all of it is in the HTML pass's tally. */
export interface PictureTotals {
  accountNames: ReadonlyMap<string, string>;
  bySeverity: ReadonlyMap<Severity, StatusCounts>;
  /** Failing results per account id. */
  failuresByAccount: ReadonlyMap<string, number>;
  coverage: Coverage;
  failuresNow: number;
  drift: Drift | undefined;
  /** Earlier runs' failures, oldest first (HtmlOptions.history). */
  history?: readonly { finishedAt: string; failures: number }[];
}

export class PicturesCollector {
  private readonly accounts = new AccountMapBuilder();
  private buckets: { bucket: MapBucket; worst: ResultStatus | null }[] = [];
  private count = 0;

  constructor(private readonly mapLimit = MAP_BUCKET_LIMIT) {}

  add(bucket: MapBucket, worst: ResultStatus | null): void {
    this.count += 1;
    this.accounts.add(bucket, worst);
    if (this.count > this.mapLimit) this.buckets = [];
    else this.buckets.push({ bucket: lightBucket(bucket), worst });
  }

  view(totals: PictureTotals) {
    const worst = new Map(this.buckets.map(({ bucket, worst }) => [bucket.arn, worst]));
    const map =
      this.count > this.mapLimit
        ? this.accounts.view(totals.accountNames)
        : bucketMapView(this.buckets.map(({ bucket }) => bucket), totals.accountNames, (arn) => worst.get(arn) ?? null);
    return {
      map,
      bucketMap: map.mode === "buckets" ? map : null,
      accountMap: map.mode === "accounts" ? map : null,
      severity: severityChart(totals.bySeverity),
      byAccount: accountChart(totals.failuresByAccount, totals.accountNames),
      coverage: coverageChart(totals.coverage),
      trend: trendChart(totals.drift, totals.failuresNow, totals.history),
    };
  }
}

/** Only what the map reads, so a collected bucket does not hold its whole document. */
const lightBucket = ({ arn, name, region, account, replication }: MapBucket): MapBucket => ({
  arn,
  name,
  region,
  account,
  replication: replication === null ? null : { rules: replication.rules.map(({ id, enabled, destination }) => ({ id, enabled, destination })) },
});

/** The pictures of a whole snapshot in memory (tests, and callers that hold one). */
export function picturesView(snapshot: Snapshot, summary: ResultSummary, drift: Drift | undefined, mapLimit = MAP_BUCKET_LIMIT) {
  const collector = new PicturesCollector(mapLimit);
  for (const bucket of snapshot.buckets) collector.add(bucket, worstStatus(countStatuses(summary.byBucket.get(bucket.arn) ?? [])));
  return collector.view({
    accountNames: new Map(snapshot.accounts.map((a) => [a.id, a.name])),
    bySeverity: summary.bySeverity,
    failuresByAccount: failuresByAccount(snapshot.results),
    coverage: snapshot.coverage,
    failuresNow: summary.total.fail,
    drift,
  });
}

export function failuresByAccount(results: Iterable<{ status: ResultStatus; accountId: string }>): Map<string, number> {
  const failures = new Map<string, number>();
  for (const r of results) if (r.status === "fail") failures.set(r.accountId, (failures.get(r.accountId) ?? 0) + 1);
  return failures;
}

