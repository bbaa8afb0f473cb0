/**
 * The HTML page's bucket listings, written while the records are read (beside the counts,
 * html-tally.ts) into spill files (html-spill.ts), each account's as one byte range: the page is
 * then assembled from the counts and these ranges without reading the snapshot again.
 *
 * How a bucket is shown depends on how many buckets the snapshot holds (HtmlOptions): up to the
 * detailed limit in full; up to the listed limit in full unless clean (then one line); above it not
 * at all, each account listing its findings by (policy, status) instead. That count is known at the
 * end, unless the caller read it from the trailer first (`expectedBuckets`, from-snapshot.ts). Without it,
 * each rendering still possible is kept (the full and the one-line listing while the count is
 * under the detailed limit, the listing while under the listed limit, the findings always) and
 * the one that applies is copied.
 */
import type { BucketDocument, PolicyResult, SnapshotRecord } from "../model/index.js";
import { SpillFile, type PageOutput, type SpillRange } from "./html-spill.js";
import { bucketView, isClean, type PolicyLookup } from "./html-view.js";
import { DEFAULT_DETAILED_BUCKET_LIMIT, DEFAULT_LISTED_BUCKET_LIMIT, loadTemplates, type CompiledTemplates } from "./html.js";

/** How the buckets are shown: in full, in full unless clean, or as each account's findings. */
export type BodyMode = "detailed" | "listed" | "findings";

/** The page's choice for `buckets` buckets (html-stream.ts reads the same limits). */
export function bodyMode(buckets: number, limits: BodyLimits): BodyMode {
  if (buckets > limits.listed) return "findings";
  return buckets > limits.detailed ? "listed" : "detailed";
}

export interface BodyLimits {
  detailed: number;
  listed: number;
}

export const bodyLimits = (options: { detailedBucketLimit?: number; listedBucketLimit?: number }): BodyLimits => ({
  detailed: options.detailedBucketLimit ?? DEFAULT_DETAILED_BUCKET_LIMIT,
  listed: options.listedBucketLimit ?? DEFAULT_LISTED_BUCKET_LIMIT,
});

/** An account's findings: by `policyId\0status\0severity`, the names of its buckets, in order. */
export type Findings = Map<string, string[]>;

/** Adds the bucket's findings and errors (the results that are not clean) to `findings`. */
export function addFindings(findings: Findings, name: string, results: readonly PolicyResult[]): void {
  for (const result of results) {
    if (isClean([result])) continue;
    // The severity too: a pack may give one policy another severity on some buckets.
    const key = `${result.policyId}\u0000${result.status}\u0000${result.severity}`;
    const names = findings.get(key);
    if (names === undefined) findings.set(key, [name]);
    else names.push(name);
  }
}

/** One rendering being kept: its file, each finished account's range, and whether every bucket so far is in it. */
interface Lane {
  spill: SpillFile | null;
  ranges: Map<string, SpillRange>;
  start: number;
  whole: boolean;
}

export class HtmlBody {
  private readonly t: CompiledTemplates = loadTemplates();
  private readonly lanes: Record<BodyMode, Lane>;
  private accountId: string | null = null;
  private findings: Findings = new Map();
  private bucket: BucketDocument | null = null;
  private results: PolicyResult[] = [];
  private buckets = 0;
  /** The accounts whose buckets were read: each account's buckets come together. */
  private readonly seen = new Set<string>();

  /**
   * `near`: a file in the folder for the spill files; `policy`: a policy by id (the bucket's results'
   * titles and remediation); `expectedBuckets`: the snapshot's bucket count, when known beforehand.
   */
  constructor(
    private readonly near: string,
    private readonly policy: PolicyLookup,
    private readonly limits: BodyLimits,
    private readonly expectedBuckets?: number,
  ) {
    const lane = (): Lane => ({ spill: null, ranges: new Map(), start: 0, whole: true });
    this.lanes = { detailed: lane(), listed: lane(), findings: lane() };
  }

  add(record: SnapshotRecord): void {
    if (record.record === "bucket") {
      this.flush();
      this.buckets++;
      if (record.bucket.account.id !== this.accountId) this.nextAccount(record.bucket.account.id);
      this.bucket = record.bucket;
    } else if (record.record === "result" && this.bucket !== null && this.bucket.arn === record.result.bucketArn) {
      this.results.push(record.result);
    }
  }

  /** After the last record: the spill files hold every account's range. */
  end(): void {
    this.flush();
    this.nextAccount(null);
  }

  /** Whether a rendering may still be the page's, after `n` buckets. */
  private possible(mode: BodyMode, n: number): boolean {
    const { detailed, listed } = this.limits;
    if (this.expectedBuckets !== undefined) return bodyMode(this.expectedBuckets, this.limits) === mode;
    if (mode === "detailed") return n <= detailed && n <= listed;
    if (mode === "listed") return n <= listed && detailed < listed;
    return true;
  }

  /** The lane's spill file while it may still be used; null (and its file removed) once it cannot. */
  private open(mode: BodyMode): SpillFile | null {
    const lane = this.lanes[mode];
    if (!lane.whole) return null;
    if (!this.possible(mode, this.buckets)) {
      lane.whole = false;
      lane.ranges.clear();
      void lane.spill?.discard();
      lane.spill = null;
      return null;
    }
    return (lane.spill ??= new SpillFile(`${this.near}.${mode}`));
  }

  private flush(): void {
    const bucket = this.bucket;
    if (bucket === null) return;
    const results = this.results;
    this.bucket = null;
    this.results = [];
    const clean = isClean(results);
    const detailed = this.open("detailed");
    const listed = this.open("listed");
    const full = detailed !== null || (listed !== null && !clean) ? this.t.bucket(bucketView(bucket, results, this.policy, false)) : "";
    detailed?.write(full);
    listed?.write(clean ? this.t.bucket(bucketView(bucket, results, this.policy, true)) : full);
    if (this.open("findings") !== null) addFindings(this.findings, bucket.name, results);
  }

  /** Closes the current account's ranges and starts the next account's (null: the end). */
  private nextAccount(accountId: string | null): void {
    const previous = this.accountId;
    if (previous !== null) {
      for (const mode of ["detailed", "listed"] as const) {
        const lane = this.lanes[mode];
        if (lane.spill !== null) lane.ranges.set(previous, [lane.start, lane.spill.mark()]);
      }
      const findings = this.lanes.findings;
      if (findings.spill !== null && this.findings.size > 0) {
        findings.start = findings.spill.mark();
        findings.spill.write(JSON.stringify([...this.findings]));
        findings.ranges.set(previous, [findings.start, findings.spill.mark()]);
      }
    }
    if (accountId !== null) {
      // The readers refuse buckets out of order (snapshot-records.ts): an account's buckets come together.
      if (this.seen.has(accountId)) throw new Error(`the buckets of account ${accountId} are not together in the snapshot's records`);
      this.seen.add(accountId);
    }
    this.accountId = accountId;
    this.findings = new Map();
    for (const mode of ["detailed", "listed"] as const) {
      const lane = this.lanes[mode];
      if (lane.spill !== null) lane.start = lane.spill.mark();
    }
  }

  /** How many buckets were read. */
  get count(): number {
    return this.buckets;
  }

  /** Writes the account's bucket listing (detailed or listed) to `output`; nothing when it has no bucket. */
  async copy(mode: Exclude<BodyMode, "findings">, accountId: string, output: PageOutput): Promise<void> {
    const lane = this.checked(mode);
    const range = lane.ranges.get(accountId);
    if (range !== undefined && lane.spill !== null) await lane.spill.copy(range, output);
  }

  /** The account's findings (empty when it has none). */
  findingsOf(accountId: string): Findings {
    const lane = this.checked("findings");
    const range = lane.ranges.get(accountId);
    if (range === undefined || lane.spill === null) return new Map();
    return new Map(JSON.parse(lane.spill.read(range)) as [string, string[]][]);
  }

  private checked(mode: BodyMode): Lane {
    const lane = this.lanes[mode];
    // Only a wrong `expectedBuckets` can leave the page's rendering incomplete; the readers check the trailer's count.
    if (!lane.whole || bodyMode(this.buckets, this.limits) !== mode) throw new Error(`the HTML body was not kept for ${this.buckets} buckets (expected ${this.expectedBuckets ?? "unknown"})`);
    return lane;
  }

  /** Removes the spill files (after the page, or a failure). */
  async discard(): Promise<void> {
    for (const lane of Object.values(this.lanes)) {
      const spill = lane.spill;
      lane.spill = null;
      await spill?.discard();
    }
  }
}
