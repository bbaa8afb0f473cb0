/** Scanning one account: get in, list its buckets, read each bucket's facts (first pass). */
import pLimit, { type LimitFunction } from "p-limit";
import { toBucketError } from "../aws/index.js";
import { unreadBucketDocument, type AccountRecord, type AccountRef, type BucketDocument } from "../model/index.js";
import { openAccount } from "./access.js";
import { listBuckets, type ListedBucket, type Listing } from "./buckets.js";
import type { AccountSession, ScanContext } from "./context.js";
import { batchReplicationReader } from "./batch-jobs.js";
import { readFacts, type AccountReaders } from "./facts.js";
import { InOrder } from "./in-order.js";

/** One bucket's facts; `readers`, the account's readers of its per-account facts, made once per account. */
async function readBucket(ctx: ScanContext, session: AccountSession, bucket: ListedBucket, account: AccountRef, readers: AccountReaders): Promise<BucketDocument> {
  if (bucket.region === null) {
    // Without a region no configuration call can be addressed; the bucket stays, with the reason.
    const doc = unreadBucketDocument(bucket.name, "unknown", account);
    if (bucket.error !== null) doc.errors.push(bucket.error);
    return doc;
  }
  const doc = unreadBucketDocument(bucket.name, bucket.region, account);
  const s3 = session.bucketReads(bucket.region);
  await readFacts(doc, ctx.plan.all, s3, ctx.request, readers);
  // Facts only replication policies read; also when replication could not be read (it may exist).
  const replicating = ctx.plan.replicating ?? [];
  if (replicating.length > 0 && doc.replication?.configured !== false) await readFacts(doc, replicating, s3, ctx.request, readers);
  return doc;
}

/** An account got into and listed, its buckets not yet read; or the reason it could not be. */
type Opened = { session: AccountSession | null; listed: Listing | null };

/** AssumeRole and ListBuckets: the account's serial start, before any bucket can be read. */
async function openAndList(ctx: ScanContext, record: AccountRecord): Promise<Opened> {
  const progress = ctx.progress;
  const opened = await openAccount(ctx, record.id);
  if (opened.error !== null) {
    record.scan = "failed";
    record.errors.push(opened.error);
    progress.errors++;
    return { session: null, listed: null };
  }
  const session = opened.session;
  record.access = session.access;
  try {
    return { session, listed: await listBuckets(ctx, session) };
  } catch (error) {
    record.scan = "failed";
    record.errors.push(toBucketError("ListBuckets", error));
    progress.errors++;
    session.release();
    return { session, listed: null };
  }
}

/**
 * Where an account's documents go as they are read, in listing order, at most `chunk` at a time
 * (the last chunk handed on before the account's result); the result's `documents` is then empty.
 * Without it, the account's documents are its result, all at once (a scan worker thread).
 */
export interface DocumentSink {
  chunk: number;
  /** The documents in no more than `window` listing places past the first not yet ended are read (scan/in-order.ts). */
  window: number;
  take: (documents: BucketDocument[], session: AccountSession) => Promise<void>;
}

/** Documents of an account handed on at once, and how far its reads may run ahead of the first not ended. */
export const ACCOUNT_CHUNK = 256;
export const ACCOUNT_WINDOW = 1024;

/**
 * Reads the buckets of an opened account and completes its record. `allStarted` is told once every
 * bucket's read has begun (at once when there is none): from then on the account only waits for its
 * last reads.
 */
async function readBuckets(ctx: ScanContext, record: AccountRecord, account: AccountRef, opened: Opened, allStarted: () => void = () => undefined, sink?: DocumentSink): Promise<ScannedAccount> {
  const { session, listed } = opened;
  if (session === null || listed === null) {
    allStarted();
    return { session, documents: [] };
  }
  const progress = ctx.progress;
  // The listing's places of the buckets in scope (4 bytes each: an account may list a million).
  let inScope = new Uint32Array(listed.length);
  let count = 0;
  for (let at = 0; at < listed.length; at++) {
    const region = listed.region(at);
    if (ctx.regions === null || region === null || ctx.regions.has(region)) inScope[count++] = at;
    else ctx.outOfScopeBuckets.set(listed.name(at), record.id);
  }
  inScope = inScope.subarray(0, count);
  progress.bucketsDiscovered += inScope.length;
  progress.emit();

  // At most `bucketsInFlight` buckets at once, started in listing order: that many loops taking the
  // next bucket, rather than a queued task (and its promises) per bucket.
  // Handed on: the listing's order, a chunk at a time (an account of a million buckets is not held whole).
  const inOrder = sink === undefined ? null : new InOrder((docs) => sink.take(docs, session), sink.chunk, sink.window);
  const documents: BucketDocument[] = new Array<BucketDocument>(inOrder === null ? inScope.length : 0);
  let next = 0;
  const readers: AccountReaders = { batchReplication: batchReplicationReader(ctx, session) };
  if (inScope.length === 0) allStarted();
  const reader = async (): Promise<void> => {
    while (next < inScope.length) {
      const at = next++;
      if (next === inScope.length) allStarted();
      await inOrder?.room(at);
      const doc = await readBucket(ctx, session, listed.at(inScope[at]!), account, readers);
      progress.bucketsDone++;
      progress.errors += doc.errors.length;
      progress.emit();
      if (inOrder === null) documents[at] = doc;
      else await inOrder.put(at, doc);
    }
  };
  await Promise.all(Array.from({ length: Math.min(ctx.bucketsInFlight, inScope.length) }, reader));
  session.release();
  record.scan = "scanned";
  record.bucketCount = inScope.length;
  await inOrder?.end();
  return { session, documents };
}

export interface ScannedAccount {
  /** The account's session (for the destination pass), null when it could not be entered. */
  session: AccountSession | null;
  documents: BucketDocument[];
}

/**
 * Scans one in-scope account and updates its record (scan status, access, bucket count, errors).
 * Returns the session (for the destination pass) and the account's bucket documents.
 */
export async function scanAccount(ctx: ScanContext, record: AccountRecord, account: AccountRef): Promise<ScannedAccount> {
  return readBuckets(ctx, record, account, await openAndList(ctx, record));
}

/**
 * Scans accounts as `scanAccount` does each, at most `inFlight` reading their buckets at once. An
 * account's start (AssumeRole, then ListBuckets) is two dependent calls that leave the request
 * slots idle: so the next accounts, up to `inFlight` of them, are opened while the current ones
 * read, and start reading as soon as a reading place frees. An opening place is held until its
 * account has a reading place, so at most `inFlight` accounts wait opened (their listings in
 * memory), however far the reading lags.
 *
 * An account's reading place is held until every one of its bucket reads has *begun*, not ended:
 * its last reads may wait out several retry backoffs in a row (a throttled call gives its request
 * slot back while it waits, src/aws/request-slots.ts), and the next account's reads fill the slots
 * meanwhile. Such a draining account then holds one of `DRAINING_PER_READING × inFlight` draining
 * places, taken before its reading place is given up, so the accounts holding documents in memory
 * stay bounded. What each account gets is unchanged; only when its calls start.
 */
export class AccountLookahead {
  private readonly opening: LimitFunction;
  private readonly reading: LimitFunction;
  private readonly draining: LimitFunction;

  constructor(inFlight: number) {
    this.opening = pLimit(inFlight);
    this.reading = pLimit(inFlight);
    this.draining = pLimit(inFlight * DRAINING_PER_READING);
  }

  scan(ctx: ScanContext, record: AccountRecord, account: AccountRef, sink?: DocumentSink): Promise<ScannedAccount> {
    return this.schedule(
      () => openAndList(ctx, record),
      (opened, allStarted) => readBuckets(ctx, record, account, opened, allStarted, sink),
    );
  }

  /** One account: `open` in an opening place, then `read` in a reading place until it says all its reads began, then in a draining place until it ends. */
  schedule<O, R>(open: () => Promise<O>, read: (opened: O, allStarted: () => void) => Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.opening(async () => {
        const opened = await open();
        await new Promise<void>((started) => {
          // Never rejects: the read's outcome goes to `resolve`/`reject` above.
          void this.reading(async () => {
            started();
            let markAllStarted = (): void => undefined;
            const allStarted = new Promise<void>((begun) => (markAllStarted = begun));
            const reading = read(opened, markAllStarted);
            reading.then(resolve, reject);
            const ended = reading.then(
              () => undefined,
              () => undefined,
            );
            await Promise.race([allStarted, ended]);
            // A draining place before the reading place is given up (bounded documents in memory).
            await new Promise<void>((held) => void this.draining(() => (held(), ended)));
          });
        });
      }).catch(reject);
    });
  }
}

/** Accounts waiting on their last reads, per account reading (see AccountLookahead). */
export const DRAINING_PER_READING = 4;

/**
 * Scans the accounts through one `AccountLookahead`, handing each on (`onScanned`, awaited) as it
 * finishes; given `sink`, its documents go there as they are read (`sink(record)` for each account).
 */
export async function scanAccounts(
  ctx: ScanContext,
  accounts: readonly { record: AccountRecord; ref: AccountRef }[],
  inFlight: number,
  onScanned: (record: AccountRecord, result: ScannedAccount) => Promise<void>,
  sink?: (record: AccountRecord) => DocumentSink,
): Promise<void> {
  const lookahead = new AccountLookahead(inFlight);
  await Promise.all(accounts.map(async ({ record, ref }) => onScanned(record, await lookahead.scan(ctx, record, ref, sink?.(record)))));
}
