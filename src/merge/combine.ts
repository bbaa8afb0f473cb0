/**
 * Combining the shards' accounts and buckets into what one whole scan would have seen: each account
 * from the shard that scanned it, every bucket, and the destinations re-resolved against the whole
 * inventory (a destination in another shard's account resolves here). No AWS call: what a shard
 * could not see it probed (HeadBucket) and recorded, and that answer stands when no shard lists the
 * bucket (docs/scale.md).
 */
import { FACTS, type AccountRecord, type BucketDocument, type BucketError, type FactName, type FactPlan, type ReplicationDestination, type Snapshot } from "../model/index.js";
import { computeCoverage, fillResolved, fillUnresolved, markReplicaDestinations, shardOfAccount, type HeadResult, type OrganizationView } from "../scan/index.js";

const PROBE = FACTS.destinationBucket.call;

export interface Combined {
  accounts: AccountRecord[];
  buckets: BucketDocument[];
  coverage: Snapshot["coverage"];
}

/**
 * Each account's record from the shard that owns it (`shardOfAccount`), in the order Organizations
 * listed them. An account its owner never listed (it joined the organization while the shards ran)
 * was scanned by nobody: it is in scope and not scanned, with the reason, never `excluded`.
 */
function combineAccounts(shards: readonly Snapshot[], count: number): AccountRecord[] {
  const byShard = shards.map((s) => new Map(s.accounts.map((a) => [a.id, a])));
  const seen = new Map<string, AccountRecord>();
  for (const shard of shards) for (const a of shard.accounts) if (!seen.has(a.id)) seen.set(a.id, a);
  return [...seen.values()].map((a) => {
    const owner = shardOfAccount(a.id, count);
    const own = byShard[owner]?.get(a.id);
    if (own !== undefined) return own;
    if (a.scope !== "excluded" || a.scopeReason?.startsWith("scanned by shard ") !== true) return a;
    return {
      ...a,
      scope: "in-scope",
      scopeReason: null,
      scan: "not-scanned",
      errors: [...a.errors, { operation: "ListAccounts", code: "NotListedByShard", message: `shard ${owner}/${count} did not list account ${a.id} (it joined the organization during the run): not scanned` }],
    };
  });
}

/** The source's failed probe of `bucket`, recorded by its shard (FACTS: an entry of the source's errors[]). */
const probeErrorIndex = (source: BucketDocument, bucket: string): number =>
  source.errors.findIndex((e) => e.operation === PROBE && e.message.startsWith(`destination ${bucket}: `));

/** The HeadBucket answer a shard recorded in an unresolved destination (see scan/destination-fill.ts). */
function recordedHead(source: BucketDocument, dest: ReplicationDestination): HeadResult {
  const index = probeErrorIndex(source, dest.bucket);
  const error: BucketError | null = index < 0 ? null : source.errors[index]!;
  const exists = dest.resolution === "missing" ? false : error !== null ? null : true;
  return { exists, region: dest.region, error };
}

/**
 * A shard reads the destination-only facts on every bucket (any could be another shard's
 * destination); a whole scan reads them on destinations only. Off the others they come, with their
 * errors, so the merged documents are the ones a whole scan writes.
 */
function trimDestinationFacts(doc: BucketDocument, plan: FactPlan): void {
  if (doc.isReplicaDestination) return;
  const replicating = doc.replication?.configured !== false ? (plan.replicating ?? []) : [];
  const extra = plan.destinations.filter((f: FactName) => !plan.all.includes(f) && !replicating.includes(f) && doc.collected.includes(f));
  for (const fact of extra) {
    const entry = FACTS[fact];
    doc.collected = doc.collected.filter((f) => f !== fact);
    if (entry.document !== null) (doc as unknown as Record<string, unknown>)[entry.document] = null;
    doc.errors = doc.errors.filter((e) => e.operation !== entry.call);
  }
}

/**
 * The access facts of a destination in another shard's account (its bucket policy, Object Ownership,
 * and what the role may do there) were never read: the source's shard had no session there and did
 * not know the owner, and merge makes no AWS call. They stay unknown, so the policies resting on them
 * are `error`, never a verdict (docs/scale.md: run those policies unsharded for a verdict).
 */
function markAccessUnread(dest: ReplicationDestination, plan: FactPlan): void {
  for (const fact of plan.access ?? []) {
    const unknown = FACTS[fact].destination.every((field) => dest[field] === null || dest[field] === undefined);
    if (FACTS[fact].destination.length > 0 && unknown && !dest.unreadable.includes(fact)) dest.unreadable.push(fact);
  }
}

export function combineShards(shards: readonly Snapshot[], count: number): Combined {
  const first = shards[0]!;
  const plan = first.scan.shard!.factPlan;
  const accounts = combineAccounts(shards, count);
  const buckets = shards.flatMap((s) => s.buckets).sort((a, b) => a.account.id.localeCompare(b.account.id) || a.name.localeCompare(b.name));
  const owners = new Map(shards.flatMap((s) => Object.entries(s.scan.shard?.outOfScopeBuckets ?? {})));
  const org: OrganizationView = {
    mode: first.scan.mode,
    accountIds: new Set(accounts.map((a) => a.id)),
    scannedAccountIds: new Set(accounts.filter((a) => a.scan === "scanned").map((a) => a.id)),
    allScanned: accounts.every((a) => a.scan === "scanned"),
  };

  const inventory = new Map(buckets.map((d) => [d.name, d]));
  for (const doc of buckets) {
    doc.isReplicaDestination = false;
    doc.replicatedFrom = [];
  }
  const sources = buckets.filter((d) => (d.replication?.rules.length ?? 0) > 0);
  markReplicaDestinations(sources, inventory);
  for (const doc of buckets) trimDestinationFacts(doc, plan);

  for (const source of sources) {
    for (const rule of source.replication?.rules ?? []) {
      const dest = rule.destination;
      const target = inventory.get(dest.bucket);
      if (target === undefined) {
        fillUnresolved(dest, source, recordedHead(source, dest), owners.get(dest.bucket) ?? null, org);
        continue;
      }
      // Found in another shard's inventory: a whole scan would not have probed it.
      const probe = probeErrorIndex(source, dest.bucket);
      if (probe >= 0) source.errors.splice(probe, 1);
      fillResolved(dest, source, target, org);
      if (shardOfAccount(target.account.id, count) !== shardOfAccount(source.account.id, count)) markAccessUnread(dest, plan);
    }
  }
  return { accounts, buckets, coverage: computeCoverage(accounts, buckets) };
}
