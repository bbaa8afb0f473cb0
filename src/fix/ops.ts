/**
 * One step against S3: read the current value (in the step's `before` shape), write, and read
 * back. Every write names the expected bucket owner, so a bucket that changed hands is refused by
 * S3 rather than written.
 */
import {
  CreateBucketCommand,
  DeleteBucketReplicationCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  type BucketLocationConstraint,
  type ReplicationConfiguration,
  type S3Client,
} from "@aws-sdk/client-s3";
import { awsErrorCode } from "../aws/index.js";
import { applyChanges, sameConfiguration } from "./rules.js";
import type { FixStep, ObjectLockValue, VersioningValue } from "./types.js";

/** What a step's bucket holds now: the value its `before` describes. `exists` is for CreateBucket. */
export type Current = VersioningValue | ObjectLockValue | ReplicationConfiguration | { exists: true } | null;

const notFound = (error: unknown, codes: string[]): boolean => codes.includes(awsErrorCode(error));

export async function readVersioning(s3: S3Client, bucket: string, owner: string): Promise<VersioningValue> {
  const out = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket, ExpectedBucketOwner: owner }));
  return out.Status === "Enabled" || out.Status === "Suspended" ? { Status: out.Status } : null;
}

export async function readReplication(s3: S3Client, bucket: string, owner: string): Promise<ReplicationConfiguration | null> {
  try {
    const out = await s3.send(new GetBucketReplicationCommand({ Bucket: bucket, ExpectedBucketOwner: owner }));
    return out.ReplicationConfiguration ?? null;
  } catch (error) {
    if (notFound(error, ["ReplicationConfigurationNotFoundError"])) return null;
    throw error;
  }
}

async function readObjectLock(s3: S3Client, bucket: string, owner: string): Promise<ObjectLockValue> {
  try {
    const out = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket, ExpectedBucketOwner: owner }));
    return out.ObjectLockConfiguration?.ObjectLockEnabled === "Enabled" ? { ObjectLockEnabled: "Enabled" } : null;
  } catch (error) {
    if (notFound(error, ["ObjectLockConfigurationNotFoundError"])) return null;
    throw error;
  }
}

async function bucketExists(s3: S3Client, bucket: string): Promise<{ exists: true } | null> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return { exists: true };
  } catch (error) {
    if (notFound(error, ["NotFound", "NoSuchBucket"])) return null;
    // S3's bodiless 403 to HEAD: the name is taken (by another account). Not "AccessDenied": that
    // is a failed AssumeRole or a denied caller, which says nothing about the bucket.
    if (notFound(error, ["Forbidden", "403"])) return { exists: true };
    throw error;
  }
}

export async function readCurrent(s3: S3Client, step: FixStep): Promise<Current> {
  switch (step.operation) {
    case "CreateBucket":
      return bucketExists(s3, step.bucket);
    case "PutBucketVersioning":
      return readVersioning(s3, step.bucket, step.accountId);
    case "PutObjectLockConfiguration":
      return readObjectLock(s3, step.bucket, step.accountId);
    case "PutBucketReplication":
      return readReplication(s3, step.bucket, step.accountId);
  }
}

/** The current value is what the plan was made from (else someone changed the bucket meanwhile). */
export function matchesBefore(step: FixStep, current: Current): boolean {
  if (step.operation === "PutBucketReplication") return sameConfiguration(current as ReplicationConfiguration | null, step.before);
  return JSON.stringify(current) === JSON.stringify(step.before);
}

/** The value to write: for replication, the live configuration with the plan's changes (every other rule as read). */
export function valueToWrite(step: FixStep, current: Current): unknown {
  return step.operation === "PutBucketReplication" ? applyChanges(current as ReplicationConfiguration | null, step.changes) : step.after;
}

export async function write(s3: S3Client, step: FixStep, value: unknown): Promise<void> {
  const target = { Bucket: step.bucket, ExpectedBucketOwner: step.accountId };
  switch (step.operation) {
    case "CreateBucket":
      await s3.send(new CreateBucketCommand({
        Bucket: step.bucket,
        ...(step.region === "us-east-1" ? {} : { CreateBucketConfiguration: { LocationConstraint: step.region as BucketLocationConstraint } }),
        ...(step.after.ObjectLockEnabledForBucket ? { ObjectLockEnabledForBucket: true } : {}),
      }));
      return;
    case "PutBucketVersioning":
      await s3.send(new PutBucketVersioningCommand({ ...target, VersioningConfiguration: value as { Status: "Enabled" | "Suspended" } }));
      return;
    case "PutObjectLockConfiguration":
      await s3.send(new PutObjectLockConfigurationCommand({ ...target, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled" } }));
      return;
    case "PutBucketReplication":
      if (value === null) await s3.send(new DeleteBucketReplicationCommand(target));
      else await s3.send(new PutBucketReplicationCommand({ ...target, ReplicationConfiguration: value as ReplicationConfiguration }));
      return;
  }
}

/** Reads back and compares with what was written: a write S3 accepted but did not keep is a failure. */
export async function verify(s3: S3Client, step: FixStep, written: unknown): Promise<string | null> {
  const now = await readCurrent(s3, step);
  const same =
    step.operation === "PutBucketReplication"
      ? sameConfiguration(now as ReplicationConfiguration | null, written as ReplicationConfiguration | null)
      : step.operation === "CreateBucket"
        ? now !== null
        : JSON.stringify(now) === JSON.stringify(written);
  return same ? null : `read back ${JSON.stringify(now)}, not what was written`;
}
