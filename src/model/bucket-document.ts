/**
 * The bucket document: one JSON document per bucket, the contract that policies validate.
 * Its JSON Schema is `schemas/bucket-document.schema.json`; each field's meaning and the AWS call it
 * comes from is in `docs/bucket-document.md`. Users write custom policies against these names:
 * add fields freely, never rename or remove one without bumping the major schema version.
 *
 * Conventions:
 * - A fact that S3 says is absent is an explicit value (`replication.configured: false`,
 *   `objectLock: null`, `encryption: null`), never a missing key.
 * - A fact that could not be read (the call failed) is `null` AND has an entry in `errors` naming
 *   the operation; policies that read that field then evaluate to `error`, not `fail`.
 * - A fact that was not collected because no loaded policy reads it is left out of `collected`
 *   and set to `null`.
 */

export const BUCKET_DOCUMENT_SCHEMA_VERSION = "1.0.0" as const;

export type VersioningStatus = "Enabled" | "Suspended" | "Disabled";
export type MfaDeleteStatus = "Enabled" | "Disabled";
export type RuleScope = "all" | "prefix" | "tags" | "prefix-and-tags";

/**
 * Why a destination could not be matched to a scanned bucket:
 * - `resolved`: found in the scanned inventory.
 * - `outside-organization`: the bucket exists but is owned by an account outside the organization.
 * - `not-scanned`: owned by an organization account that was not scanned (excluded, suspended, role missing).
 * - `missing`: no such bucket exists (HeadBucket answered 404).
 * - `unknown`: could not be told apart (e.g. HeadBucket was denied and the owner is not declared).
 */
export type DestinationResolution = "resolved" | "outside-organization" | "not-scanned" | "missing" | "unknown";

export interface AccountRef {
  id: string;
  name: string;
  /** OU path from the root, e.g. `Root/Workloads/Prod`; `Root` for an account directly under the root. */
  ouPath: string;
  tags: Record<string, string>;
}

export interface Versioning {
  status: VersioningStatus;
  mfaDelete: MfaDeleteStatus;
}

export interface ObjectLock {
  /** `ObjectLockEnabled: Enabled` in GetObjectLockConfiguration. */
  enabled: boolean;
  /** Default retention mode, or null when no default retention rule is set. */
  mode: "GOVERNANCE" | "COMPLIANCE" | null;
  days: number | null;
  years: number | null;
}

export interface Encryption {
  /** `AES256`, `aws:kms` or `aws:kms:dsse` (default encryption rule of GetBucketEncryption). */
  algorithm: string;
  kmsKeyId: string | null;
  bucketKeyEnabled: boolean;
}

export interface ReplicationDestination {
  /** Bucket name parsed from the destination ARN. */
  bucket: string;
  bucketArn: string;
  /** Owner account: the declared `Account` if set, else the resolved owner, else null. */
  account: string | null;
  /** `Destination.Account` as written in the rule, or null. */
  declaredAccount: string | null;
  /** Region of the destination bucket, when resolved (or learnt from HeadBucket), else null. */
  region: string | null;
  storageClass: string | null;
  /** `AccessControlTranslation.Owner == "Destination"`. */
  ownerOverride: boolean;
  replicaKmsKeyId: string | null;
  replicationTime: { enabled: boolean; minutes: number | null };
  metrics: { enabled: boolean; minutes: number | null };
  resolved: boolean;
  resolution: DestinationResolution;
  inOrganization: boolean | null;
  crossAccount: boolean | null;
  crossRegion: boolean | null;
  /** Destination bucket's versioning status when resolved and read, else null. */
  versioning: VersioningStatus | null;
  /** Destination bucket's Object Lock when resolved and collected, else null. */
  objectLock: ObjectLock | null;
  /**
   * Facts of the resolved destination bucket whose read failed (its GetBucketVersioning or
   * GetObjectLockConfiguration): their value above is null because unknown, not because absent.
   */
  unreadable: DestinationFact[];
}

/** Destination fields read from the destination bucket's own configuration calls. */
export type DestinationFact = "versioning" | "objectLock";

export interface ReplicationRule {
  id: string;
  /** Null for V1 (prefix-only) rules, which have no priority. */
  priority: number | null;
  enabled: boolean;
  scope: RuleScope;
  /** The key prefix the rule is limited to, or null. */
  prefix: string | null;
  /** Tags the rule is limited to (empty when none). */
  tags: Record<string, string>;
  deleteMarkerReplication: boolean;
  existingObjectReplication: boolean;
  replicaModifications: boolean;
  sseKmsEncryptedObjects: boolean;
  destination: ReplicationDestination;
}

export interface Replication {
  configured: boolean;
  /** IAM role ARN S3 assumes to replicate, or null when not configured. */
  role: string | null;
  rules: ReplicationRule[];
}

export interface BucketError {
  /** AWS operation that failed, e.g. `GetBucketReplication`. */
  operation: string;
  /** AWS error code, e.g. `AccessDenied`, or `Timeout`/`NetworkError`. */
  code: string;
  message: string;
}

export interface BucketDocument {
  schemaVersion: typeof BUCKET_DOCUMENT_SCHEMA_VERSION;
  arn: string;
  name: string;
  region: string;
  tags: Record<string, string> | null;
  /** Some scanned rule replicates into this bucket. */
  isReplicaDestination: boolean;
  /** ARNs of the scanned buckets whose rules replicate into this one. */
  replicatedFrom: string[];
  account: AccountRef;
  versioning: Versioning | null;
  objectLock: ObjectLock | null;
  encryption: Encryption | null;
  replication: Replication | null;
  /** Top-level facts that were collected for this bucket (see FACT_SOURCES). */
  collected: FactName[];
  errors: BucketError[];
}

/** A bucket's document before any fact is read (or when only its name is known): every fact null, nothing collected. */
export function unreadBucketDocument(name: string, region: string, account: AccountRef): BucketDocument {
  return {
    schemaVersion: BUCKET_DOCUMENT_SCHEMA_VERSION,
    arn: `arn:aws:s3:::${name}`,
    name,
    region,
    tags: null,
    isReplicaDestination: false,
    replicatedFrom: [],
    account,
    versioning: null,
    objectLock: null,
    encryption: null,
    replication: null,
    collected: [],
    errors: [],
  };
}

/**
 * Which S3 call each collected fact comes from. One table for the scanner (which calls to make)
 * and the evaluator (which failed call makes a policy `error`).
 */
export const FACT_SOURCES = {
  versioning: "GetBucketVersioning",
  replication: "GetBucketReplication",
  objectLock: "GetObjectLockConfiguration",
  encryption: "GetBucketEncryption",
  tags: "GetBucketTagging",
} as const;
export type FactName = keyof typeof FACT_SOURCES;

/**
 * Which facts a scan collects, derived from the loaded policies (`policy/requiredFacts`):
 * `all` for every bucket; `replicating` only for buckets with a replication configuration (or
 * whose GetBucketReplication failed), because every policy reading them applies only to such
 * buckets; `destinations` only for buckets that some scanned rule replicates into (read in a
 * second pass, so e.g. Object Lock is fetched only where a policy can look at it).
 * Versioning and replication are always in `all`.
 */
export interface FactPlan {
  all: FactName[];
  /** Default: none. */
  replicating?: FactName[];
  destinations: FactName[];
}
