/**
 * The sandbox's public API types: the scenario file shape (hand-written by users and tests, see
 * README "Scenarios"), what startSandbox takes and what it returns. The internal contracts (the
 * world the server mutates, the service handler interface) are in core/contracts.ts.
 * The sandbox is an independent oracle: nothing here is shared with the scanner.
 */
import type { ReplicationConfiguration } from "@aws-sdk/client-s3";
import type { World } from "./core/contracts.js";

export type { World };

// ---------------------------------------------------------------- scenario file (the contract)

export interface ScenarioBucket {
  name: string;
  region: string;
  /** "Enabled", "Suspended", or absent = never enabled. */
  versioning?: "Enabled" | "Suspended";
  mfaDelete?: "Enabled" | "Disabled";
  /** Object Lock enabled on create, with an optional default retention. `true` = enabled without default retention. */
  objectLock?: true | { mode?: "GOVERNANCE" | "COMPLIANCE"; days?: number; years?: number };
  encryption?: { algorithm: "AES256" | "aws:kms" | "aws:kms:dsse"; kmsKeyId?: string; bucketKeyEnabled?: boolean };
  tags?: Record<string, string>;
  /** Number of objects (used by later features, e.g. batch replication estimates). */
  objects?: number;
  /** Loaded as written, without S3's write validation, so broken states can be described. */
  replication?: { Role: string; Rules: NonNullable<ReplicationConfiguration["Rules"]> };
  /** Bucket policy document (JSON text or object). */
  policy?: string | IamPolicyDocument | Record<string, unknown>;
  /** PutPublicAccessBlock's PublicAccessBlockConfiguration (SDK v3 shape); absent = never configured. */
  publicAccessBlock?: PublicAccessBlockSettings;
  /** PutBucketOwnershipControls' OwnershipControls (SDK v3 shape); absent = never configured. */
  ownershipControls?: OwnershipControlsSettings;
  /** PutBucketLifecycleConfiguration's LifecycleConfiguration (SDK v3 shape, dates as ISO strings); absent = none. */
  lifecycle?: LifecycleSettings;
  /** Operations on this bucket that answer AccessDenied, e.g. ["GetBucketReplication"]; "ReplicateObject" fails every batch replication task into it. */
  deny?: string[];
  /** Batch replication: how many of this bucket's objects an S3ReplicateObject job fails to replicate (the last N). */
  replicationFailures?: number;
}

/** S3 Batch Operations state of one account (S3 Control): jobs that already exist, calls refused. */
export interface ScenarioBatchOperations {
  jobs?: ScenarioBatchJob[];
  /** S3 Control operations this account's principals are refused (AccessDenied), e.g. ["ListJobs"]. */
  deny?: Array<"CreateJob" | "DescribeJob" | "ListJobs" | "UpdateJobStatus">;
}

/** A batch job that exists when the sandbox starts, in a given status. */
export interface ScenarioBatchJob {
  /** Job id; derived from the account and position when absent. */
  id?: string;
  region: string;
  /** The bucket the job's manifest generator reads (S3ReplicateObject: the source bucket). */
  sourceBucket: string;
  /** OperationName; default S3ReplicateObject. */
  operation?: string;
  status: "Complete" | "Failed" | "Cancelled" | "Suspended" | "Active";
  /** Total tasks; default: the source bucket's object count. */
  tasks?: number;
  /** Failed tasks (the rest succeeded, for a finished job); default 0. */
  failed?: number;
  /** ISO date of creation; default 2024-01-01. */
  createdAt?: string;
  description?: string;
}

export interface PublicAccessBlockSettings {
  BlockPublicAcls?: boolean;
  IgnorePublicAcls?: boolean;
  BlockPublicPolicy?: boolean;
  RestrictPublicBuckets?: boolean;
}

export interface OwnershipControlsSettings {
  Rules: Array<{ ObjectOwnership: "BucketOwnerPreferred" | "ObjectWriter" | "BucketOwnerEnforced" }>;
}

/** Rules as LifecycleRule in SDK v3 (ID, Filter, Status, Expiration, Transitions, ...), kept as written. */
export interface LifecycleSettings {
  Rules: Array<Record<string, unknown> & { Status: "Enabled" | "Disabled" }>;
}

/** An IAM policy document as IAM stores it (Version, Statement); the sandbox evaluates it with iam-simulate. */
export interface IamPolicyDocument {
  Version?: string;
  Id?: string;
  Statement: Record<string, unknown> | Array<Record<string, unknown>>;
}

/** An IAM role of an account (the replication roles the scanner reads with iam:GetRole and friends). */
export interface ScenarioRole {
  name: string;
  /** IAM path, "/" by default, e.g. "/service-role/". */
  path?: string;
  trustPolicy: IamPolicyDocument;
  /** Inline policies by name (ListRolePolicies / GetRolePolicy). */
  inlinePolicies?: Record<string, IamPolicyDocument>;
  /** Managed policy ARNs: the account's own (`managedPolicies`) or AWS managed (arn:aws:iam::aws:policy/...). */
  attachedPolicies?: string[];
  maxSessionDuration?: number;
}

/** A customer managed policy of an account (one version, v1, the default). */
export interface ScenarioManagedPolicy {
  name: string;
  path?: string;
  document: IamPolicyDocument;
}

/** A KMS key of an account; `policy` absent = the default key policy (the account root may do everything). */
export interface ScenarioKmsKey {
  /** Key id (a UUID in AWS; any [A-Za-z0-9-] string here). */
  id: string;
  region: string;
  /** Alias name without the `alias/` prefix. */
  alias?: string;
  policy?: IamPolicyDocument;
}

export interface ScenarioAccount {
  id: string;
  name: string;
  email?: string;
  /** OU path below the root, e.g. "Workloads/Prod"; "" or absent = directly under the root. */
  ou?: string;
  status?: "ACTIVE" | "SUSPENDED" | "PENDING_CLOSURE";
  tags?: Record<string, string>;
  /** false = the audit role does not exist in this account. Default true. */
  auditRole?: boolean | { trusts?: string[]; externalId?: string | null; maxSessionDuration?: number; policy?: IamPolicyDocument };
  /** Access key pair for this account's own principal; generated from the id when absent. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  buckets?: ScenarioBucket[];
  /** S3 Batch Operations jobs and refusals (see s3control/). */
  batchOperations?: ScenarioBatchOperations;
  roles?: ScenarioRole[];
  managedPolicies?: ScenarioManagedPolicy[];
  kmsKeys?: ScenarioKmsKey[];
}

export interface Scenario {
  /**
   * null = a standalone account that is in no organization: `accounts` then holds that one account,
   * and Organizations answers AWSOrganizationsNotInUseException.
   */
  organization: { id: string; managementAccountId: string } | null;
  auditRole?: {
    name?: string;
    externalId?: string | null;
    /** Account ids allowed to assume it; default: the management account. */
    trustedAccounts?: string[];
    /** The role's MaxSessionDuration in seconds (IAM: 3600 to 43200, default 3600). */
    maxSessionDuration?: number;
    /** The role's permissions. Absent = allow everything; present = calls it does not allow answer AccessDenied. */
    policy?: IamPolicyDocument;
  };
  /** A second assumable role in every member account (for `--fix-role-name`); absent = no such role. */
  remediationRole?: { name: string; policy?: IamPolicyDocument; trustedAccounts?: string[]; externalId?: string | null };
  accounts: ScenarioAccount[];
  /** Accounts that are not members of the organization but own buckets (for "destination outside the organization"). */
  externalAccounts?: ScenarioAccount[];
  faults?: FaultOptions;
}

export interface FaultOptions {
  /** Fixed latency added to every call, in ms. */
  latencyMs?: number;
  /** Uniform jitter added on top of latencyMs, in ms. */
  jitterMs?: number;
  /** Probability in [0,1] that a call is throttled (S3 503 SlowDown, Organizations TooManyRequestsException, STS Throttling). */
  throttleRate?: number;
  /** Seed for the jitter and throttle decisions (deterministic). */
  seed?: number;
}

// ---------------------------------------------------------------- startSandbox

export interface SandboxOptions {
  /** "demo" (built in), a path to a scenario file, or a scenario object. Default "demo". */
  scenario?: "demo" | string | Scenario;
  /** Generate a large scenario instead: accounts × buckets per account, seeded. */
  generate?: { accounts: number; buckets: number; seed?: number };
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Overrides the scenario's faults. */
  faults?: FaultOptions;
  /**
   * The sandbox's "now" for issuing and expiring AssumeRole credentials (default: the system clock).
   * Request signing times are still checked against the system clock, as AWS does.
   */
  clock?: () => Date;
}

export interface CallRecord {
  service: "s3" | "sts" | "organizations" | "iam" | "kms" | "unknown";
  /** Operation as the AWS API names it, e.g. GetBucketReplication. */
  operation: string;
  /** Account the caller acts as (null when the request could not be authenticated). */
  account: string | null;
  bucket: string | null;
  /** Region the request was signed for. */
  region: string | null;
  /** HTTP status of the answer. */
  status: number;
  mutating: boolean;
  /** Server time spent, in microseconds, excluding injected latency. */
  serverMicros: number;
  /** Latency the fault injector added to this answer, in milliseconds (0 without latency faults). */
  injectedLatencyMs: number;
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:45678 */
  endpoint: string;
  /** The management account's long-term keys. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  managementAccountId: string;
  /** Live call log (appended as calls are answered). */
  calls: CallRecord[];
  /** `export` lines for a shell. */
  exports(): string;
  /** Moves the sandbox's clock forward (e.g. past an AssumeRole expiry to test ExpiredToken). */
  advanceClock(ms: number): void;
  /** The live simulated state (read it in tests; the server mutates it). */
  world: World;
  close(): Promise<void>;
}
