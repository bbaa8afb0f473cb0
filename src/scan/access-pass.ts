/**
 * The access pass (scan/iam-facts.ts) in bounded batches. A role is judged across every bucket that
 * uses it, so the pass once held every replicating document at once: at a million buckets, half a
 * million documents. Here the spool is read once to learn which accounts share a role (one batch per
 * group of such accounts: in practice one account, since a replication role lives in its bucket's
 * account) and what each group reads; then read again, a batch is completed as soon as its last
 * account has come, its documents written to a second spool and dropped. The reads (roles, bucket
 * and key policies) are shared by all batches, each read once per scan, and forgotten once no later
 * batch names them.
 */
import type { AccessFact, BucketDocument } from "../model/index.js";
import { releaseDecisionMemo } from "../policy/iam/index.js";
import { ProgressTracker, type AccountSession, type ScanContext } from "./context.js";
import type { AccessWorld } from "./iam-derive.js";
import { accessReferences, AccessReads, collectAccessFacts } from "./iam-facts.js";
import { applyResolution, type OrganizationView, type Resolution } from "./resolve.js";
import type { Inventory } from "./inventory.js";
import { BatchPlaces, MAX_BATCHES_IN_FLIGHT, MAX_DOCUMENTS_IN_FLIGHT } from "./access-places.js";
import { DocumentSpool, SPOOL_CHUNK } from "./spool.js";
import { roleUser } from "./access-users.js";
import { NamedBy, ReferenceCollector, union, type BucketIds, type References } from "./access-references.js";

export interface AccessPassInput {
  ctx: ScanContext;
  spool: DocumentSpool;
  inventory: Inventory;
  resolution: Resolution;
  view: OrganizationView;
  sessions: Map<string, AccountSession>;
  access: readonly AccessFact[];
  world: AccessWorld;
  /** Called with each batch's size before it is read (tests count what is held at once). */
  onBatch?: (documents: number) => void;
  /**
   * The most documents of one account held at once: the spool read that many at a time (default
   * SPOOL_CHUNK), a group's documents filled that many at a time (default LARGE_GROUP).
   */
  chunk?: number;
  /**
   * What was completed ahead (scan/early-access.ts), into `out` with the reads in `reads`: for each
   * account begun, the names of its replicating buckets left to this pass (the others are only
   * their roles' users here, neither filled nor written; an account with none left is not read).
   * Without it, a new spool and new reads.
   */
  ahead?: { accounts: ReadonlyMap<string, BucketIds>; out: DocumentSpool; reads: AccessReads };
}

/** A group of more replicating documents than this is read in parts (see `large` below). */
const LARGE_GROUP = MAX_DOCUMENTS_IN_FLIGHT;
/** Parts of a large group filled side by side (its documents are large: see `large` below). */
const LARGE_PARTS_IN_FLIGHT = 2;

const replicates = (doc: BucketDocument): boolean => doc.replication?.configured === true && doc.replication.role !== null;

/** Accounts joined when their buckets share a role: a tiny union-find. */
class Groups {
  private readonly parent = new Map<string, string>();
  find(account: string): string {
    let root = account;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    if (!this.parent.has(account)) this.parent.set(account, account);
    else this.parent.set(account, root);
    return root;
  }
  join(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

/**
 * Runs the access pass; returns a spool of the replicating documents, completed (resolution and
 * access facts), in the first spool's order. The caller closes it.
 */
export async function accessPass(input: AccessPassInput): Promise<DocumentSpool> {
  const { ctx, spool, inventory, resolution, view } = input;
  // The first reading completes each document on a scratch progress: it is thrown away, and the
  // errors it adds are counted when the second reading adds them for good.
  const scratch = { outOfScopeBuckets: ctx.outOfScopeBuckets, progress: new ProgressTracker(undefined) };
  const groups = new Groups();
  const roleAccount = new Map<string, string>();
  const collector = new ReferenceCollector(inventory);
  /** Replicating documents per account (and below, per group). */
  const replicatingIn = new Map<string, number>();
  const begun = input.ahead?.accounts ?? new Map<string, BucketIds>();
  const skip = new Set([...begun].filter(([, names]) => names.size === 0).map(([account]) => account));
  const toFill = (doc: BucketDocument): boolean => begun.get(doc.account.id)?.has(doc.name) ?? true;
  for await (const doc of spool.documents(skip, input.chunk)) {
    if (!replicates(doc)) continue;
    applyResolution(scratch, doc, inventory, resolution, view);
    const role = doc.replication!.role!;
    const first = roleAccount.get(role);
    if (first === undefined) roleAccount.set(role, doc.account.id);
    else groups.join(first, doc.account.id);
    groups.find(doc.account.id);
    collector.add(doc.account.id, accessReferences(doc));
    replicatingIn.set(doc.account.id, (replicatingIn.get(doc.account.id) ?? 0) + 1);
  }
  roleAccount.clear();

  // Per group: its accounts still to come, and how many groups name each read (to forget it after the last).
  const pending = new Map<string, number>();
  const groupReferences = new Map<string, References>();
  const groupAccounts = new Map<string, Set<string>>();
  const groupSize = new Map<string, number>();
  const referencesOf = collector.take();
  for (const [account, references] of referencesOf) {
    referencesOf.delete(account);
    const group = groups.find(account);
    pending.set(group, (pending.get(group) ?? 0) + 1);
    groupAccounts.set(group, (groupAccounts.get(group) ?? new Set()).add(account));
    groupSize.set(group, (groupSize.get(group) ?? 0) + replicatingIn.get(account)!);
    const all = groupReferences.get(group);
    // A group's first account gives its set (in practice the only one: a group is one account).
    groupReferences.set(group, all === undefined ? references : union(all, references));
  }
  const namedBy = new NamedBy(inventory, groupReferences.values());

  const reads = input.ahead?.reads ?? new AccessReads();
  // What the early batches read and no batch to come names is forgotten now.
  if (input.ahead !== undefined) reads.retain(namedBy);
  namedBy.forgetNamed();
  const out = input.ahead?.out ?? new DocumentSpool();
  const held = new Map<string, BucketDocument[]>();
  // Batches are read side by side (each is a few dependent round trips: one at a time, a 100 ms
  // call made the pass take seconds per account), each written as soon as its reads end: the
  // second spool gives its documents back in (account id, name) order, in step with the first,
  // whatever order they were written in. At most MAX_BATCHES_IN_FLIGHT batches and
  // MAX_DOCUMENTS_IN_FLIGHT documents are held (scan/access-places.ts).
  const places = new BatchPlaces(MAX_BATCHES_IN_FLIGHT, MAX_DOCUMENTS_IN_FLIGHT);
  const write = async (batch: BucketDocument[]): Promise<void> => {
    for (const [account, docs] of byAccount(batch.filter(toFill))) await out.add(account, docs);
  };
  const finish = async (batch: BucketDocument[], group: string): Promise<void> => {
    await write(batch);
    const done = namedBy.release(groupReferences.get(group));
    groupReferences.delete(group);
    reads.forget(done);
  };
  const readChunk = input.chunk ?? SPOOL_CHUNK;
  const limit = input.chunk ?? LARGE_GROUP;
  /**
   * A group of more replicating documents than `limit` (one account of many buckets): its roles'
   * users are read first as their judgement needs them (access-users.ts), then its documents are
   * filled `readChunk` at a time, each part against all of them, two parts side by side (each filled
   * document names every user of its role: tens of KB in such a group); its reads are forgotten
   * after the last part.
   */
  const large = async (group: string): Promise<void> => {
    const partPlaces = new BatchPlaces(LARGE_PARTS_IN_FLIGHT, LARGE_PARTS_IN_FLIGHT * readChunk);
    const only = groupAccounts.get(group)!;
    const users: BucketDocument[] = [];
    for await (const { documents } of spool.chunks({ skip, only, max: readChunk })) {
      for (const doc of documents.filter(replicates)) {
        applyResolution(scratch, doc, inventory, resolution, view);
        users.push(roleUser(doc));
      }
    }
    let parts = Math.ceil(users.length / readChunk);
    let part: BucketDocument[] = [];
    let from = 0;
    const fill = async (): Promise<void> => {
      const docs = part;
      const list = [...users.slice(0, from), ...docs, ...users.slice(from + docs.length)];
      from += docs.length;
      part = [];
      const mine = new Set(docs);
      await partPlaces.add(
        docs.length,
        () => {
          input.onBatch?.(docs.length);
          return collectAccessFacts(ctx, list, input.sessions, input.access, input.world, reads, (doc) => mine.has(doc) && toFill(doc));
        },
        () => (--parts === 0 ? finish(docs, group) : write(docs)),
      );
    };
    try {
      for await (const { documents } of spool.chunks({ skip, only, max: readChunk })) {
        for (const doc of documents.filter(replicates)) {
          applyResolution(toFill(doc) ? ctx : scratch, doc, inventory, resolution, view);
          part.push(doc);
          if (part.length === readChunk) await fill();
        }
      }
      if (part.length > 0) await fill();
      await partPlaces.drain();
    } catch (error) {
      await partPlaces.abandon();
      throw error;
    }
  };
  const largeDone = new Set<string>();
  try {
    for await (const { accountId, documents, last } of spool.chunks({ skip, max: readChunk })) {
      if (!replicatingIn.has(accountId)) continue;
      const group = groups.find(accountId);
      if (groupSize.get(group)! > limit) {
        if (!largeDone.has(group)) await large(group);
        largeDone.add(group);
        continue;
      }
      const replicating = documents.filter(replicates);
      // Those completed ahead are completed again only as far as their roles' facts read them (errors uncounted).
      for (const doc of replicating) applyResolution(toFill(doc) ? ctx : scratch, doc, inventory, resolution, view);
      const batch = held.get(group) ?? [];
      batch.push(...replicating);
      held.set(group, batch);
      if (!last) continue;
      const left = pending.get(group)! - 1;
      pending.set(group, left);
      if (left > 0) continue;
      held.delete(group);
      await places.add(
        batch.length,
        () => {
          input.onBatch?.(batch.length);
          return collectAccessFacts(ctx, batch, input.sessions, input.access, input.world, reads, toFill);
        },
        () => finish(batch, group),
      );
    }
    await places.drain();
    return out;
  } catch (error) {
    await places.abandon();
    await out.close();
    throw error;
  }
}

/**
 * Drops what only the reads needed, once every read is made (after the access pass, or the second
 * pass without one): each account's session (its credentials and STS client, ~15 KB an account) and
 * the IAM decisions remembered (a few MB at the memos' bound). Nothing after reads them, and the
 * handoff and the reports, where the audit's peak is, would hold them to the end.
 */
export function releaseReads(sessions: Map<string, AccountSession>): void {
  sessions.clear();
  releaseDecisionMemo();
}

function byAccount(docs: readonly BucketDocument[]): Map<string, BucketDocument[]> {
  const map = new Map<string, BucketDocument[]>();
  for (const doc of docs) {
    const list = map.get(doc.account.id);
    if (list === undefined) map.set(doc.account.id, [doc]);
    else list.push(doc);
  }
  return map;
}

/** The completed documents, taken in step with the first spool (both in (account id, name) order). */
export class Lookahead {
  private next: Promise<IteratorResult<BucketDocument>>;

  constructor(private readonly source: AsyncIterator<BucketDocument>) {
    this.next = source.next();
  }

  /** The completed version of `doc`, or undefined when it has none (it did not replicate). */
  async take(doc: BucketDocument): Promise<BucketDocument | undefined> {
    const head = await this.next;
    if (head.done === true || head.value.name !== doc.name || head.value.account.id !== doc.account.id) return undefined;
    this.next = this.source.next();
    return head.value;
  }
}
