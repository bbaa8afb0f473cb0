/**
 * Reads a bucket's facts into its document. One function per fact, each turning S3's "not found"
 * answer into the explicit absent value and any other failure into an `errors[]` entry.
 *
 * GetBucketReplication is skipped when versioning was never enabled: S3 refuses a replication
 * configuration unless versioning is enabled ("Both source and destination buckets must have
 * versioning enabled", https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html),
 * and a bucket that was ever version-enabled "can never return to an unversioned state", only be
 * suspended (https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html), which
 * GetBucketVersioning reports as `Suspended`. So a bucket whose GetBucketVersioning has no `Status`
 * ("never been set", https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html)
 * cannot have a replication configuration, and the baseline costs one call for it.
 */
import { FACT_NAMES, FACTS, type BucketDocument, type FactName } from "../model/index.js";
import { awsErrorCode, toBucketError, type BucketReads, type RequestLimiter } from "../aws/index.js";
import { notConfigured, parseEncryption, parseObjectLock, parseReplication, parseTags, parseVersioning } from "./parse.js";

/** Error codes by which S3 says "this configuration does not exist" (an answer, not a failure). */
const ABSENT_CODES: Partial<Record<FactName, string[]>> = {
  replication: ["ReplicationConfigurationNotFoundError"],
  objectLock: ["ObjectLockConfigurationNotFoundError"],
  encryption: ["ServerSideEncryptionConfigurationNotFoundError"],
  tags: ["NoSuchTagSet", "NoSuchTagSetError"],
};

/**
 * Each reader sends its one call through the request limiter (which counts its attempts from the
 * answer's `$metadata`) and parses the answer outside it, so a slot is held for the call only. The
 * call is a `BucketReads` read: the lean read path's or the SDK client's, same answers either way.
 */
type Reader = (s3: BucketReads, bucket: string, request: RequestLimiter) => Promise<Partial<BucketDocument>>;
/** Facts read per account and Region rather than per bucket call (see batch-jobs.ts). */
type AccountFact = "batchReplication";
/** Readers of the account-level facts, built by the caller that holds the account's session. */
export type AccountReaders = Partial<Record<AccountFact, (doc: BucketDocument) => Promise<Partial<BucketDocument>>>>;

const READERS: Record<Exclude<FactName, AccountFact>, Reader> = {
  versioning: async (s3, bucket, request) => ({ versioning: parseVersioning(await request(() => s3.read("versioning", bucket))) }),
  replication: async (s3, bucket, request) => ({ replication: parseReplication((await request(() => s3.read("replication", bucket))).ReplicationConfiguration) }),
  objectLock: async (s3, bucket, request) => ({ objectLock: parseObjectLock(await request(() => s3.read("objectLock", bucket))) }),
  encryption: async (s3, bucket, request) => ({ encryption: parseEncryption(await request(() => s3.read("encryption", bucket))) }),
  tags: async (s3, bucket, request) => ({ tags: parseTags((await request(() => s3.read("tags", bucket))).TagSet) }),
};

const ABSENT_VALUES: Record<Exclude<FactName, AccountFact>, () => Partial<BucketDocument>> = {
  versioning: () => ({ versioning: { status: "Disabled", mfaDelete: "Disabled" } }),
  replication: () => ({ replication: notConfigured() }),
  objectLock: () => ({ objectLock: null }),
  encryption: () => ({ encryption: null }),
  tags: () => ({ tags: {} }),
};

/** Reads one fact; the document gets the value, or null plus an error entry. Never throws. */
async function readFact(doc: BucketDocument, fact: FactName, s3: BucketReads, request: RequestLimiter, readers: AccountReaders): Promise<void> {
  if (!doc.collected.includes(fact)) doc.collected.push(fact);
  try {
    if (fact === "batchReplication") {
      const read = readers.batchReplication;
      if (read === undefined) throw new Error("batchReplication cannot be read here (no account session)");
      Object.assign(doc, await read(doc));
    } else {
      Object.assign(doc, await READERS[fact](s3, doc.name, request));
    }
  } catch (error) {
    if (fact !== "batchReplication" && ABSENT_CODES[fact]?.includes(awsErrorCode(error))) {
      Object.assign(doc, ABSENT_VALUES[fact]());
      return;
    }
    doc.errors.push(toBucketError(FACTS[fact].call, error));
  }
}

/** Versioning, then replication unless versioning is `Disabled` (a function, not a closure made per bucket). */
async function readChain(doc: BucketDocument, wanted: readonly FactName[], s3: BucketReads, request: RequestLimiter, readers: AccountReaders): Promise<void> {
  if (wanted.includes("versioning")) await readFact(doc, "versioning", s3, request, readers);
  if (!wanted.includes("replication")) return;
  if (doc.versioning?.status === "Disabled") {
    doc.collected.push("replication");
    doc.replication = notConfigured();
    return;
  }
  await readFact(doc, "replication", s3, request, readers);
}

/**
 * Reads the facts not yet collected: versioning, then replication only if versioning is not
 * `Disabled` (when versioning could not be read, replication is read anyway); the others in parallel.
 */
export async function readFacts(doc: BucketDocument, facts: readonly FactName[], s3: BucketReads, request: RequestLimiter, readers: AccountReaders = {}): Promise<void> {
  const plan = planned(facts);
  // A new document (every bucket's first call) has collected nothing: the plan's lists as they are.
  const fresh = doc.collected.length === 0;
  const wanted = fresh ? plan.unique : plan.unique.filter((f) => !doc.collected.includes(f));
  const others = fresh ? plan.others : wanted.filter((f) => f !== "versioning" && f !== "replication");
  // The default plan reads versioning and replication only: the chain alone, no Promise.all around it.
  if (others.length === 0) await readChain(doc, wanted, s3, request, readers);
  else await Promise.all([readChain(doc, wanted, s3, request, readers), ...others.map((f) => readFact(doc, f, s3, request, readers))]);
  // Stable order (the FACTS table's), whatever order the calls finished in.
  doc.collected.sort((a, b) => FACT_ORDER.indexOf(a) - FACT_ORDER.indexOf(b));
}

const FACT_ORDER: readonly FactName[] = FACT_NAMES;

/** A plan's facts once each, and those read beside the versioning-replication chain. */
interface Planned {
  unique: readonly FactName[];
  others: readonly FactName[];
}

/** Worked out once per plan (a scan passes the same arrays for every bucket), not per bucket. */
const plans = new WeakMap<readonly FactName[], Planned>();

function planned(facts: readonly FactName[]): Planned {
  let plan = plans.get(facts);
  if (plan === undefined) {
    const unique = facts.filter((f, i) => facts.indexOf(f) === i);
    plan = { unique, others: unique.filter((f) => f !== "versioning" && f !== "replication") };
    plans.set(facts, plan);
  }
  return plan;
}
