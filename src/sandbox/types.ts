/**
 * Sandbox contracts: the scenario file shape (hand-written by users and tests, see README
 * "Scenarios"), the in-memory world the server mutates, and the interface each service handler
 * implements. The sandbox is an independent oracle: nothing here is shared with the scanner.
 */
import type { ReplicationConfiguration } from "@aws-sdk/client-s3";

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
  policy?: string | Record<string, unknown>;
  /** Operations on this bucket that answer AccessDenied, e.g. ["GetBucketReplication"]. */
  deny?: string[];
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
  auditRole?: boolean | { trusts?: string[]; externalId?: string | null };
  /** Access key pair for this account's own principal; generated from the id when absent. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  buckets?: ScenarioBucket[];
}

export interface Scenario {
  organization: { id: string; managementAccountId: string };
  auditRole?: {
    name?: string;
    externalId?: string | null;
    /** Account ids allowed to assume it; default: the management account. */
    trustedAccounts?: string[];
  };
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
  service: "s3" | "sts" | "organizations" | "unknown";
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

// ---------------------------------------------------------------- world state (mutable)

export interface BucketState {
  name: string;
  accountId: string;
  region: string;
  createdAt: Date;
  versioning: "Enabled" | "Suspended" | undefined;
  mfaDelete: "Enabled" | "Disabled" | undefined;
  objectLockEnabled: boolean;
  objectLockRule: { mode: "GOVERNANCE" | "COMPLIANCE"; days?: number; years?: number } | undefined;
  encryption: { algorithm: string; kmsKeyId?: string; bucketKeyEnabled?: boolean } | undefined;
  tags: Record<string, string> | undefined;
  policy: string | undefined;
  replication: { Role: string; Rules: NonNullable<ReplicationConfiguration["Rules"]> } | undefined;
  deny: Set<string>;
  objects: number;
}

export interface AccountState {
  id: string;
  name: string;
  email: string;
  status: "ACTIVE" | "SUSPENDED" | "PENDING_CLOSURE";
  /** OU id the account sits in (root id when directly under the root). */
  parentId: string;
  tags: Record<string, string>;
  member: boolean;
  /** The audit role, if it exists: who may assume it and the ExternalId it requires. */
  auditRole: { trustedAccounts: string[]; externalId: string | null } | null;
  joinedAt: Date;
}

export interface OrganizationalUnitState {
  id: string;
  name: string;
  parentId: string;
  arn: string;
}

/** A key the sandbox accepts: long-term (per account) or issued by AssumeRole. */
export interface KeyState {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  /** ARN of the principal, e.g. arn:aws:iam::111111111111:root or an assumed-role ARN. */
  principalArn: string;
  userId: string;
  sessionToken?: string;
  expiresAt?: Date;
}

export interface World {
  organizationId: string;
  managementAccountId: string;
  rootId: string;
  auditRoleName: string;
  accounts: Map<string, AccountState>;
  ous: Map<string, OrganizationalUnitState>;
  /** Bucket names are global, as in S3. */
  buckets: Map<string, BucketState>;
  keys: Map<string, KeyState>;
}

// ---------------------------------------------------------------- handlers

/** An authenticated request, as a service handler sees it. */
export interface SandboxRequest {
  method: string;
  /** Path without the bucket when the bucket came from a virtual-hosted Host header. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
  /** Region and service from the SigV4 credential scope. */
  region: string;
  service: string;
  caller: KeyState;
  /** Bucket named by the Host header (virtual-hosted style), if any. */
  hostBucket: string | null;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** For the call log. */
  operation: string;
  bucket?: string | null;
  mutating?: boolean;
}

export type ServiceHandler = (request: SandboxRequest, world: World) => SandboxResponse | Promise<SandboxResponse>;
