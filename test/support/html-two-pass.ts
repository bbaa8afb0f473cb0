/**
 * The HTML renderer as it was before it read the records once (src/report/html-stream.ts at
 * f5fa2f9, its first pass now imported from src/report/html-tally.ts, which kept it unchanged): the reference the one-pass page is compared
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
import type { BucketDocument, PolicyResult, SnapshotRecord } from "../../src/model/index.js";
import { driftView } from "../../src/report/html-drift.js";
import { printView } from "../../src/report/html-print.js";
import { accountView, bucketView, isClean, reportView } from "../../src/report/html-view.js";
import { ACCOUNTS_SLOT, BUCKETS_SLOT, DEFAULT_DETAILED_BUCKET_LIMIT, DEFAULT_LISTED_BUCKET_LIMIT, loadTemplates, PARTIAL_BUCKETS_SLOT, splitAt } from "../../src/report/html.js";
import type { ReportPolicy } from "../../src/report/policy-catalog.js";
import type { HtmlOptions } from "../../src/report/types.js";
// The first pass (the counts) is the one the one-pass page uses, unchanged by it: only the writing is kept as it was.
import { byOu, tallyRecords, type AccountTally, type HtmlTally } from "../../src/report/html-tally.js";

/**
 * One line per (policy, status) in an account at scale: the policy, and the name of every bucket it
 * fails, is suppressed on, or could not decide. Compiled here (escaped like every template) to
 * leave templates/ to the page's own layout; ~200 bytes a line and a name a finding, so 100,000
 * buckets stay under 20 MB (docs/reports.md).
 */
const findingsLine = Handlebars.create().compile(
  '<p class="findings {{status}}" data-severity="{{severity}}" data-status="{{status}}" data-count="{{count}}"><span class="badge {{status}}">{{count}} {{status}}</span> <code>{{policyId}}</code> {{title}}: <span class="mono">{{names}}</span></p>\n',
);

/**
 * The partly read buckets' table rows as the coverage template wrote them in one `{{#each}}` before
 * they were rendered a row at a time into a spill file (src/report/html-partial-rows.ts).
 */
const partialBucketRows = Handlebars.create().compile("{{#each partialBuckets}}<tr><td><code>{{arn}}</code></td><td>{{#each errors}}{{operation}}: {{code}}<br>{{/each}}</td></tr>{{/each}}");

async function partialBucketsOf(records: AsyncIterable<SnapshotRecord>): Promise<string> {
  const partialBuckets: Pick<BucketDocument, "arn" | "errors">[] = [];
  for await (const record of records) if (record.record === "bucket" && record.bucket.errors.length > 0) partialBuckets.push(record.bucket);
  return partialBucketRows({ partialBuckets });
}

/** Both passes (and a reading for the partly read buckets): `records` is called three times and must give the same records each time. */
export async function renderHtmlRecords(
  records: () => AsyncIterable<SnapshotRecord>,
  policies: readonly ReportPolicy[],
  write: (chunk: string) => Promise<void>,
  options: HtmlOptions = {},
): Promise<void> {
  await renderHtmlPage(await tallyRecords(records()), await partialBucketsOf(records()), records(), policies, write, options);
}

/** The second pass: the page, from the first pass's tally and the records read again. */
export async function renderHtmlPage(
  tally: HtmlTally,
  partialRows: string,
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
    partialBucketCount: tally.partialBucketCount,
    errorResultCount: tally.errorResultCount,
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
  await write(tally.partialBucketCount === 0 ? pageHead : splitAt(pageHead, PARTIAL_BUCKETS_SLOT, "partials/coverage.hbs").join(partialRows));

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
