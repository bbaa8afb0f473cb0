/**
 * The tasks of an S3ReplicateObject job: one per object of the source bucket (objects with bodies
 * first, then the scenario's `objects` count as synthetic keys), and whether each one replicates.
 * A destination that cannot take replicas fails every task; `replicationFailures` fails the last N.
 * Outcomes are built only when the report is written (Complete), never held on the job.
 */
import { createHash } from "node:crypto";
import type { BucketState, World } from "../core/contracts.js";

export interface TaskOutcome {
  key: string;
  versionId: string;
  ok: boolean;
  /** HTTP status and error code of a failed task. */
  httpStatus: number;
  errorCode: string;
  message: string;
}

/** Synthetic key of the i-th scenario object (0-based), sorted like S3 lists them. */
export const syntheticKey = (index: number): string => `object-${String(index + 1).padStart(6, "0")}`;

const versionIdOf = (bucket: BucketState, key: string): string =>
  bucket.versioning === undefined ? "" : createHash("sha256").update(`${bucket.name}/${key}`).digest("base64url").slice(0, 32);

export const taskCount = (bucket: BucketState): number => bucket.stored.size + bucket.objects;

/** Why every task of a job on this bucket fails, or null when the destinations can take replicas. */
function destinationProblem(bucket: BucketState, world: World): Omit<TaskOutcome, "key" | "versionId" | "ok"> | null {
  for (const rule of bucket.replication?.Rules ?? []) {
    if (rule.Status !== "Enabled") continue;
    const name = (rule.Destination?.Bucket ?? "").replace(/^arn:aws:s3:::/, "");
    const destination = world.buckets.get(name);
    if (destination === undefined) return { httpStatus: 404, errorCode: "NoSuchBucket", message: `The destination bucket ${name} does not exist` };
    if (destination.deny.has("ReplicateObject")) return { httpStatus: 403, errorCode: "AccessDenied", message: "Access Denied" };
    if (destination.versioning !== "Enabled") {
      return { httpStatus: 400, errorCode: "InvalidRequest", message: `Versioning must be enabled on the destination bucket ${name}` };
    }
  }
  return null;
}

/** Every task's outcome, in order. */
export function allOutcomes(bucket: BucketState, world: World): TaskOutcome[] {
  const problem = destinationProblem(bucket, world);
  const storedKeys = [...bucket.stored.keys()].sort();
  const total = taskCount(bucket);
  const failFrom = problem !== null ? 0 : total - (bucket.replicationFailures ?? 0);
  const outcomes: TaskOutcome[] = [];
  for (let index = 0; index < total; index++) {
    const key = index < storedKeys.length ? (storedKeys[index] as string) : syntheticKey(index - storedKeys.length);
    const versionId = versionIdOf(bucket, key);
    if (index < failFrom) outcomes.push({ key, versionId, ok: true, httpStatus: 200, errorCode: "", message: "Successful" });
    else outcomes.push({ key, versionId, ok: false, ...(problem ?? { httpStatus: 403, errorCode: "AccessDenied", message: "Access Denied" }) });
  }
  return outcomes;
}

/** How many tasks fail, without building the list. */
export function failedCount(bucket: BucketState, world: World): number {
  const total = taskCount(bucket);
  return destinationProblem(bucket, world) !== null ? total : Math.min(total, bucket.replicationFailures ?? 0);
}
