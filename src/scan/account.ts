/** Scanning one account: get in, list its buckets, read each bucket's facts (first pass). */
import pLimit from "p-limit";
import { toBucketError } from "../aws/index.js";
import { unreadBucketDocument, type AccountRecord, type AccountRef, type BucketDocument } from "../model/index.js";
import { openAccount } from "./access.js";
import { listBuckets, type ListedBucket } from "./buckets.js";
import type { AccountSession, ScanContext } from "./context.js";
import { batchReplicationReader } from "./batch-jobs.js";
import { readFacts } from "./facts.js";

async function readBucket(ctx: ScanContext, session: AccountSession, bucket: ListedBucket, account: AccountRef): Promise<BucketDocument> {
  if (bucket.region === null) {
    // Without a region no configuration call can be addressed; the bucket stays, with the reason.
    const doc = unreadBucketDocument(bucket.name, "unknown", account);
    if (bucket.error !== null) doc.errors.push(bucket.error);
    return doc;
  }
  const doc = unreadBucketDocument(bucket.name, bucket.region, account);
  const s3 = ctx.factory.bucketReads(session.s3(bucket.region));
  const readers = { batchReplication: batchReplicationReader(ctx, session) };
  await readFacts(doc, ctx.plan.all, s3, ctx.request, readers);
  // Facts only replication policies read; also when replication could not be read (it may exist).
  const replicating = ctx.plan.replicating ?? [];
  if (replicating.length > 0 && doc.replication?.configured !== false) await readFacts(doc, replicating, s3, ctx.request, readers);
  return doc;
}

/**
 * Scans one in-scope account and updates its record (scan status, access, bucket count, errors).
 * Returns the session (for the destination pass) and the account's bucket documents.
 */
export async function scanAccount(
  ctx: ScanContext,
  record: AccountRecord,
  account: AccountRef,
): Promise<{ session: AccountSession | null; documents: BucketDocument[] }> {
  const progress = ctx.progress;
  const opened = await openAccount(ctx, record.id);
  if (opened.error !== null) {
    record.scan = "failed";
    record.errors.push(opened.error);
    progress.errors++;
    return { session: null, documents: [] };
  }
  const session = opened.session;
  record.access = session.access;
  let listed: ListedBucket[];
  try {
    listed = await listBuckets(ctx, session);
  } catch (error) {
    record.scan = "failed";
    record.errors.push(toBucketError("ListBuckets", error));
    progress.errors++;
    session.release();
    return { session, documents: [] };
  }
  const inScope = listed.filter((b) => {
    if (ctx.regions === null || b.region === null || ctx.regions.has(b.region)) return true;
    ctx.outOfScopeBuckets.set(b.name, record.id);
    return false;
  });
  progress.bucketsDiscovered += inScope.length;
  progress.emit();

  const limit = pLimit(ctx.bucketsInFlight);
  const documents = await Promise.all(
    inScope.map((bucket) =>
      limit(async () => {
        const doc = await readBucket(ctx, session, bucket, account);
        progress.bucketsDone++;
        progress.errors += doc.errors.length;
        progress.emit();
        return doc;
      }),
    ),
  );
  session.release();
  record.scan = "scanned";
  record.bucketCount = documents.length;
  return { session, documents };
}
