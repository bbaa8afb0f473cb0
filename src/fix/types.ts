/**
 * The fix plan: plain data from the planner to the writers (plan.json, fix.sh, fix.tf), the
 * terminal diff and the applier. Its JSON Schema is schemas/fix-plan.schema.json. Shapes of AWS
 * values (versioning, replication configuration) are the SDK's input shapes, so what the plan
 * shows is exactly what is sent.
 */
import type { ReplicationConfiguration, ReplicationRule } from "@aws-sdk/client-s3";

export const FIX_PLAN_SCHEMA_VERSION = "1.0.0" as const;

/** The fix names policies may give (`remediation.fix`); anything else is manual. */
export const FIX_NAMES = [
  "enable-versioning",
  "enable-destination-versioning",
  "configure-replication",
  "enable-replication-rules",
  "enable-owner-override",
  "disable-delete-marker-replication",
  "enable-replication-time-control",
  "cover-all-objects",
  "set-replica-kms-key",
  "enable-destination-object-lock",
] as const;
export type FixName = (typeof FIX_NAMES)[number];

/** One change to a replication configuration, applied to whatever configuration is live at write time. */
export type RuleChange =
  | { kind: "set-role"; role: string }
  | { kind: "add-rule"; rule: ReplicationRule }
  | { kind: "enable-rule"; ruleId: string }
  | { kind: "owner-override"; ruleId: string; account: string }
  | { kind: "disable-delete-markers"; ruleId: string }
  | { kind: "replication-time"; ruleId: string; minutes: number }
  | { kind: "replica-kms-key"; ruleId: string; keyId: string };

interface StepBase {
  /** Unique in the plan, e.g. `222222222222/prod-data/2`. */
  id: string;
  accountId: string;
  bucket: string;
  region: string;
  /** Policy ids (and the bucket whose result they are) this step makes pass. */
  reason: string[];
  /** Steps (ids) that must have been applied first: a destination's versioning before the source's rule. */
  dependsOn: string[];
}

export type VersioningValue = { Status: "Enabled" | "Suspended" } | null;
export type ObjectLockValue = { ObjectLockEnabled: "Enabled" } | null;

export type FixStep =
  | (StepBase & { operation: "CreateBucket"; before: null; after: { ObjectLockEnabledForBucket: boolean } })
  | (StepBase & { operation: "PutBucketVersioning"; before: VersioningValue; after: { Status: "Enabled" } })
  | (StepBase & { operation: "PutObjectLockConfiguration"; before: ObjectLockValue; after: { ObjectLockEnabled: "Enabled" } })
  | (StepBase & {
      operation: "PutBucketReplication";
      /** The configuration the plan was made from (null: none); `after` = `before` + `changes`. */
      before: ReplicationConfiguration | null;
      after: ReplicationConfiguration;
      changes: RuleChange[];
      /** `live`: read from S3 when planning; `snapshot`: rebuilt from the snapshot's bucket document. */
      beforeSource: "live" | "snapshot";
    });

export type FixOperation = FixStep["operation"];

/** The order the applier runs operations in: a bucket exists and is versioned before a rule points at it. */
export const OPERATION_ORDER: readonly FixOperation[] = ["CreateBucket", "PutBucketVersioning", "PutObjectLockConfiguration", "PutBucketReplication"];

export interface PlannedBucket {
  accountId: string;
  bucket: string;
  region: string;
  /** Ordered steps, all writing this bucket. */
  steps: FixStep[];
}

export interface PlannedAccount {
  accountId: string;
  buckets: PlannedBucket[];
}

/** A failing result the planner cannot fix safely, and why. */
export interface ManualFix {
  accountId: string;
  bucket: string;
  policyId: string;
  reason: string;
}

/** A failing result a step is meant to make pass: the before half of the before/after report. */
export interface TargetResult {
  accountId: string;
  bucket: string;
  bucketArn: string;
  policyId: string;
  fix: FixName;
}

export interface FixPlan {
  kind: "replguard-fix-plan";
  schemaVersion: typeof FIX_PLAN_SCHEMA_VERSION;
  createdAt: string;
  /** When the scan the plan was made from finished. */
  scannedAt: string;
  mode: "organization" | "single-account";
  accounts: PlannedAccount[];
  targets: TargetResult[];
  manual: ManualFix[];
}

/** What happened to one step: a typed result, never a bare boolean. */
export type StepOutcome =
  | { status: "applied" }
  | { status: "dry-run" }
  | { status: "skipped-conflict"; detail: string }
  | { status: "skipped-dependency"; detail: string }
  | { status: "failed"; code: string; message: string };

export interface StepResult {
  step: FixStep;
  outcome: StepOutcome;
}
