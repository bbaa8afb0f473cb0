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

import type { AccessFact, DestinationFact, FactName } from "./facts.js";

/**
 * 1.1.0 added `destination.declaredAccountStatus`, `.declaredAccountInOrganization`, `destinationBucket` in `destination.unreadable`, and `HeadBucket` errors.
 * 1.2.0 added `batchReplication` (S3 Batch Replication jobs of the bucket; absent in older documents), and (present only when a loaded policy reads them) `replication.roleFacts`, `destination.roleMissingActions`, `.bucketPolicy`, `.objectOwnership`, `.keyPoliciesRead` (docs/iam.md).
 * 2.0.0 replaced `replication.roleFacts.usedBy` (the names of every scanned bucket using the role,
 * in each of those buckets' documents: quadratic in a role's buckets) with `usedByCount`. 1.x
 * documents are still read; `currentDocument` (current-document.ts) gives them this shape.
 */
export const BUCKET_DOCUMENT_SCHEMA_VERSION = "2.0.0" as const;

export type VersioningStatus = "Enabled" | "Suspended" | "Disabled";
export type MfaDeleteStatus = "Enabled" | "Disabled";
export type RuleScope = "all" | "prefix" | "tags" | "prefix-and-tags";

/**
 * Why a destination could not be matched to a scanned bucket:
 * - `resolved`: found in the scanned inventory.
 * - `outside-organization`: the bucket exists but is owned by an account outside the organization.
 * - `not-scanned`: owned by an organization account that was not scanned (excluded, suspended, role missing).
 * - `missing`: no such bucket exists (HeadBucket answered 404).
 * - `unknown`: could not be told apart: the bucket exists but its owner is not known (some
 *   organization account was not scanned, or single-account mode), or HeadBucket failed.
 * The owner is only ever learnt from a listing (the inventory), never from the rule's `Account`.
 */
export type DestinationResolution = "resolved" | "outside-organization" | "not-scanned" | "missing" | "unknown";

/**
 * The rule's `Destination.Account` checked against the verified owner:
 * - `matches`: it is the owner the inventory shows;
 * - `mismatch`: the owner is another account, or the declared account was scanned and has no
 *   such bucket;
 * - `invalid`: not a 12-digit account id (kept raw in `declaredAccount`);
 * - `unverified`: the owner is unknown and the declared account was not scanned.
 * Null when the rule declares no account.
 */
export type DeclaredAccountStatus = "matches" | "mismatch" | "invalid" | "unverified";

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
  /** Verified owner account (from the scanned inventory), else null. Never the rule's declared `Account`. */
  account: string | null;
  /** `Destination.Account` exactly as written in the rule (any string), or null. */
  declaredAccount: string | null;
  /** The declared account checked against the verified owner; null when none is declared. */
  declaredAccountStatus: DeclaredAccountStatus | null;
  /**
   * The declared account is an account of the organization (Organizations ListAccounts); null when
   * none is declared, it is not an account id, or in single-account mode. A rule declaring an
   * outside account means to send data out, whether or not the declaration is true.
   */
  declaredAccountInOrganization: boolean | null;
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
   * Replication actions (and KMS actions where keys are used) the rule needs that the role is not
   * allowed, under its permissions, the destination's bucket policy and the key policies; [] = none
   * missing. Null when not collected or unknown (a read failed: see `unreadable`).
   */
  roleMissingActions?: string[] | null;
  /** A cross-account destination's bucket policy as it concerns replication and segregation; null when not read or same-account. */
  bucketPolicy?: DestinationBucketPolicy | null;
  /** A cross-account destination's Object Ownership (`ObjectWriter` when no ownership controls are set); null when not read. */
  objectOwnership?: "BucketOwnerEnforced" | "BucketOwnerPreferred" | "ObjectWriter" | null;
  /** Both key policies the rule involves (source SSE-KMS key, replica key) were read, or it involves none; null when not collected. */
  keyPoliciesRead?: boolean | null;
  /**
   * Facts of the destination whose read failed (the destination bucket's GetBucketVersioning or
   * GetObjectLockConfiguration, or the HeadBucket probe: `destinationBucket`): their fields above
   * are null or `unknown` because unknown, not because absent. See FACTS.
   */
  unreadable: DestinationFact[];
}

export interface DestinationBucketPolicy {
  /** The bucket has a policy (GetBucketPolicy did not answer NoSuchBucketPolicy). */
  present: boolean;
  /** The policy lets the source's replication role replicate (s3:ReplicateObject) into the bucket. */
  grantsRole: boolean;
  /** Other principals an Allow of s3:ReplicateObject names, as written (`AWS:…`, `Service:…`, `*`). */
  otherReplicationGrantees: string[];
  /** Delete/overwrite actions on the bucket's objects that a principal of the source account other than the role is allowed. */
  sourceAccountAccess: string[];
}

/** The replication role, as read once per role in its account (docs/iam.md). */
export interface RoleFacts {
  arn: string;
  /** Account of the role (from its ARN). */
  account: string;
  /** False when the role does not exist (GetRole: NoSuchEntity); its lists are then empty. Always written by this replguard. */
  exists?: boolean;
  /** Principals its trust policy lets assume it, as `Service:…`, `AWS:…`, `*`. */
  trustedPrincipals: string[];
  /** Those other than the S3 service principals (s3.amazonaws.com, batchoperations.s3.amazonaws.com). */
  untrustedPrincipals: string[];
  /** The batch operations principal is trusted (needed for S3 Batch Replication only). */
  trustsBatchOperations: boolean;
  inlinePolicies: string[];
  attachedPolicies: string[];
  /** Statements granting beyond the replication actions on the role's source and destination buckets and keys, one sentence each. */
  excessiveGrants: string[];
  /**
   * How many scanned buckets' replication configuration names this role, this bucket included. Which
   * ones: the documents whose `replication.role` is this ARN (1.x listed their names here, `usedBy`).
   */
  usedByCount: number;
  /** For each tag key of those buckets, its distinct values ("(untagged)" = the bucket lacks the tag). */
  tagValues: Array<{ key: string; values: string[] }>;
}

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
  /** The role as read in its account; null when not collected, not configured, or its read failed (then `errors[]` names the call). */
  roleFacts?: RoleFacts | null;
  rules: ReplicationRule[];
}

/** One completed S3 Batch Replication job (S3 Batch Operations, operation S3ReplicateObject) whose manifest generator read this bucket. */
export interface BatchReplicationJob {
  id: string;
  /** Complete here: only finished jobs are collected (ListJobs with JobStatuses Complete). */
  status: string;
  /** ISO dates from DescribeJob, or null when S3 gave none. */
  createdAt: string | null;
  finishedAt: string | null;
  /** ProgressSummary: TotalNumberOfTasks, NumberOfTasksSucceeded, NumberOfTasksFailed. */
  tasks: number;
  succeeded: number;
  failed: number;
}

/** The bucket's batch replication history as S3 Control shows it (jobs of the last 90 days, which is what ListJobs keeps). */
export interface BatchReplication {
  /** Newest first. */
  jobs: BatchReplicationJob[];
}

export interface BucketError {
  /** AWS operation that failed, e.g. `GetBucketReplication`. */
  operation: string;
  /** AWS error code, e.g. `AccessDenied`, or `Timeout`/`NetworkError`. */
  code: string;
  message: string;
}

export interface BucketDocument {
  /**
   * The format version this document was written in: BUCKET_DOCUMENT_SCHEMA_VERSION by this
   * replguard, any 1.x or 2.x when read back (`currentDocument` gives a 1.x one this shape and keeps
   * its version).
   */
  schemaVersion: string;
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
  /**
   * Completed batch replication jobs of the bucket (ListJobs + DescribeJob in its account and
   * Region); null when not collected or the read failed. Absent in documents before 1.2.0.
   */
  batchReplication?: BatchReplication | null;
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
    batchReplication: null,
    collected: [],
    errors: [],
  };
}

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
  /** Access facts (roles, bucket and key policies) some loaded policy reads; default: none. */
  access?: AccessFact[];
  /** Default: none. */
  replicating?: FactName[];
  destinations: FactName[];
}
