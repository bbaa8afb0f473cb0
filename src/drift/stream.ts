/**
 * Drift between two snapshot files in bounded memory: both files list their buckets sorted by
 * (account id, name), each followed by its results, so they are read side by side and compared one
 * bucket at a time, like a merge join. Held in memory: the accounts, one bucket and its results
 * from each side, the buckets and results that found no partner (added, removed, or moved to another
 * account: paired across accounts at the end), and the drift itself.
 */
import type { AccountRecord, BucketDocument, ConfigChange, Drift, PolicyResult, Snapshot, SnapshotHeader, SnapshotRecord } from "../model/index.js";
import { snapshotRecords } from "../report/index.js";
import { ComplianceMatcher, policyDrift } from "./compliance.js";
import { bucketChanges, sortConfigChanges, unmatchedBucketChanges } from "./config.js";
import { assembleDrift } from "./assemble.js";
import { scopeDrift } from "./scope.js";

interface BucketGroup {
  bucket: BucketDocument;
  results: PolicyResult[];
}

/** One side: the header and accounts first, then its buckets, each with its results. */
class Side {
  header: SnapshotHeader | null = null;
  readonly accounts: AccountRecord[] = [];
  /** Results with no bucket document before them (hand-made or merged files): compared at the end. */
  readonly orphans: PolicyResult[] = [];
  private pending: BucketDocument | null = null;
  private done = false;

  constructor(private readonly records: AsyncIterator<SnapshotRecord>) {}

  /** Reads up to the first bucket (or the end): header and accounts. */
  async start(): Promise<void> {
    for (;;) {
      const next = await this.records.next();
      if (next.done === true) return void (this.done = true);
      const record = next.value;
      if (record.record === "header") this.header = record;
      else if (record.record === "account") this.accounts.push(record.account);
      else if (record.record === "bucket") return void (this.pending = record.bucket);
      else if (record.record === "result") this.orphans.push(record.result);
    }
  }

  /** The (account id, name) of the next bucket, or null at the end. */
  peek(): readonly [string, string] | null {
    return this.pending === null ? null : [this.pending.account.id, this.pending.name];
  }

  /** The next bucket and its results. */
  async next(): Promise<BucketGroup> {
    const group: BucketGroup = { bucket: this.pending!, results: [] };
    this.pending = null;
    while (!this.done) {
      const next = await this.records.next();
      if (next.done === true) {
        this.done = true;
        break;
      }
      const record = next.value;
      if (record.record === "bucket") {
        this.pending = record.bucket;
        break;
      }
      if (record.record === "result") {
        if (record.result.bucketArn === group.bucket.arn) group.results.push(record.result);
        else this.orphans.push(record.result);
      }
    }
    return group;
  }

  /** Reads what follows the last bucket (orphan results, the trailer). */
  async drain(): Promise<void> {
    while (!this.done) {
      const next = await this.records.next();
      if (next.done === true) this.done = true;
      else if (next.value.record === "result") this.orphans.push(next.value.result);
    }
  }
}

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** The writer's order: account id, then bucket name (code units). */
const compareKeys = (a: readonly [string, string], b: readonly [string, string]): number => compareIds(a[0], b[0]) || compareIds(a[1], b[1]);

/** The drift between two snapshot files (any format the reader takes), streamed. */
export async function diffSnapshotFiles(baselineFile: string, currentFile: string): Promise<Drift> {
  const before = new Side(snapshotRecords(baselineFile)[Symbol.asyncIterator]());
  const after = new Side(snapshotRecords(currentFile)[Symbol.asyncIterator]());
  await before.start();
  await after.start();
  const headerOf = (side: Side, file: string): SnapshotHeader => {
    if (side.header === null) throw new Error(`${file}: no header record`);
    return side.header;
  };
  const policies = policyDrift(headerOf(before, baselineFile), headerOf(after, currentFile));
  const matcher = new ComplianceMatcher(policies, after.accounts);
  const configuration: ConfigChange[] = [];
  const leftover = { buckets: { before: [] as BucketDocument[], after: [] as BucketDocument[] }, results: { before: [] as PolicyResult[], after: [] as PolicyResult[] } };
  for (;;) {
    const a = before.peek();
    const b = after.peek();
    if (a === null && b === null) break;
    const order = a === null ? 1 : b === null ? -1 : compareKeys(a, b);
    const was = order <= 0 ? await before.next() : null;
    const now = order >= 0 ? await after.next() : null;
    if (was !== null && now !== null && was.bucket.arn === now.bucket.arn) configuration.push(...bucketChanges(was.bucket, now.bucket));
    else {
      if (was !== null) leftover.buckets.before.push(was.bucket);
      if (now !== null) leftover.buckets.after.push(now.bucket);
    }
    const unpaired = matcher.match(was?.results ?? [], now?.results ?? []);
    leftover.results.before.push(...unpaired.before);
    leftover.results.after.push(...unpaired.after);
  }
  await before.drain();
  await after.drain();
  leftover.results.before.push(...before.orphans);
  leftover.results.after.push(...after.orphans);
  configuration.push(...unmatchedBucketChanges(leftover.buckets.before, leftover.buckets.after, before.accounts, after.accounts));
  const compliance = matcher.finish(leftover.results);
  const sides = (side: Side): Pick<Snapshot, "scan" | "tool" | "accounts" | "policies"> => ({ ...side.header!, accounts: side.accounts });
  return assembleDrift(sides(before), sides(after), {
    policies,
    configuration: sortConfigChanges(configuration),
    compliance,
    scope: scopeDrift(sides(before), sides(after)),
  });
}
