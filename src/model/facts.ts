/**
 * The one table of facts: every field of the bucket document that replguard learns from AWS (rather
 * than from the rule as written, or the scan's own bookkeeping), with the call that reads it, where
 * it lands, and how a failed read is recorded. The scanner (`scan/facts.ts`, `scan/resolve.ts`),
 * the fact plan (`policy/facts.ts`) and the evaluator (`policy/evaluate.ts`) all read this table,
 * so adding a fact is one entry here plus its reader; `test/model/facts.test.ts` fails when a field
 * of the model is neither a fact's nor listed in GIVEN_FIELDS.
 *
 * How a failed read is recorded, by kind:
 * - `bucket`: a configuration call on one bucket. Its `document` field is null and the bucket's
 *   `errors[]` names the call; a rule into that bucket copies the value into its `destination`
 *   fields, and lists the fact in `destination.unreadable` when the call failed on the destination.
 * - `probe`: HeadBucket, made for a rule's destination outside the scanned inventory, on behalf of
 *   the source bucket. A failed probe is an entry in the source bucket's `errors[]` (operation
 *   `HeadBucket`, the message naming the destination) and the fact in `destination.unreadable`; its
 *   `destination` fields are null or `unknown`.
 * - `organization`: read once per scan from Organizations; a failed read stops the scan (exit 3),
 *   so within a snapshot it is always known.
 * - `access`: who may do what (IAM roles, bucket policies, key policies; docs/iam.md), read once per
 *   role, destination bucket or key, in the account that owns it, only when a loaded policy reads a
 *   field it fills. A failed read is an entry of the source bucket's `errors[]` (one of `calls`) and
 *   the fact in `destination.unreadable` of the rules it concerns.
 * Either way a policy that reads a fact whose read failed evaluates to `error`, and the bucket
 * counts as partially read (coverage incomplete, exit 3).
 */
import type { BucketDocument, ReplicationDestination } from "./bucket-document.js";

export interface FactEntry {
  /** The AWS call that reads it. */
  call: string;
  kind: "bucket" | "probe" | "organization" | "access";
  /** Every call of an `access` fact (the first is `call`), for finding its failures in errors[]. */
  calls?: readonly string[];
  /** Fields of `replication` it fills (an `access` fact of the rule's role). */
  replication?: readonly string[];
  /** Top-level document field it fills (kind `bucket`), or null. */
  document: keyof BucketDocument | null;
  /** Fields of `replication.rules[].destination` it fills. */
  destination: readonly (keyof ReplicationDestination)[];
  /**
   * The IAM actions the reader needs (the call's name is not always the action's: GetBucketReplication
   * is `s3:GetReplicationConfiguration`, HeadBucket is `s3:ListBucket`). `replguard permissions` and
   * deploy/audit-role-policy.json are derived from this column, so the role cannot drift from the scanner.
   */
  actions: readonly string[];
}

export const FACTS = {
  versioning: { call: "GetBucketVersioning", kind: "bucket", document: "versioning", destination: ["versioning"], actions: ["s3:GetBucketVersioning"] },
  replication: { call: "GetBucketReplication", kind: "bucket", document: "replication", destination: [], actions: ["s3:GetReplicationConfiguration"] },
  objectLock: { call: "GetObjectLockConfiguration", kind: "bucket", document: "objectLock", destination: ["objectLock"], actions: ["s3:GetBucketObjectLockConfiguration"] },
  encryption: { call: "GetBucketEncryption", kind: "bucket", document: "encryption", destination: [], actions: ["s3:GetEncryptionConfiguration"] },
  tags: { call: "GetBucketTagging", kind: "bucket", document: "tags", destination: [], actions: ["s3:GetBucketTagging"] },
  /**
   * Completed S3 Batch Replication jobs of the bucket: S3 Control ListJobs (Complete) in the
   * bucket's account and Region, then DescribeJob of each S3ReplicateObject job for its source
   * bucket; read once per account and Region and shared by its buckets. A failed ListJobs or
   * DescribeJob is recorded as a `ListJobs` error (the message names the call).
   */
  batchReplication: {
    call: "ListJobs",
    kind: "bucket",
    document: "batchReplication",
    destination: [],
    actions: ["s3:ListJobs", "s3:DescribeJob"],
  },
  /**
   * Who owns a rule's destination bucket, where it is, whether it exists: from the scanned inventory
   * (ListBuckets of every scanned account) when the bucket is in it, else from HeadBucket. Never
   * from the rule's own `Destination.Account`, which whoever writes the rule controls.
   */
  destinationBucket: {
    call: "HeadBucket",
    kind: "probe",
    document: null,
    destination: ["resolved", "resolution", "account", "declaredAccountStatus", "region", "inOrganization", "crossAccount", "crossRegion"],
    actions: ["s3:ListBucket"],
  },
  /** Whether the rule's declared account is a member account: Organizations ListAccounts, read once per scan. */
  declaredAccountMembership: {
    call: "ListAccounts",
    kind: "organization",
    document: null,
    destination: ["declaredAccountInOrganization"],
    actions: ["organizations:ListAccounts"],
  },
  /**
   * The replication role named by the configuration (read once per role, in its account): trust
   * policy, inline and attached policies; from them `replication.roleFacts` and, with the
   * destination's bucket policy and the key policies, what the role may not do for each rule.
   */
  replicationRole: {
    call: "GetRole",
    calls: ["GetRole", "ListRolePolicies", "GetRolePolicy", "ListAttachedRolePolicies", "GetPolicy", "GetPolicyVersion"],
    kind: "access",
    document: null,
    replication: ["roleFacts"],
    destination: ["roleMissingActions"],
    actions: ["iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:GetPolicy", "iam:GetPolicyVersion"],
  },
  /** A cross-account destination's bucket policy, read in the destination's account (once per bucket). */
  destinationPolicy: { call: "GetBucketPolicy", kind: "access", document: null, destination: ["bucketPolicy"], actions: ["s3:GetBucketPolicy"] },
  /** A cross-account destination's Object Ownership, read in the destination's account. */
  destinationOwnership: { call: "GetBucketOwnershipControls", kind: "access", document: null, destination: ["objectOwnership"], actions: ["s3:GetBucketOwnershipControls"] },
  /** Key policies of the source's SSE-KMS key and the rule's replica key, read in each key's account and Region. */
  keyPolicies: { call: "GetKeyPolicy", kind: "access", document: null, destination: ["keyPoliciesRead"], actions: ["kms:GetKeyPolicy"] },
} as const satisfies Record<string, FactEntry>;

/** Any fact of the table. */
export type AnyFact = keyof typeof FACTS;
/** Facts about who may do what (roles, bucket and key policies), planned by `FactPlan.access`. */
export type AccessFact = { [K in AnyFact]: (typeof FACTS)[K]["kind"] extends "access" ? K : never }[AnyFact];
export const ACCESS_FACTS = (Object.keys(FACTS) as AnyFact[]).filter((f): f is AccessFact => FACTS[f].kind === "access");
/** Every call an access fact makes. */
export const accessCalls = (fact: AccessFact): readonly string[] => {
  const entry: FactEntry = FACTS[fact];
  return entry.calls ?? [entry.call];
};
/** Facts read per bucket by a configuration call: what `collected[]` lists and a scan plan names. */
export type FactName = { [K in AnyFact]: (typeof FACTS)[K]["kind"] extends "bucket" ? K : never }[AnyFact];
/** Facts a destination copies from the destination bucket, or learns by probing it. */
export type DestinationFact = { [K in AnyFact]: (typeof FACTS)[K]["destination"] extends readonly [] ? never : K }[AnyFact];

export const FACT_NAMES = (Object.keys(FACTS) as AnyFact[]).filter((f): f is FactName => FACTS[f].kind === "bucket");
export const DESTINATION_FACTS = (Object.keys(FACTS) as AnyFact[]).filter((f): f is DestinationFact => FACTS[f].destination.length > 0);

/** Which S3 call each collected fact comes from (derived from FACTS). */
export const FACT_SOURCES = Object.fromEntries(FACT_NAMES.map((f) => [f, FACTS[f].call])) as { [K in FactName]: (typeof FACTS)[K]["call"] };

/** The fact that fills a destination field, or undefined for a field taken from the rule as written. */
export function destinationFieldFact(field: string): DestinationFact | undefined {
  return DESTINATION_FACTS.find((f) => (FACTS[f].destination as readonly string[]).includes(field));
}

/**
 * Fields that are no fact: identity, the rule as written, and the scan's bookkeeping. Each is
 * known whenever the document exists (a failed ListBuckets leaves no document at all).
 */
export const GIVEN_FIELDS = {
  document: ["schemaVersion", "arn", "name", "region", "isReplicaDestination", "replicatedFrom", "account", "collected", "errors"],
  destination: ["bucket", "bucketArn", "declaredAccount", "storageClass", "ownerOverride", "replicaKmsKeyId", "replicationTime", "metrics", "unreadable"],
} as const satisfies { document: readonly (keyof BucketDocument)[]; destination: readonly (keyof ReplicationDestination)[] };

/**
 * The calls every scan makes whatever policies are loaded, beside the facts above: the inventory
 * (ListBuckets, GetBucketLocation for a bucket listed without a region) in each account, and the
 * organization's tree in the management account (src/org/discover.ts). Each names its IAM action.
 */
export const SCAN_CALLS = [
  { call: "ListBuckets", service: "s3", action: "s3:ListAllMyBuckets" },
  { call: "GetBucketLocation", service: "s3", action: "s3:GetBucketLocation" },
  { call: "DescribeOrganization", service: "organizations", action: "organizations:DescribeOrganization" },
  { call: "ListRoots", service: "organizations", action: "organizations:ListRoots" },
  { call: "ListAccounts", service: "organizations", action: "organizations:ListAccounts" },
  { call: "ListOrganizationalUnitsForParent", service: "organizations", action: "organizations:ListOrganizationalUnitsForParent" },
  { call: "ListAccountsForParent", service: "organizations", action: "organizations:ListAccountsForParent" },
  { call: "ListParents", service: "organizations", action: "organizations:ListParents" },
  { call: "ListTagsForResource", service: "organizations", action: "organizations:ListTagsForResource" },
] as const satisfies readonly { call: string; service: "s3" | "organizations"; action: string }[];
