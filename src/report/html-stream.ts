/**
 * `report.html` from one reading of a snapshot's records, one bucket at a time: the counts (by
 * status, severity, policy, account) and what the page head names are gathered (html-tally.ts)
 * while each bucket's listing is written to a spill file (html-body.ts); then the page is written,
 * its head from the counts, each account's section in account id order with its buckets' listing
 * copied from the spill file. Above the listed-bucket limit, a bucket whose results all pass or do
 * not apply is counted in its account, not listed, and every other bucket is one line naming the
 * policies it fails, is suppressed on or could not decide, with counts of all its results: the
 * file stays openable at 100,000 buckets, and the CSV and the snapshot keep every result with its
 * message and evidence.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import Handlebars from "handlebars";
import { unreadBucketDocument } from "../model/index.js";
import type { PolicyResult, SnapshotRecord } from "../model/index.js";
import { addFindings, bodyLimits, bodyMode, HtmlBody, type Findings } from "./html-body.js";
import { driftView } from "./html-drift.js";
import type { PageOutput } from "./html-spill.js";
import { printView } from "./html-print.js";
import { byOu, HtmlTallier, type AccountTally, type HtmlTally } from "./html-tally.js";
import { accountView, bucketView, isClean, reportView, type PolicyLookup } from "./html-view.js";
import { PartialBucketRows } from "./html-partial-rows.js";
import { ACCOUNTS_SLOT, BUCKETS_SLOT, loadTemplates, PARTIAL_BUCKETS_SLOT, splitAt } from "./html.js";
import type { ReportPolicy } from "./policy-catalog.js";
import type { HtmlOptions } from "./types.js";

export { HtmlTallier, type HtmlTally } from "./html-tally.js";

/**
 * One line per (policy, status) in an account at scale: the policy, and the name of every bucket it
 * fails, is suppressed on, or could not decide. Compiled here (escaped like every template) to
 * leave templates/ to the page's own layout; ~200 bytes a line and a name a finding, so 100,000
 * buckets stay under 20 MB (docs/reports.md).
 */
const findingsLine = Handlebars.create().compile(
  '<p class="findings {{status}}" data-severity="{{severity}}" data-status="{{status}}" data-count="{{count}}"><span class="badge {{status}}">{{count}} {{status}}</span> <code>{{policyId}}</code> {{title}}: <span class="mono">{{names}}</span></p>\n',
);


/** The page, fed one record at a time (alone, or beside the other reports in one shared pass). */
export class HtmlRenderer {
  private readonly tallier = new HtmlTallier();
  private readonly body: HtmlBody;
  private readonly partialRows: PartialBucketRows;

  /**
   * `near`: a file in the folder for the spill files (the report's temporary file; else the system's
   * temporary folder); `policy`: a policy by id as the records come; `expectedBuckets`: the
   * snapshot's bucket count when known beforehand (its trailer), so only the listing that applies is kept.
   */
  constructor(near: string | null, policy: PolicyLookup, private readonly options: HtmlOptions = {}, expectedBuckets?: number) {
    const spillNear = near ?? join(tmpdir(), "replguard-report.html");
    this.body = new HtmlBody(spillNear, policy, bodyLimits(options), expectedBuckets);
    this.partialRows = new PartialBucketRows(spillNear, loadTemplates().partialBucket);
  }

  add(record: SnapshotRecord): void {
    this.tallier.add(record);
    this.body.add(record);
    if (record.record === "bucket") this.partialRows.add(record.bucket);
  }

  /** After the last record: writes the page to `output`, then removes the spill files (also when it fails). */
  async finish(policies: readonly ReportPolicy[], output: PageOutput): Promise<void> {
    try {
      this.body.end();
      await renderHtmlPage(this.tallier.finish(), this.body, this.partialRows, policies, output, this.options);
    } finally {
      await this.discard();
    }
  }

  /** After a failure: removes the spill files. */
  abort(): Promise<void> {
    return this.discard();
  }

  private async discard(): Promise<void> {
    await this.body.discard();
    await this.partialRows.discard();
  }
}

/** The page from one reading of `records`. */
export async function renderHtmlRecords(
  records: AsyncIterable<SnapshotRecord>,
  policies: readonly ReportPolicy[],
  write: (chunk: string) => Promise<void>,
  options: HtmlOptions = {},
): Promise<void> {
  const renderer = new HtmlRenderer(null, new Map(policies.map((p) => [p.id, p])), options);
  try {
    for await (const record of records) renderer.add(record);
  } catch (error) {
    await renderer.abort();
    throw error;
  }
  await renderer.finish(policies, { write });
}

/** The page, from the counts and the buckets' listings kept while the records were read. */
async function renderHtmlPage(
  tally: HtmlTally,
  body: HtmlBody,
  partialRows: PartialBucketRows,
  policies: readonly ReportPolicy[],
  output: PageOutput,
  options: HtmlOptions,
): Promise<void> {
  const write = (chunk: string): Promise<void> => output.write(chunk);
  const t = loadTemplates();
  const policyById = new Map(policies.map((p) => [p.id, p]));
  const mode = bodyMode(tally.buckets, bodyLimits(options));
  const compactClean = mode === "listed";
  const collapse = mode === "findings";
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
  const page = t.page({ ...view, drift, pictures, print, csp: t.csp, data: { accounts: view.accountOptions }, compactClean, collapse, bucketCount: tally.buckets, byOu: byOu(tally) });
  const [pageHead, pageTail] = splitAt(page, ACCOUNTS_SLOT, "report.html.hbs");
  if (tally.partialBucketCount === 0) await write(pageHead);
  else {
    const [beforeRows, afterRows] = splitAt(pageHead, PARTIAL_BUCKETS_SLOT, "partials/coverage.hbs");
    await write(beforeRows);
    await partialRows.copy(output);
    await write(afterRows);
  }

  const sections = [...tally.perAccount.values()].sort((a, b) => (a.account.id < b.account.id ? -1 : a.account.id > b.account.id ? 1 : 0));
  for (const section of sections) {
    const [head, tail] = splitAt(t.account(accountView(section.account, section, collapse)), BUCKETS_SLOT, "account.html.hbs");
    await write(head);
    const id = section.account.id;
    if (collapse) {
      const findings = body.findingsOf(id);
      for (const [placeholder, results] of placeholders(section)) addFindings(findings, placeholder.name, results);
      await writeFindings(findings, policyById, write);
    } else {
      await body.copy(mode, id, output);
      for (const [placeholder, results] of placeholders(section)) await write(t.bucket(bucketView(placeholder, results, policyById, compactClean && isClean(results))));
    }
    await write(tail);
  }
  await write(pageTail);
}

/** The account's results without a bucket document, each under a placeholder bucket (after its listed buckets). */
function* placeholders(section: AccountTally): Generator<[ReturnType<typeof unreadBucketDocument>, PolicyResult[]]> {
  const { account } = section;
  for (const [arn, results] of section.orphans) {
    const first = results[0]!;
    const placeholder = unreadBucketDocument(first.bucket, first.region, { id: account.id, name: account.name, ouPath: account.ouPath, tags: account.tags });
    if (placeholder.arn !== arn) placeholder.arn = arn;
    yield [placeholder, results];
  }
}

/** At scale, an account's findings and errors by (policy, status, severity), one line each. */
async function writeFindings(findings: Findings, policyById: ReadonlyMap<string, ReportPolicy>, write: (chunk: string) => Promise<void>): Promise<void> {
  const lines = [...findings].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, names] of lines) {
    const [policyId, status, severity] = key.split("\u0000") as [string, PolicyResult["status"], PolicyResult["severity"]];
    await write(findingsLine({ policyId, status, severity, title: policyById.get(policyId)?.title ?? policyId, count: names.length, names: names.join(" ") }));
  }
}
