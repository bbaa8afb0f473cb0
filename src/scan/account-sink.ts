/**
 * Where the accounts stage puts each account's documents as they are read (scan/account.ts
 * `DocumentSink`): the inventory, the spool, a chunk at a time, and the early access batch
 * (scan/early-access.ts) once the account ends. An account of a million buckets is then never held
 * whole: only its replicating documents are kept for the early batch, and only while they are few
 * enough for one (beyond that, the batch would refuse the account: its roles are all it needs).
 */
import type { AccountRecord, BucketDocument } from "../model/index.js";
import { ACCOUNT_CHUNK, ACCOUNT_WINDOW, type DocumentSink } from "./account.js";
import type { AccountSession } from "./context.js";
import { MAX_DOCUMENTS_IN_FLIGHT } from "./access-places.js";
import type { EarlyAccess } from "./early-access.js";
import type { Inventory } from "./inventory.js";
import { inventoryEntry, type DocumentSpool } from "./spool.js";

/**
 * The most replicating documents kept for the early batches across every account being read: the
 * accounts stage reads up to 40 accounts at once (8 reading, 32 draining); 40 accounts of 100
 * buckets keep ~2,200, 40 of 1,000 would keep ~22,000 (~550 replicating each). Kept no higher than
 * at 100 buckets an account: with 4,096 here and in the batches, a million buckets' accounts and
 * access stages peaked 10–12 MB higher (docs/memory.md "Larger accounts, no more documents held").
 * One account's are kept only while they fit one early batch (scan/access-places.ts
 * MAX_DOCUMENTS_IN_FLIGHT).
 */
export const EARLY_BATCH_DOCUMENTS = 2048;

const replicates = (doc: BucketDocument): boolean => doc.replication?.configured === true && doc.replication.role !== null;

export interface AccountSinks {
  sink: (record: AccountRecord) => DocumentSink;
  /** The account ended (its last chunk taken): its early batch, if any. */
  ended: (record: AccountRecord) => void;
  /** Replicating documents kept for the early batches now, across the accounts being read (tests). */
  readonly held: number;
}

/**
 * `chunk`: the scan's `accountChunk` option, which bounds the early batch's documents of one account
 * too; `bound`: the replicating documents kept across the accounts being read (tests).
 */
export function accountSinks(
  target: { inventory: Inventory; spool: DocumentSpool; sessions: Map<string, AccountSession>; early: Pick<EarlyAccess, "offer" | "passOver"> | null },
  option?: number,
  bound = EARLY_BATCH_DOCUMENTS,
): AccountSinks {
  const { inventory, spool, sessions, early } = target;
  const chunk = option ?? ACCOUNT_CHUNK;
  const earlyBatch = option ?? MAX_DOCUMENTS_IN_FLIGHT;
  /** Per account reading: its replicating documents for the early batch (null: too many), and its roles. */
  const pending = new Map<string, { replicating: BucketDocument[] | null; roles: Set<string> }>();
  /**
   * The replicating documents in `pending`, bounded in documents rather than accounts: an account
   * whose next chunk does not fit is left to the pass (its roles kept), as one too large for a batch
   * is; the early batch could not have taken more than this many at once anyway.
   */
  let held = 0;
  return {
    get held() {
      return held;
    },
    sink: (record) => ({
      chunk,
      window: Math.max(ACCOUNT_WINDOW, 4 * chunk),
      take: async (documents: BucketDocument[], session: AccountSession) => {
        // Listed, so it ends "scanned": its session is in from its first chunk, since an early batch
        // may meet one of its buckets (in the inventory now) as a destination before it ends.
        sessions.set(record.id, session);
        for (const doc of documents) inventory.set(doc.name, inventoryEntry(doc));
        // Written (encoded) before the early access batch changes the documents.
        const added = spool.add(record.id, documents);
        if (early !== null) {
          let taken = pending.get(record.id);
          if (taken === undefined) pending.set(record.id, (taken = { replicating: [], roles: new Set() }));
          const before = taken.replicating?.length ?? 0;
          for (const doc of documents) {
            if (!replicates(doc)) continue;
            taken.roles.add(doc.replication!.role!);
            taken.replicating?.push(doc);
          }
          if (taken.replicating !== null) {
            held += taken.replicating.length - before;
            if (taken.replicating.length > earlyBatch || held > bound) {
              held -= taken.replicating.length;
              taken.replicating = null;
            }
          }
        }
        await added;
      },
    }),
    ended: (record) => {
      if (early === null) return;
      const taken = pending.get(record.id);
      pending.delete(record.id);
      held -= taken?.replicating?.length ?? 0;
      if (taken?.replicating === null) early.passOver(record.id, taken.roles);
      else early.offer(record.id, taken?.replicating ?? []);
    },
  };
}
