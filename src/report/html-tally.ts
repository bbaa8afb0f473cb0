/**
 * The HTML report's counts, fed one snapshot record at a time: by status, severity, policy and
 * account, and what the page head names (errors, partly read buckets, accounts), with the map's
 * and charts' input. Its page is written once they are complete (html-stream.ts).
 */
import type { AccountRecord, AccountRef, BucketDocument, PolicyResult, SnapshotHeader, SnapshotRecord, SnapshotTrailer, StatusCounts } from "../model/index.js";
import { RESULT_STATUSES, SEVERITIES } from "../model/index.js";
import { PicturesCollector } from "./html-pictures.js";
import { isClean } from "./html-view.js";
import { emptyCounts, worstStatus, type ResultSummary } from "./summary.js";

export interface AccountTally {
  account: AccountRecord;
  counts: StatusCounts;
  buckets: number;
  clean: number;
  /** Results without a bucket document, by bucket ARN: shown under placeholder buckets. */
  orphans: Map<string, PolicyResult[]>;
}

/** What the first pass learns. */
export interface HtmlTally {
  header: SnapshotHeader;
  trailer: SnapshotTrailer;
  accounts: AccountRecord[];
  summary: Omit<ResultSummary, "byBucket">;
  perAccount: Map<string, AccountTally>;
  /** How many buckets were read partly (their rows wait in a spill file: html-partial-rows.ts). */
  partialBucketCount: number;
  errorResultCount: number;
  buckets: number;
  results: number;
  /** The map's and charts' input, fed bucket by bucket. */
  pictures: PicturesCollector;
}

const unknownAccount = ({ id, name, ouPath, tags }: AccountRef): AccountRecord => ({
  id, name, ouPath, tags, email: null, status: "UNKNOWN", scope: "in-scope", scopeReason: null,
  scan: "scanned", access: null, bucketCount: 0, errors: [],
});

/** The first pass, fed one record at a time (alone, or beside the other reports in one shared pass). */
export class HtmlTallier {
  private header: SnapshotHeader | null = null;
  private trailer: SnapshotTrailer | null = null;
  private readonly accounts: AccountRecord[] = [];
  private readonly summary = { total: emptyCounts(), bySeverity: new Map(SEVERITIES.map((s) => [s, emptyCounts()])), byPolicy: new Map<string, StatusCounts>() };
  private readonly perAccount = new Map<string, AccountTally>();
  private partialBucketCount = 0;
  private errorResultCount = 0;
  private readonly pictures = new PicturesCollector();
  private current: { arn: string; account: AccountTally; clean: boolean; bucket: BucketDocument; counts: StatusCounts } | null = null;
  private buckets = 0;
  private results = 0;

  private tally(ref: AccountRef): AccountTally {
    let entry = this.perAccount.get(ref.id);
    if (entry === undefined) this.perAccount.set(ref.id, (entry = { account: unknownAccount(ref), counts: emptyCounts(), buckets: 0, clean: 0, orphans: new Map() }));
    return entry;
  }

  private closeBucket(): void {
    const current = this.current;
    if (current === null) return;
    if (current.clean) current.account.clean++;
    this.pictures.add(current.bucket, worstStatus(current.counts));
    this.current = null;
  }

  add(record: SnapshotRecord): void {
    if (record.record === "header") this.header = record;
    else if (record.record === "account") {
      this.accounts.push(record.account);
      this.perAccount.set(record.account.id, { account: record.account, counts: emptyCounts(), buckets: 0, clean: 0, orphans: new Map() });
    } else if (record.record === "bucket") {
      this.closeBucket();
      this.buckets++;
      const account = this.tally(record.bucket.account);
      account.buckets++;
      this.current = { arn: record.bucket.arn, account, clean: true, bucket: record.bucket, counts: emptyCounts() };
      if (record.bucket.errors.length > 0) this.partialBucketCount++;
    } else if (record.record === "result") this.result(record.result);
    else {
      this.closeBucket();
      this.trailer = record;
    }
  }

  private result(result: PolicyResult): void {
    const summary = this.summary;
    this.results++;
    summary.total[result.status]++;
    summary.bySeverity.get(result.severity)![result.status]++;
    let policy = summary.byPolicy.get(result.policyId);
    if (policy === undefined) summary.byPolicy.set(result.policyId, (policy = emptyCounts()));
    policy[result.status]++;
    if (result.status === "error") this.errorResultCount++;
    let account: AccountTally;
    const bucket = this.current;
    if (bucket !== null && bucket.arn === result.bucketArn) {
      account = bucket.account;
      bucket.counts[result.status]++;
      if (!isClean([result])) bucket.clean = false;
    } else {
      account = this.tally(this.perAccount.get(result.accountId)?.account ?? { id: result.accountId, name: result.accountId, ouPath: "unknown", tags: {} });
      const list = account.orphans.get(result.bucketArn) ?? [];
      list.push(result);
      account.orphans.set(result.bucketArn, list);
    }
    account.counts[result.status]++;
  }

  finish(): HtmlTally {
    const { header, trailer } = this;
    if (header === null || trailer === null) throw new Error("a snapshot without its header or trailer reached the report");
    const { accounts, summary, perAccount, partialBucketCount, errorResultCount, buckets, results, pictures } = this;
    return { header, trailer, accounts, summary, perAccount, partialBucketCount, errorResultCount, buckets, results, pictures };
  }
}

/** The first pass over its own reading of the records. */
export async function tallyRecords(records: AsyncIterable<SnapshotRecord>): Promise<HtmlTally> {
  const tallier = new HtmlTallier();
  for await (const record of records) tallier.add(record);
  return tallier.finish();
}

/** Results by organizational unit (the account's OU path), with its accounts and buckets: sorted by path. */
export function byOu(tally: HtmlTally): { ouPath: string; accounts: number; buckets: number; counts: { status: string; count: number }[] }[] {
  const groups = new Map<string, { accounts: number; buckets: number; counts: StatusCounts }>();
  for (const { account, counts, buckets, orphans } of tally.perAccount.values()) {
    const ouPath = account.ouPath || "(none)";
    const group = groups.get(ouPath) ?? { accounts: 0, buckets: 0, counts: emptyCounts() };
    group.accounts++;
    group.buckets += buckets + orphans.size;
    for (const status of RESULT_STATUSES) group.counts[status] += counts[status];
    groups.set(ouPath, group);
  }
  return [...groups]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([ouPath, group]) => ({ ouPath, accounts: group.accounts, buckets: group.buckets, counts: RESULT_STATUSES.map((status) => ({ status, count: group.counts[status] })) }));
}

