/**
 * IAM policy documents replguard ships and prints (`replguard permissions`, deploy/*.json), and the
 * write calls of the separate remediation role. The audit role's read actions come from the FACTS
 * table and SCAN_CALLS (facts.ts); this file holds only what `--fix` adds, which no fact names.
 */

export interface IamStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface IamPolicyDocument {
  Version: "2012-10-17";
  Statement: IamStatement[];
}

/**
 * What the remediation role (`--fix-role-name`, never the audit role) needs: each fix's write, the
 * read-back that verifies it took (a fix is reported applied only once read back), and PassRole on
 * the replication role S3 assumes. Kept apart from the audit role so `audit` can never write.
 */
export const REMEDIATION_CALLS = [
  { call: "PutBucketVersioning", action: "s3:PutBucketVersioning" },
  { call: "PutBucketReplication", action: "s3:PutReplicationConfiguration" },
  // Rollback of a rule a fix added to a bucket that had none; S3 authorizes it as the Put.
  { call: "DeleteBucketReplication", action: "s3:PutReplicationConfiguration" },
  { call: "CreateBucket", action: "s3:CreateBucket" },
  { call: "PutObjectLockConfiguration", action: "s3:PutBucketObjectLockConfiguration" },
  { call: "GetBucketVersioning", action: "s3:GetBucketVersioning" },
  { call: "GetBucketReplication", action: "s3:GetReplicationConfiguration" },
  { call: "GetObjectLockConfiguration", action: "s3:GetBucketObjectLockConfiguration" },
  { call: "GetBucketLocation", action: "s3:GetBucketLocation" },
  { call: "HeadBucket", action: "s3:ListBucket" },
  { call: "ListBuckets", action: "s3:ListAllMyBuckets" },
  // --replicate-existing: the S3 Batch Replication job of objects that predate the rule (src/fix/batch).
  { call: "CreateJob", action: "s3:CreateJob" },
  { call: "DescribeJob", action: "s3:DescribeJob" },
  { call: "UpdateJobStatus", action: "s3:UpdateJobStatus" },
] as const satisfies readonly { call: string; action: string }[];

/**
 * The one object read a fix makes: a Batch Replication job's completion report, which S3 writes
 * under `<prefix>/job-<id>/` (src/fix/batch/report.ts). Scoped to those keys so the remediation role
 * cannot read the organization's data.
 */
export const BATCH_REPORT_OBJECTS = "arn:aws:s3:::*/*job-*/*";

/**
 * Replication roles the remediation role may hand to S3 (PutBucketReplication names one): only roles
 * whose name starts with this, and only to S3, so the fix cannot pass an administrator role anywhere.
 */
export const REPLICATION_ROLE_PATTERN = "arn:aws:iam::*:role/replguard-replication*";
