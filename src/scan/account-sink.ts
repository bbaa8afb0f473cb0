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
import type { EarlyAccess } from "./early-access.js";
import type { Inventory } from "./inventory.js";
import { inventoryEntry, type DocumentSpool } from "./spool.js";

/** The most replicating documents an early batch takes (scan/early-access.ts MAX_DOCUMENTS_IN_FLIGHT). */
export const EARLY_BATCH_DOCUMENTS = 4096;

const replicates = (doc: BucketDocument): boolean => doc.replication?.configured === true && doc.replication.role !== null;

export interface AccountSinks {
  sink: (record: AccountRecord) => DocumentSink;
  /** The account ended (its last chunk taken): its early batch, if any. */
  ended: (record: AccountRecord) => void;
}

/** `chunk`: the scan's `accountChunk` option, which bounds the early batch's documents of one account too. */
export function accountSinks(target: { inventory: Inventory; spool: DocumentSpool; sessions: Map<string, AccountSession>; early: EarlyAccess | null }, option?: number): AccountSinks {
  const { inventory, spool, sessions, early } = target;
  const chunk = option ?? ACCOUNT_CHUNK;
  const earlyBatch = option ?? EARLY_BATCH_DOCUMENTS;
  /** Per account reading: its replicating documents for the early batch (null: too many), and its roles. */
  const pending = new Map<string, { replicating: BucketDocument[] | null; roles: Set<string> }>();
  return {
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
          for (const doc of documents) {
            if (!replicates(doc)) continue;
            taken.roles.add(doc.replication!.role!);
            taken.replicating?.push(doc);
          }
          if (taken.replicating !== null && taken.replicating.length > earlyBatch) taken.replicating = null;
        }
        await added;
      },
    }),
    ended: (record) => {
      if (early === null) return;
      const taken = pending.get(record.id);
      pending.delete(record.id);
      if (taken?.replicating === null) early.passOver(record.id, taken.roles);
      else early.offer(record.id, taken?.replicating ?? []);
    },
  };
}
