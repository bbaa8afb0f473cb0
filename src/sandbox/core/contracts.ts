/**
 * The sandbox's internal contracts: the in-memory world the server mutates (built from a scenario
 * by world.ts), and the request/response every service handler (s3/, sts/, organizations/) speaks.
 * Not part of the public API (types.ts), except that `Sandbox.world` exposes the World to tests.
 */
import type { ReplicationConfiguration } from "@aws-sdk/client-s3";
import type { IamPolicyDocument, LifecycleSettings, OwnershipControlsSettings, PublicAccessBlockSettings } from "../types.js";

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
  publicAccessBlock: PublicAccessBlockSettings | undefined;
  ownershipControls: OwnershipControlsSettings | undefined;
  lifecycle: LifecycleSettings | undefined;
  replication: { Role: string; Rules: NonNullable<ReplicationConfiguration["Rules"]> } | undefined;
  deny: Set<string>;
  /** The scenario's object count (objects that exist but whose bodies the sandbox does not hold). */
  objects: number;
  /** Objects with bodies, by key: written through PutObject/multipart, or by the sandbox itself (e.g. a Batch Operations completion report). */
  stored: Map<string, StoredObject>;
  /** Objects an S3ReplicateObject batch job fails to replicate (the last N of the bucket's objects); scenario `replicationFailures`. */
  replicationFailures?: number;
}

/** One object the sandbox holds (latest version only). */
export interface StoredObject {
  body: Buffer;
  contentType: string;
  /** Quoted hex MD5 for a single PUT, or `"<md5-of-md5s>-<parts>"` for a multipart upload, as S3 gives. */
  etag: string;
  lastModified: Date;
  /** x-amz-meta-* headers, lower-case names without the prefix. */
  metadata: Record<string, string>;
  /** Server-side encryption as requested: AES256, aws:kms (with key id) or absent. */
  sse?: { algorithm: string; kmsKeyId?: string };
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
  /** The audit role, if it exists: who may assume it, the ExternalId it requires, its permissions (null = allow everything). */
  auditRole: AssumableRoleState | null;
  /** The remediation role (`--fix-role-name`), if the scenario describes one. */
  remediationRole: AssumableRoleState | null;
  joinedAt: Date;
  /** S3 Control (Batch Operations) calls this account's principals are refused (scenario `batchOperations.deny`). */
  batchDeny?: Set<string>;
  /** The account's IAM roles by name (the scenario's `roles`). */
  roles: Map<string, RoleState>;
  /** Customer managed policies by ARN. */
  managedPolicies: Map<string, ManagedPolicyState>;
  /** KMS keys by key id. */
  kmsKeys: Map<string, KmsKeyState>;
}

/** A role replguard assumes (audit, remediation). No `policy` = allow everything (no enforcement). */
export interface AssumableRoleState {
  trustedAccounts: string[];
  externalId: string | null;
  maxSessionDuration: number;
  policy?: IamPolicyDocument;
}

export interface RoleState {
  name: string;
  path: string;
  arn: string;
  /** AROA… unique id, stable per scenario. */
  roleId: string;
  trustPolicy: IamPolicyDocument;
  inlinePolicies: Map<string, IamPolicyDocument>;
  attachedPolicies: string[];
  maxSessionDuration: number;
  createdAt: Date;
}

export interface ManagedPolicyState {
  name: string;
  path: string;
  arn: string;
  /** ANPA… unique id. */
  policyId: string;
  document: IamPolicyDocument;
  createdAt: Date;
}

export interface KmsKeyState {
  id: string;
  arn: string;
  accountId: string;
  region: string;
  alias: string | null;
  /** The key policy as GetKeyPolicy returns it (JSON text). */
  policy: string;
  createdAt: Date;
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
  /** null when the scenario's account is in no organization. */
  organizationId: string | null;
  /** The management account, or the standalone account when there is no organization. */
  managementAccountId: string;
  rootId: string;
  auditRoleName: string;
  /** Name of the remediation role in every member account, or null. */
  remediationRoleName: string | null;
  accounts: Map<string, AccountState>;
  ous: Map<string, OrganizationalUnitState>;
  /** Bucket names are global, as in S3. */
  buckets: Map<string, BucketState>;
  keys: Map<string, KeyState>;
  /** S3 Batch Operations jobs (S3 Control), by job id; see s3control/. */
  batchJobs: Map<string, BatchJobState>;
}

/** S3 Batch Operations job statuses (S3 Control JobStatus). */
export type BatchJobStatus =
  | "New" | "Preparing" | "Suspended" | "Ready" | "Active" | "Pausing" | "Paused" | "Completing" | "Complete"
  | "Failing" | "Failed" | "Cancelling" | "Cancelled";

/** One S3 Batch Operations job as the sandbox keeps it (s3control/jobs.ts moves it along its lifecycle). */
export interface BatchJobState {
  id: string;
  accountId: string;
  region: string;
  status: BatchJobStatus;
  /** OperationName, e.g. S3ReplicateObject. */
  operation: string;
  confirmationRequired: boolean;
  priority: number;
  roleArn: string;
  description?: string;
  clientRequestToken?: string;
  /** SHA-256 of the CreateJob body: a retry under the same token must send the same request. */
  requestDigest?: string;
  /** The request's Operation, Manifest, ManifestGenerator and Report elements as XML, echoed by DescribeJob. */
  echo: string;
  /** Bucket named by the manifest generator's SourceBucket ARN (null when the job has a manifest file instead). */
  sourceBucket: string | null;
  report: { enabled: boolean; bucket?: string; prefix?: string; scope?: "AllTasks" | "FailedTasksOnly" };
  /** Known once Preparing is over. */
  totalTasks?: number;
  succeeded: number;
  failed: number;
  createdAt: Date;
  activeSince?: Date;
  activeSeconds: number;
  terminatedAt?: Date;
  suspendedAt?: Date;
  suspendedCause?: string;
  statusUpdateReason?: string;
  failureReasons: Array<{ code: string; reason: string }>;
  /** Sub-steps of Active (0 = no task run yet); see s3control/jobs.ts. */
  step: number;
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
  /** Trailing headers of an aws-chunked body (e.g. x-amz-checksum-crc32), lower-case names; absent = none. */
  trailers?: Record<string, string>;
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
