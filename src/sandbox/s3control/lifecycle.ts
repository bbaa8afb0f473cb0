/**
 * A job's lifecycle as S3 shows it (https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-job-status.html):
 * New → Preparing → Suspended (ConfirmationRequired: "awaiting your confirmation") → Ready → Active
 * → Completing → Complete, or Failed / Cancelled. The sandbox moves a job one step each time a
 * DescribeJob reads it (after answering), so a test or a client that follows a job sees every
 * status in order and no wall clock decides anything. Active takes two reads: none of the tasks
 * run, then half of them, then Completing with all of them counted.
 */
import type { BatchJobState, BucketState, World } from "../core/contracts.js";
import { writeCompletionReport } from "./report.js";
import { allOutcomes, failedCount, taskCount } from "./tasks.js";

/** "If the task failure rate exceeds 50% after at least 1,000 tasks have been attempted, the job fails" (batch-ops-job-status, Job failure threshold). */
const FAILURE_THRESHOLD_TASKS = 1000;
const TERMINAL = new Set(["Complete", "Failed", "Cancelled"]);

export const isTerminal = (job: BatchJobState): boolean => TERMINAL.has(job.status);

const fail = (job: BatchJobState, code: string, reason: string, now: Date): void => {
  job.status = "Failed";
  job.failureReasons.push({ code, reason });
  job.terminatedAt = now;
};

/** Why the job cannot start on its source bucket, or null. Failure codes are the sandbox's own words. */
function preparingProblem(job: BatchJobState, world: World, source: BucketState | undefined): [string, string] | null {
  if (job.operation !== "S3ReplicateObject") return null;
  if (source === undefined) return ["ManifestGenerationFailed", `The source bucket ${job.sourceBucket ?? "(none)"} does not exist`];
  if (source.region !== job.region) return ["ManifestGenerationFailed", `The source bucket ${source.name} is in ${source.region}, not in the job's Region ${job.region}`];
  if (!(source.replication?.Rules ?? []).some((rule) => rule.Status === "Enabled")) {
    return ["ReplicationConfigurationNotFound", `The source bucket ${source.name} has no enabled replication rule`];
  }
  if (job.report.enabled && (job.report.bucket === undefined || !world.buckets.has(job.report.bucket))) {
    return ["ReportBucketNotFound", `The report bucket ${job.report.bucket ?? "(none)"} does not exist`];
  }
  return null;
}

function prepare(job: BatchJobState, world: World, now: Date): void {
  const source = job.sourceBucket === null ? undefined : world.buckets.get(job.sourceBucket);
  const problem = preparingProblem(job, world, source);
  if (problem !== null) {
    fail(job, problem[0], problem[1], now);
    return;
  }
  job.totalTasks = source === undefined ? 0 : taskCount(source);
  if (job.confirmationRequired) {
    job.status = "Suspended";
    job.suspendedAt = now;
    job.suspendedCause = "AwaitingConfirmation";
  } else {
    job.status = "Ready";
  }
}

/** Runs the tasks: half of them on the first Active read, the rest on the second. */
function run(job: BatchJobState, world: World, now: Date): void {
  const source = job.sourceBucket === null ? undefined : world.buckets.get(job.sourceBucket);
  const total = job.totalTasks ?? 0;
  const failed = source === undefined ? 0 : failedCount(source, world);
  const done = job.step === 0 ? Math.ceil(total / 2) : total;
  // Failures come last (tasks.ts), unless every task fails.
  job.failed = failed === total ? done : Math.max(0, done - (total - failed));
  job.succeeded = done - job.failed;
  job.step += 1;
  if (done === total) {
    job.status = "Completing";
    job.activeSeconds = Math.floor((now.getTime() - (job.activeSince ?? now).getTime()) / 1000);
  }
}

function complete(job: BatchJobState, world: World, now: Date): void {
  const source = job.sourceBucket === null ? undefined : world.buckets.get(job.sourceBucket);
  if (source !== undefined) writeCompletionReport(job, world, source, allOutcomes(source, world), now);
  const total = job.totalTasks ?? 0;
  if (total >= FAILURE_THRESHOLD_TASKS && job.failed * 2 > total) {
    fail(job, "TaskFailureThresholdExceeded", `More than 50% of the ${total} tasks failed`, now);
    return;
  }
  job.status = "Complete";
  job.terminatedAt = now;
}

/** One step along the lifecycle; Suspended waits for UpdateJobStatus, terminal states stay. */
export function advance(job: BatchJobState, world: World, now: Date): void {
  switch (job.status) {
    case "New":
      job.status = "Preparing";
      return;
    case "Preparing":
      prepare(job, world, now);
      return;
    case "Ready":
      job.status = "Active";
      job.activeSince = now;
      return;
    case "Active":
      run(job, world, now);
      return;
    case "Completing":
      complete(job, world, now);
      return;
    case "Cancelling":
      job.status = "Cancelled";
      job.terminatedAt = now;
      return;
    default:
      return;
  }
}

/** Seconds spent Active so far (or in all, once the tasks are done). */
export const elapsedActiveSeconds = (job: BatchJobState, now: Date): number =>
  job.status === "Active" && job.activeSince !== undefined ? Math.floor((now.getTime() - job.activeSince.getTime()) / 1000) : job.activeSeconds;

/**
 * UpdateJobStatus: Ready confirms a job that awaits confirmation; Cancelled stops one that has
 * not finished. Anything else answers JobStatusException, as S3 does for a transition it refuses.
 */
export function requestStatus(job: BatchJobState, requested: "Ready" | "Cancelled", reason: string | undefined, now: Date): string | null {
  if (requested === "Ready") {
    if (job.status !== "Suspended") return `Job status ${job.status} is not a valid status for requested job status Ready`;
    job.status = "Ready";
    delete job.suspendedCause;
  } else {
    if (isTerminal(job)) return `Job status ${job.status} is not a valid status for requested job status Cancelled`;
    // A job that has started running its tasks passes through Cancelling; one that has not stops at once.
    if (job.status === "Active" || job.status === "Completing") job.status = "Cancelling";
    else {
      job.status = "Cancelled";
      job.terminatedAt = now;
    }
  }
  if (reason !== undefined) job.statusUpdateReason = reason;
  return null;
}
