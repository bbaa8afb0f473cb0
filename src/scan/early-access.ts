/**
 * The access pass begun while the accounts are still being read (docs/scale.md "Latency"). A
 * document's destinations are completed against the whole organization's view, known only once
 * every account is read; but a destination inside the inventory (its account read) cannot change
 * after that once its destination-only facts are read, nor can an account no longer to be read
 * gain or lose its session. So as each account's documents arrive, its replicating buckets whose
 * every destination is such a bucket, with role and keys in accounts done, are final: their
 * destinations' second-pass reads are made now (the reads the destination pass would make, once
 * each), then their access facts, and they go to the access pass's output spool. The account's
 * other replicating buckets are left to the pass, and count here only as their role's users (the
 * role's facts read only their names, rules' destination names, tags and keys: known already).
 *
 * What cannot be known yet is checked when every account is read (`settle`): a role is judged
 * across all its buckets, so an account is kept only if no other account's bucket uses one of its
 * roles; otherwise its output is discarded and the access pass completes it with the others, as
 * before. What a document gets as a destination (replica marks, its own second-pass facts) is
 * added at the hand-over (`applyAsDestination`), where `applyResolution` would have put it.
 */
import { channel } from "node:diagnostics_channel";
import type { AccessFact, BucketDocument } from "../model/index.js";
import { bucketOrder } from "../model/index.js";
import { markStage, ProgressTracker, type AccountSession, type ScanContext } from "./context.js";
import type { OrganizationView } from "./destination-fill.js";
import type { AccessWorld } from "./iam-derive.js";
import { BucketIds } from "./access-references.js";
// The access batches' bounds, the pass's too: an account arriving beyond them is left to the pass.
import { MAX_BATCHES_IN_FLIGHT, MAX_DOCUMENTS_IN_FLIGHT } from "./access-places.js";
import { accessAccounts, AccessReads, collectAccessFacts } from "./iam-facts.js";
import { keyRef } from "./kms-keys.js";
import { applyResolution, emptyResolution, readDestinationFacts } from "./resolve.js";
import type { Inventory } from "./inventory.js";
import { Patches } from "./resolution-tables.js";
import { DocumentSpool } from "./spool.js";

/** Reads of each kind kept while later batches are unknown (scan/iam-facts.ts `trim`). */
const KEEP_READS = 8192;

/**
 * Diagnostics (free without a subscriber): each early batch's documents once written to the output
 * spool, `{ accountId, documents }`, and once every batch is settled, the SDK clients still held for
 * the pass and the destinations' patches (how many, how many objects), `{ settled: { iamClients,
 * kmsClients, patches } }` (test/scan/access-ahead.test.ts counts what stays reachable).
 */
export const EARLY_ACCESS = channel("replguard:access-ahead");

const replicates = (doc: BucketDocument): boolean => doc.replication?.configured === true && doc.replication.role !== null;

export interface EarlyAccessInput {
  ctx: ScanContext;
  inventory: Inventory;
  sessions: Map<string, AccountSession>;
  access: readonly AccessFact[];
  world: AccessWorld;
  /** Every account of the organization (the view's `accountIds`) and the in-scope ones still to read. */
  accountIds: Set<string>;
  inScope: readonly string[];
  mode: OrganizationView["mode"];
  onBatch?: (documents: number) => void;
}

export class EarlyAccess {
  /**
   * The destinations' second-pass reads made here; the destination pass goes on from them (and
   * copies what it hands out). Equal patches are one object: nearly every destination's is the same.
   */
  readonly destinationPatches: Patches;
  /** The access pass's output spool: the accounts completed here are in it already. */
  readonly out = new DocumentSpool();
  /** The access pass's reads, begun here. */
  readonly reads = new AccessReads();
  private readonly unfinished: Set<string>;
  /** Role ARN → the one account whose buckets use it, or null once two accounts' do. */
  private readonly roleUsers = new Map<string, string | null>();
  /** Per account begun: its roles, its buckets left to the pass, the errors it added (null: not completed). */
  private readonly batches = new Map<string, { roles: string[]; open: BucketIds; done: Promise<number | null> }>();
  private readonly destinationReads = new Map<string, Promise<void>>();
  private batchesInFlight = 0;
  private documentsInFlight = 0;
  /** Only resolved destinations are filled here: for them the view's account list and mode are all that count. */
  private readonly view: OrganizationView;
  /**
   * The scan's context, its calls served before the bucket reads queued (aws/limiter.ts `first`):
   * behind them, a batch's few dependent round trips took seconds each, its place was held 10–20 s
   * and an account arriving while all were held was left to the pass (docs/scale.md "Throttling").
   */
  private readonly ctx: ScanContext;

  constructor(private readonly input: EarlyAccessInput) {
    this.ctx = { ...input.ctx, request: input.ctx.request.first ?? input.ctx.request };
    this.destinationPatches = new Patches(input.inventory);
    this.unfinished = new Set(input.inScope);
    this.view = { mode: input.mode, accountIds: input.accountIds, scannedAccountIds: new Set(), allScanned: false };
  }

  /**
   * An account is read (record final, documents spooled, inventory and session entered): its
   * replicating buckets are completed ahead if nothing still to come can change them. `documents`
   * are the caller's, already written to the spool; they are changed here.
   */
  offer(accountId: string, documents: readonly BucketDocument[]): void {
    const replicating = documents.filter(replicates).sort(bucketOrder);
    const roles = [...new Set(replicating.map((doc) => doc.replication!.role!))];
    this.passOver(accountId, roles);
    if (replicating.length === 0 || !roles.every((role) => this.roleUsers.get(role) === accountId)) return;
    if (this.batchesInFlight >= MAX_BATCHES_IN_FLIGHT || this.documentsInFlight + replicating.length > MAX_DOCUMENTS_IN_FLIGHT) return;
    const { inventory } = this.input;
    // Final: every destination read (its account is) and the role's account done; the others wait for the pass.
    const final = new Set(
      replicating.filter((doc) => !this.unfinished.has(accessAccounts(doc)[0]!) && doc.replication!.rules.every((rule) => inventory.has(rule.destination.bucket))),
    );
    // A set: a list's `includes` here was quadratic in the account's replicating buckets (up to 1,536).
    const open = replicating.filter((doc) => !final.has(doc));
    // An open bucket is one of its roles' users all the same: its keys must be known without its destinations.
    const placed = (id: string | null): boolean => id === null || keyRef(id, "", "")?.account !== "";
    if (final.size === 0 || !open.every((doc) => doc.replication!.rules.every((rule) => placed(rule.destination.replicaKmsKeyId)))) return;
    this.batchesInFlight++;
    this.documentsInFlight += replicating.length;
    this.input.onBatch?.(replicating.length);
    const done = this.complete(accountId, replicating, final).finally(() => {
      this.batchesInFlight--;
      this.documentsInFlight -= replicating.length;
      this.release(accountId);
    });
    // Awaited by settle (a failure there leaves the account to the pass, which meets it again).
    done.catch(() => undefined);
    this.batches.set(accountId, { roles, open: BucketIds.of(inventory, open.map((doc) => doc.name)), done });
  }

  /**
   * An account is read and left to the pass (too many replicating buckets for a batch: scan/account-sink.ts
   * keeps only its roles): its roles' users are counted, as `offer` counts them.
   */
  passOver(accountId: string, roles: Iterable<string>): void {
    this.unfinished.delete(accountId);
    for (const role of roles) {
      const user = this.roleUsers.get(role);
      this.roleUsers.set(role, user === undefined || user === accountId ? accountId : null);
    }
  }

  /**
   * Completes an account's final buckets (`users` are all its replicating ones, for their roles'
   * facts); resolves to the errors it added, or null when it could not.
   */
  private async complete(accountId: string, users: BucketDocument[], final: Set<BucketDocument>): Promise<number | null> {
    const { inventory, sessions } = this.input;
    const { ctx } = this;
    const destinations = new Set([...final].flatMap((doc) => doc.replication!.rules.map((rule) => rule.destination.bucket)));
    await Promise.all([...destinations].map((name) => this.readDestination(name)));
    // The errors are counted once the account is kept (settle).
    const scratch: ScanContext = { ...ctx, progress: new ProgressTracker(undefined) };
    const none = emptyResolution(inventory);
    for (const doc of final) applyResolution(scratch, doc, inventory, none, this.view);
    // A key's account is known only now (a replica key's is its destination's).
    if ([...final].some((doc) => accessAccounts(doc).some((account) => this.unfinished.has(account)))) return null;
    await collectAccessFacts(scratch, users, sessions, this.input.access, this.input.world, this.reads, (doc) => final.has(doc));
    this.reads.trim(KEEP_READS);
    const written = users.filter((doc) => final.has(doc));
    await this.out.add(accountId, written);
    if (EARLY_ACCESS.hasSubscribers) EARLY_ACCESS.publish({ accountId, documents: users });
    return scratch.progress.errors;
  }

  /**
   * Drops the clients a batch made in its own account (its IAM client, its KMS clients, the S3
   * clients its destinations' reads made in the session the account had released): an SDK client
   * holds tens of KB, and kept until the pass they were ~2 KB a bucket. Every bucket of the account
   * is read; a later batch or the pass needing one makes it again (a client, never a repeated call).
   */
  private release(accountId: string): void {
    const { iamClients, kmsClients } = this.reads;
    iamClients.delete(accountId);
    for (const key of [...kmsClients.keys()]) if (key.startsWith(`${accountId}/`)) kmsClients.delete(key);
    this.input.sessions.get(accountId)?.release();
  }

  /** The destination pass's read of one destination, made once however many batches ask. */
  private readDestination(name: string): Promise<void> {
    let read = this.destinationReads.get(name);
    if (read === undefined) {
      const { inventory, sessions } = this.input;
      read = readDestinationFacts(this.ctx, name, inventory, sessions)
        .then((patch) => {
          if (patch !== undefined) this.destinationPatches.set(name, patch);
        })
        .finally(() => this.destinationReads.delete(name));
      this.destinationReads.set(name, read);
    }
    return read;
  }

  /**
   * Every account is read: waits for the batches begun and returns, for each account completed here
   * for good (no other account's bucket uses one of its roles), the names of its replicating
   * buckets left to the access pass; the other accounts' output is discarded.
   */
  async settle(progress: ProgressTracker): Promise<Map<string, BucketIds>> {
    markStage("access-ahead");
    const kept = new Map<string, BucketIds>();
    for (const [accountId, { roles, open, done }] of this.batches) {
      const errors = await done.catch(() => null);
      if (errors !== null && roles.every((role) => this.roleUsers.get(role) === accountId)) {
        kept.set(accountId, open);
        progress.errors += errors;
      } else await this.out.discard(accountId);
    }
    this.batches.clear();
    this.roleUsers.clear();
    if (EARLY_ACCESS.hasSubscribers) {
      const { iamClients, kmsClients } = this.reads;
      const patches = { destinations: this.destinationPatches.size, objects: this.destinationPatches.distinct };
      EARLY_ACCESS.publish({ settled: { iamClients: iamClients.size, kmsClients: kmsClients.size, patches } });
    }
    return kept;
  }

  /** Waits for whatever is still running (the scan failed) and removes the output spool. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.batches.values()].map((batch) => batch.done));
    await this.out.close();
  }
}
