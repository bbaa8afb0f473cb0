/**
 * Destination resolution: every rule's destination bucket is matched against the org-wide
 * inventory built by the first pass; the buckets found get `isReplicaDestination`, `replicatedFrom`
 * and the facts `plan.destinations` asks for (second pass). A destination not in the inventory is
 * probed once with HeadBucket (read-only, with the source account's credentials) to tell a missing
 * bucket from one that exists elsewhere; a probe that fails is an error of the source bucket.
 * The owner of a destination is what a listing shows (the inventory), or unknown: the rule's own
 * `Destination.Account` is only checked against it (`declaredAccountStatus`).
 */
import { channel } from "node:diagnostics_channel";
import { HeadBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { httpStatusOf, responseHeaderOf, toBucketError } from "../aws/index.js";
import { FACTS, type BucketDocument, type BucketError, unreadBucketDocument } from "../model/index.js";
import type { AccountSession, ScanContext } from "./context.js";
import { readFacts } from "./facts.js";
import { fillResolved, fillUnresolved, type HeadResult, type OrganizationView } from "./destination-fill.js";
import type { Inventory, InventoryReader } from "./inventory.js";
import { HeadAnswers, Patches, ReplicatedFrom, type Patch, type PatchReader, type ReplicatedFromReader } from "./resolution-tables.js";
import type { InventoryEntry } from "./spool.js";

export {
  declaredAccountInOrganization,
  declaredAccountStatus,
  fillResolved,
  fillUnresolved,
  type HeadResult,
  type OrganizationView,
  type ResolvedTarget,
} from "./destination-fill.js";


const PROBE = FACTS.destinationBucket.call;

async function headBucket(ctx: ScanContext, s3: S3Client, bucket: string): Promise<HeadResult> {
  try {
    const out = await ctx.request(() => s3.send(new HeadBucketCommand({ Bucket: bucket })));
    return { exists: true, region: out.BucketRegion ?? null, error: null };
  } catch (error) {
    const status = httpStatusOf(error);
    const headerRegion = responseHeaderOf(error, "x-amz-bucket-region") ?? null;
    if (status === 404) return MISSING;
    // 403: someone else's bucket; 301: it lives in another region. Either way it exists.
    if (status === 403 || status === 301) return { exists: true, region: headerRegion, error: null };
    return { exists: null, region: headerRegion, error: toBucketError(PROBE, error) };
  }
}

/** The answer of most probes (a rule naming a bucket that is gone): one object for all, never changed. */
const MISSING: HeadResult = { exists: false, region: null, error: null };

/** The failed probe as an entry of the source bucket's errors[]: the message names the destination it was for. */
const probeError = (bucket: string, error: BucketError): BucketError => ({ ...error, message: `destination ${bucket}: ${error.message}` });

/** What the second pass learned of the destinations, applied to each document as it is handed on. */
export interface Resolution {
  /** Destination name → the sources replicating into it (names, sorted: the same order as their ARNs). */
  replicatedFrom: ReplicatedFromReader;
  /** Destination name → the document fields its second-pass reads filled, its new errors and collected facts. */
  patches: PatchReader;
  /** HeadBucket's answer for each destination outside the inventory. */
  heads: HeadAnswers;
}

/**
 * Resolves every rule's destination from the inventory alone (name → entry), so the documents can
 * wait on disk: marks destinations, reads the facts only destinations need (second pass), probes
 * the destinations outside the inventory. `applyResolution` then completes each document.
 */
export interface ResolveOptions {
  /**
   * One shard of a sharded run: a bucket of another shard may be a destination this shard cannot
   * see, so the destination-only facts are read on every bucket here (merge trims them off the
   * buckets that turn out not to be destinations).
   */
  shard?: boolean;
}

/** An empty resolution: what an early access batch completes its documents with (scan/early-access.ts). */
export const emptyResolution = (inventory: Inventory): Resolution => ({ replicatedFrom: new Map(), patches: new Map(), heads: new HeadAnswers(inventory) });

/**
 * The second pass for one destination inside the inventory: the facts only destinations need, read
 * once. The inventory entry (what rules into this bucket copy from) gets them too, so a destination
 * read ahead (by an early batch of the access pass) has nothing missing when the pass comes to it.
 */
export async function readDestinationFacts(ctx: ScanContext, name: string, inventory: Inventory, sessions: Map<string, AccountSession>): Promise<Patch | undefined> {
  const target = inventory.get(name)!;
  const session = sessions.get(target.account.id);
  const missing = ctx.plan.destinations.filter((f) => !target.collected.includes(f));
  if (session === undefined || target.region === "unknown" || missing.length === 0) return undefined;
  const scratch = unreadBucketDocument(target.name, target.region, target.account);
  scratch.collected = [...target.collected];
  await readFacts(scratch, missing, session.bucketReads(target.region), ctx.request);
  ctx.progress.errors += scratch.errors.length;
  const fields = Object.fromEntries(missing.map((fact) => [FACTS[fact].document, scratch[FACTS[fact].document]])) as Partial<BucketDocument>;
  inventory.set(name, { ...target, objectLock: scratch.objectLock, collected: scratch.collected, errors: [...target.errors, ...scratch.errors.map((e) => ({ operation: e.operation }))] });
  return { fields, errors: scratch.errors, collected: scratch.collected };
}

/** At most `limit` of `items` in flight, started in order (p-limit's order), without a promise per item queued up front. */
async function eachLimited<T>(items: Iterable<T>, limit: number, task: (item: T) => Promise<void>): Promise<void> {
  const iterator = items[Symbol.iterator]();
  const worker = async (): Promise<void> => {
    for (let next = iterator.next(); next.done !== true; next = iterator.next()) await task(next.value);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/**
 * The source account and Region a group of probes is made from, and its S3 client while some of
 * them are still to make. A client that has sent holds ~27 KB (its resolved middleware, endpoint
 * and credential caches): kept on the account's session, one per account and Region that probes,
 * to the stage's end, that was ~5,000 clients at a million buckets (1,000 accounts, 5 Regions;
 * bench/probe-clients.ts: +117 MB of heap), most of the destinations stage's growth (docs/memory.md).
 */
interface ProbeSource {
  account: string;
  region: string;
  /** Probes of this source not yet answered. */
  left: number;
  client?: S3Client;
}

/**
 * The destinations outside the inventory, each with the first source (in inventory order) naming
 * it, grouped by that source's account and Region: probes are taken in this order, so a group's
 * client is made for its first probe and dropped after its last: at most `bucketsInFlight` + 1
 * groups have one at a time (those with a probe in flight, and the one being taken).
 */
function* probeClaims(inventory: Inventory): Generator<[string, ProbeSource]> {
  // By id (target → source, two numbers an entry; names and objects only as each probe is made: ~50,000 destinations outside the inventory at a million buckets).
  const claims = new Map<number, number>();
  for (const source of inventory.bucketIds()) {
    const targets = inventory.destinationIds(source);
    if (targets === null) continue;
    for (const target of targets) if (!inventory.isBucket(target) && !claims.has(target)) claims.set(target, source);
  }
  const groups = new Map<string, { source: ProbeSource; targets: number[] }>();
  for (const [target, id] of claims) {
    const entry: InventoryEntry = inventory.get(inventory.nameOf(id))!;
    const key = `${entry.account.id} ${entry.region}`;
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { source: { account: entry.account.id, region: entry.region, left: 0 }, targets: [] }));
    group.source.left++;
    group.targets.push(target);
  }
  claims.clear();
  for (const [key, { source, targets }] of groups) {
    groups.delete(key);
    for (const target of targets) yield [inventory.nameOf(target), source];
  }
}

/**
 * Diagnostics (free without a subscriber): `{ probeClient: "made" }` and `{ probeClient: "dropped" }`
 * as the probes' S3 clients come and go (test/scan/probes-in-flight.test.ts bounds those held at once).
 */
export const PROBES = channel("replguard:probes");

/**
 * Resolves every rule's destination from the inventory alone (the documents wait on disk); `early`
 * holds the second-pass reads the access pass's early batches made already, each made once: the
 * resolution goes on filling that table (it becomes the resolution's `patches`).
 */
export async function resolveDestinations(
  ctx: ScanContext,
  inventory: Inventory,
  sessions: Map<string, AccountSession>,
  options: ResolveOptions = {},
  early: Patches = new Patches(inventory),
): Promise<Resolution> {
  // Source names, not ARNs (the ARN is the name's, `arn:aws:s3:::` + name, made when a document is
  // completed), as inventory ids: an archive bucket's list holds every bucket replicating into it.
  const replicatedFrom = ReplicatedFrom.of(inventory);
  const patches = early;
  const resolution: Resolution = { replicatedFrom, patches, heads: new HeadAnswers(inventory) };

  // Second pass: the facts only destinations need (e.g. Object Lock), read before rules copy them.
  // The probes below are independent of it: both run side by side, so neither waits on the other's tail.
  const secondPass = eachLimited(options.shard === true ? inventory.keys() : replicatedFrom.keys(), ctx.bucketsInFlight, async (name) => {
    if (patches.has(name)) return; // read by an early access batch
    const patch = await readDestinationFacts(ctx, name, inventory, sessions);
    if (patch !== undefined) patches.set(name, patch);
  });

  // One probe per destination outside the inventory, made for whichever source names it first;
  // `bucketsInFlight` at a time, as the second pass (all at once, a million-bucket organization's
  // ~30,000 missing destinations were as many calls, promises and slots waiting at once).
  const probes = eachLimited(probeClaims(inventory), ctx.bucketsInFlight, async ([name, source]) => {
    const session = sessions.get(source.account);
    if (session === undefined) {
      resolution.heads.set(name, { exists: null, region: null, error: { operation: PROBE, code: "NotProbed", message: `no session for account ${source.account}` } });
      return;
    }
    // Not the session's own client (`session.s3`): that one stays until every probe of every account is made.
    if (source.client === undefined) {
      source.client = ctx.factory.s3(session.credentials, source.region);
      if (PROBES.hasSubscribers) PROBES.publish({ probeClient: "made" });
    }
    try {
      resolution.heads.set(name, await headBucket(ctx, source.client, name));
    } finally {
      if (--source.left === 0) {
        delete source.client;
        if (PROBES.hasSubscribers) PROBES.publish({ probeClient: "dropped" });
      }
    }
  });
  await Promise.all([secondPass, probes]);
  for (const session of sessions.values()) session.release();
  return resolution;
}

/**
 * What the resolution says of a document as a destination: replica marks, second-pass facts. Their
 * errors go at `at` (by default the end): a document completed ahead by the access pass gets them
 * where `applyResolution` would have put them, before the access facts' own (scan/early-access.ts).
 */
export function applyAsDestination(doc: BucketDocument, resolution: Resolution, at = doc.errors.length): void {
  const from = resolution.replicatedFrom.get(doc.name);
  if (from !== undefined) {
    doc.isReplicaDestination = true;
    doc.replicatedFrom = from.map((name) => `arn:aws:s3:::${name}`);
  }
  const patch = resolution.patches.get(doc.name);
  if (patch !== undefined) {
    Object.assign(doc, patch.fields);
    doc.collected = patch.collected;
    doc.errors.splice(at, 0, ...patch.errors);
  }
}

/** Completes a document from the resolution: replica marks, second-pass facts, every rule's destination. */
export function applyResolution(
  ctx: Pick<ScanContext, "outOfScopeBuckets" | "progress">,
  doc: BucketDocument,
  inventory: InventoryReader,
  resolution: Resolution,
  org: OrganizationView,
): void {
  applyAsDestination(doc, resolution);
  for (const rule of doc.replication?.rules ?? []) {
    const dest = rule.destination;
    const target = inventory.get(dest.bucket);
    if (target !== undefined) {
      fillResolved(dest, doc, target, org);
      continue;
    }
    const head = resolution.heads.get(dest.bucket) ?? { exists: null, region: null, error: null };
    const error = head.error === null ? null : probeError(dest.bucket, head.error);
    fillUnresolved(dest, doc, { ...head, error }, ctx.outOfScopeBuckets.get(dest.bucket) ?? null, org);
    if (error !== null && !doc.errors.some((e) => e.operation === PROBE && e.message === error.message)) {
      doc.errors.push(error);
      ctx.progress.errors++;
    }
  }
}
