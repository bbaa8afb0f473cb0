/**
 * Types of the Terraform half of drift: what a `terraform show -json` file declares, normalised to
 * the bucket document's meaning, and how the live buckets of a snapshot differ from it.
 */
import type { MfaDeleteStatus, VersioningStatus } from "./bucket-document.js";

/** Where a declaration comes from: the resource's address and the file. */
export interface DeclaredSource {
  /** Terraform resource address, e.g. `module.logs.aws_s3_bucket_versioning.this[0]`. */
  address: string;
  /** Resource type, e.g. `aws_s3_bucket_replication_configuration`. */
  type: string;
  /**
   * Attribute paths of this resource whose value a plan only knows after apply (from
   * `resource_changes[].change.after_unknown`), e.g. `rule.0.destination.0.bucket`. Empty for state.
   */
  unknown: string[];
}

/**
 * A declared versioning status. `NotEnabled` is provider v3's `versioning { enabled = false }`: the
 * provider leaves a never-versioned bucket alone and suspends a versioned one, so both
 * `Suspended` and `Disabled` mean what it declares.
 */
export type DeclaredVersioningStatus = VersioningStatus | "NotEnabled";

export interface DeclaredVersioning {
  status: DeclaredVersioningStatus;
  /** Null when the configuration does not say (then it is not compared). */
  mfaDelete: MfaDeleteStatus | null;
}

export interface DeclaredRetention {
  mode: "GOVERNANCE" | "COMPLIANCE" | null;
  days: number | null;
  years: number | null;
}

export interface DeclaredObjectLock {
  enabled: boolean;
  /**
   * Default retention: null = declared to have none; undefined = not declared (provider v4+'s
   * `aws_s3_bucket.object_lock_enabled` alone says nothing about it), so not compared.
   */
  retention?: DeclaredRetention | null;
}

/** The fields of a replication rule drift compares: the rule as written, in the bucket document's meaning. */
export interface ComparableRule {
  /** Null when Terraform leaves the id to S3 (then the rule is matched by priority). */
  id: string | null;
  /** V1 rules (no filter) have none; compared as 0, S3's default for V2 rules. */
  priority: number;
  enabled: boolean;
  prefix: string | null;
  tags: Record<string, string>;
  deleteMarkerReplication: boolean;
  existingObjectReplication: boolean;
  replicaModifications: boolean;
  sseKmsEncryptedObjects: boolean;
  destination: {
    bucket: string;
    /** `Destination.Account` as written, or null. */
    account: string | null;
    storageClass: string | null;
    ownerOverride: boolean;
    replicaKmsKeyId: string | null;
    replicationTime: { enabled: boolean; minutes: number | null };
    metrics: { enabled: boolean; minutes: number | null };
  };
}

export interface DeclaredReplication {
  role: string | null;
  rules: ComparableRule[];
}

/** One fact of one bucket as declared, with the resource that declares it. */
export interface Declared<T> {
  source: DeclaredSource;
  value: T;
}

/** Everything the Terraform file declares about one bucket (a fact absent here is not declared). */
export interface DeclaredBucket {
  bucket: string;
  /** Every resource that names this bucket, sorted. */
  addresses: string[];
  /** Address of the `aws_s3_bucket` a plan creates (so its absence in AWS is expected), else null. */
  createdBy: string | null;
  versioning?: Declared<DeclaredVersioning>;
  objectLock?: Declared<DeclaredObjectLock>;
  replication?: Declared<DeclaredReplication>;
}

/** A resource whose `bucket` is only known after apply: it cannot be matched to a live bucket yet. */
export interface UnplacedResource {
  address: string;
  type: string;
}

export interface TerraformDeclaration {
  file: string;
  /** `plan` (planned_values of a saved plan) or `state` (values). */
  kind: "plan" | "state";
  formatVersion: string;
  terraformVersion: string | null;
  /** Sorted by bucket name. */
  buckets: DeclaredBucket[];
  unplaced: UnplacedResource[];
}

/**
 * What one drift item says:
 * - `changed`: a fact differs, declared → live;
 * - `rule-missing`: a declared rule is not in AWS; `rule-undeclared`: a live rule Terraform does not declare;
 * - `bucket-missing`: a declared bucket is not in the scan, which covered everywhere it could be;
 * - `replication-undeclared`: a bucket replicates in AWS, and no resource declares its replication;
 * - `unknown-until-apply`: the plan only knows the value after apply, so it cannot be compared (not drift);
 * - `not-read`: the live fact was not read (a failed call, a fact the scan did not collect, an
 *   account or region the scan did not cover), so it cannot be compared (not drift, never "no drift").
 */
export const TERRAFORM_DRIFT_KINDS = [
  "changed",
  "rule-missing",
  "rule-undeclared",
  "bucket-missing",
  "replication-undeclared",
  "unknown-until-apply",
  "not-read",
] as const;
export type TerraformDriftKind = (typeof TERRAFORM_DRIFT_KINDS)[number];

/** Kinds that are drift (exit 5); the others say a comparison could not be made. */
export const TERRAFORM_DRIFTED_KINDS: readonly TerraformDriftKind[] = ["changed", "rule-missing", "rule-undeclared", "bucket-missing", "replication-undeclared"];

export interface TerraformDriftItem {
  kind: TerraformDriftKind;
  bucket: string;
  /** Account of the live bucket, or null when it is not in the scan. */
  accountId: string | null;
  /** What differs, e.g. `versioning.status`, `replication.rules[backup].destination.bucket`; `` for the whole bucket. */
  field: string;
  /** Declared value (null when nothing is declared). */
  declared: unknown;
  /** Live value (null when absent or not read). */
  live: unknown;
  /** Terraform address of the declaring resource, or null for a live-only finding. */
  address: string | null;
  /** One sentence a person understands. */
  message: string;
}

export const TERRAFORM_DRIFT_SCHEMA_VERSION = "1.0.0" as const;

export interface TerraformDrift {
  kind: "replguard-terraform-drift";
  schemaVersion: typeof TERRAFORM_DRIFT_SCHEMA_VERSION;
  terraform: { file: string; kind: "plan" | "state"; formatVersion: string; terraformVersion: string | null };
  snapshot: { startedAt: string; finishedAt: string; complete: boolean };
  /** Items per kind (every kind present, zero included). */
  counts: Record<TerraformDriftKind, number>;
  /** True when at least one item is drift (a kind in TERRAFORM_DRIFTED_KINDS). */
  drifted: boolean;
  /** Sorted by bucket, field, kind. */
  items: TerraformDriftItem[];
}
