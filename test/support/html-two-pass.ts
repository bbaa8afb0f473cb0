/**
 * The HTML renderer as it was before it read the records once (src/report/html-stream.ts at
 * f5fa2f9, kept unchanged apart from its imports): the reference the one-pass page is compared
 * with, byte for byte (test/report/html-one-pass.test.ts).
 *
 * `report.html` from a stream of snapshot records, in two passes over them, each holding one bucket
 * at a time: the first counts (by status, severity, policy, account) and gathers what the page
 * head names (errors, partly read buckets, accounts); the second writes the page, each account's
 * section in account id order with its buckets as their records come. Above the listed-bucket
 * limit, a bucket whose results all pass or do not apply is counted in its account, not listed,
 * and every other bucket is one line naming the policies it fails, is suppressed on or could not
 * decide, with counts of all its results: the file stays openable at 100,000 buckets, and the CSV
 * and the snapshot keep every result with its message and evidence.
 */
import Handlebars from "handlebars";
import { unreadBucketDocument } from "../../src/model/index.js";
import type { AccountRecord, AccountRef, BucketDocument, PolicyResult, SnapshotHeader, SnapshotRecord, SnapshotTrailer, StatusCounts } from "../../src/model/index.js";
import { driftView } from "../../src/report/html-drift.js";
import { PicturesCollector } from "../../src/report/html-pictures.js";
import { printView } from "../../src/report/html-print.js";
import { accountView, bucketView, isClean, reportView } from "../../src/report/html-view.js";
import { ACCOUNTS_SLOT, BUCKETS_SLOT, DEFAULT_DETAILED_BUCKET_LIMIT, DEFAULT_LISTED_BUCKET_LIMIT, loadTemplates, splitAt } from "../../src/report/html.js";
import type { ReportPolicy } from "../../src/report/policy-catalog.js";
import { emptyCounts, worstStatus, type ResultSummary } from "../../src/report/summary.js";
import { RESULT_STATUSES, SEVERITIES } from "../../src/model/index.js";
import type { HtmlOptions } from "../../src/report/types.js";

interface AccountTally {
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
  partialBuckets: BucketDocument[];
  errorResults: PolicyResult[];
  buckets: number;
  results: number;
  /** The map's and charts' input, fed bucket by bucket. */
  pictures: PicturesCollector;
}

/**
 * One line per (policy, status) in an account at scale: the policy, and the name of every bucket it
 * fails, is suppressed on, or could not decide. Compiled here (escaped like every template) to
 * leave templates/ to the page's own layout; ~200 bytes a line and a name a finding, so 100,000
 * buckets stay under 20 MB (docs/reports.md).
 */
const findingsLine = Handlebars.create().compile(
  '<p class="findings {{status}}" data-severity="{{severity}}" data-status="{{status}}" data-count="{{count}}"><span class="badge {{status}}">{{count}} {{status}}</span> <code>{{policyId}}</code> {{title}}: <span class="mono">{{names}}</span></p>\n',
);

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
  private readonly partialBuckets: BucketDocument[] = [];
  private readonly errorResults: PolicyResult[] = [];
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
      if (record.bucket.errors.length > 0) this.partialBuckets.push(record.bucket);
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
    if (result.status === "error") this.errorResults.push(result);
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
    const { accounts, summary, perAccount, partialBuckets, errorResults, buckets, results, pictures } = this;
    return { header, trailer, accounts, summary, perAccount, partialBuckets, errorResults, buckets, results, pictures };
  }
}

/** The first pass over its own reading of the records. */
export async function tallyRecords(records: AsyncIterable<SnapshotRecord>): Promise<HtmlTally> {
  const tallier = new HtmlTallier();
  for await (const record of records) tallier.add(record);
  return tallier.finish();
}

/** Results by organizational unit (the account's OU path), with its accounts and buckets: sorted by path. */
function byOu(tally: HtmlTally): { ouPath: string; accounts: number; buckets: number; counts: { status: string; count: number }[] }[] {
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

/** Both passes: `records` is called twice and must give the same records each time. */
export async function renderHtmlRecords(
  records: () => AsyncIterable<SnapshotRecord>,
  policies: readonly ReportPolicy[],
  write: (chunk: string) => Promise<void>,
  options: HtmlOptions = {},
): Promise<void> {
  await renderHtmlPage(await tallyRecords(records()), records(), policies, write, options);
}

/** The second pass: the page, from the first pass's tally and the records read again. */
export async function renderHtmlPage(
  tally: HtmlTally,
  records: AsyncIterable<SnapshotRecord>,
  policies: readonly ReportPolicy[],
  write: (chunk: string) => Promise<void>,
  options: HtmlOptions = {},
): Promise<void> {
  const t = loadTemplates();
  const policyById = new Map(policies.map((p) => [p.id, p]));
  const compactClean = tally.buckets > (options.detailedBucketLimit ?? DEFAULT_DETAILED_BUCKET_LIMIT);
  const collapse = tally.buckets > (options.listedBucketLimit ?? DEFAULT_LISTED_BUCKET_LIMIT);
  const snapshotHead = {
    ...tally.header,
    ...tally.trailer,
    accounts: tally.accounts,
    buckets: tally.partialBuckets,
    results: tally.errorResults,
  };
  const view = reportView(snapshotHead, policies, { ...tally.summary, byBucket: new Map() }, tally.results);
  const drift = options.drift === undefined ? null : driftView(options.drift);
  const accountNames = new Map(tally.accounts.map((a) => [a.id, a.name]));
  const pictures = tally.pictures.view({
    accountNames,
    bySeverity: tally.summary.bySeverity,
    failuresByAccount: new Map([...tally.perAccount].filter(([, section]) => section.counts.fail > 0).map(([id, section]) => [id, section.counts.fail])),
    coverage: tally.trailer.coverage,
    failuresNow: tally.summary.total.fail,
    drift: options.drift,
    ...(options.history === undefined ? {} : { history: options.history }),
  });
  const print = printView(snapshotHead, policies);
  const page = t.page({ ...view, drift, pictures, print, csp: t.csp, data: { accounts: view.accountOptions }, compactClean: compactClean && !collapse, collapse, bucketCount: tally.buckets, byOu: byOu(tally) });
  const [pageHead, pageTail] = splitAt(page, ACCOUNTS_SLOT, "report.html.hbs");
  await write(pageHead);

  const sections = [...tally.perAccount.values()].sort((a, b) => (a.account.id < b.account.id ? -1 : a.account.id > b.account.id ? 1 : 0));
  let next = 0;
  let open: { tally: AccountTally; tail: string } | null = null;
  const openSection = async (section: AccountTally): Promise<void> => {
    const [head, tail] = splitAt(t.account(accountView(section.account, section, collapse)), BUCKETS_SLOT, "account.html.hbs");
    await write(head);
    open = { tally: section, tail };
  };
  const closeSection = async (): Promise<void> => {
    if (open === null) return;
    const { tally: section, tail } = open as { tally: AccountTally; tail: string };
    for (const [arn, results] of section.orphans) {
      const first = results[0]!;
      const placeholder = unreadBucketDocument(first.bucket, first.region, { id: section.account.id, name: section.account.name, ouPath: section.account.ouPath, tags: section.account.tags });
      if (placeholder.arn !== arn) placeholder.arn = arn;
      await writeBucket(placeholder, results);
    }
    await writeFindings();
    await write(tail);
    open = null;
  };
  /** Opens sections up to the account's own (each account's buckets come together, in id order). */
  const reach = async (accountId: string): Promise<void> => {
    while ((open as { tally: AccountTally } | null)?.tally.account.id !== accountId && next < sections.length) {
      await closeSection();
      await openSection(sections[next++]!);
    }
  };
  /** At scale, the open account's buckets by (policy, status) of each finding or error, written when the section closes. */
  let findings = new Map<string, string[]>();
  const writeBucket = async (bucket: BucketDocument, results: PolicyResult[]): Promise<void> => {
    const clean = isClean(results);
    if (!collapse) return write(t.bucket(bucketView(bucket, results, policyById, compactClean && clean)));
    for (const result of results) {
      if (isClean([result])) continue;
      // The severity too: a pack may give one policy another severity on some buckets.
      const key = `${result.policyId}\u0000${result.status}\u0000${result.severity}`;
      const names = findings.get(key) ?? [];
      names.push(bucket.name);
      findings.set(key, names);
    }
  };
  const writeFindings = async (): Promise<void> => {
    const lines = [...findings].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [key, names] of lines) {
      const [policyId, status, severity] = key.split("\u0000") as [string, PolicyResult["status"], PolicyResult["severity"]];
      await write(findingsLine({ policyId, status, severity, title: policyById.get(policyId)?.title ?? policyId, count: names.length, names: names.join(" ") }));
    }
    findings = new Map();
  };

  let bucket: BucketDocument | null = null;
  let results: PolicyResult[] = [];
  const flush = async (): Promise<void> => {
    if (bucket !== null) await writeBucket(bucket, results);
    bucket = null;
    results = [];
  };
  for await (const record of records) {
    if (record.record === "bucket") {
      await flush();
      await reach(record.bucket.account.id);
      bucket = record.bucket;
    } else if (record.record === "result" && bucket !== null && (bucket as BucketDocument).arn === record.result.bucketArn) {
      results.push(record.result);
    }
  }
  await flush();
  await closeSection();
  while (next < sections.length) {
    await openSection(sections[next++]!);
    await closeSection();
  }
  await write(pageTail);
}
