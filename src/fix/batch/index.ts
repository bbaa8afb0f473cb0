/**
 * Replication of the objects that existed before a bucket's replication rule: one S3 Batch
 * Replication job per bucket (S3 Batch Operations, operation S3ReplicateObject, with a manifest
 * generated from the bucket's objects that are eligible and not yet replicated), as AWS's own
 * replication walkthroughs do it: https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-batch.html
 *
 * replicateExisting(buckets, context):
 * 1. creates a job per bucket with ConfirmationRequired (in the bucket's account and Region;
 *    ClientRequestToken = runId + bucket, so a retried run finds its job instead of making another),
 * 2. reads each job until Preparing is over (Suspended, with the number of objects to replicate),
 * 3. asks `context.confirm` per job; a no leaves the job awaiting confirmation, and the result
 *    carries the AWS CLI command that starts it,
 * 4. starts the confirmed jobs (UpdateJobStatus Ready) and follows them (DescribeJob every
 *    `pollIntervalMs`, each read reported to `context.onProgress`) until Complete, Failed or
 *    Cancelled,
 * 5. reads the completion report (AllTasks) back with GetObject and counts its rows; the counts
 *    are checked against the job's ProgressSummary.
 *
 * The context (types.ts, ReplicateExistingContext) carries:
 * - `s3control(accountId, region)` / `s3(accountId, region)`: clients with that account's
 *   credentials (the remediation role's session), e.g. AwsClientFactory.s3control / .s3;
 * - `batchRoleArn(target)`: the role Batch Operations assumes (remediation settings);
 * - `reportLocation(target)`: report bucket (same account and Region as the job) and prefix;
 * - `confirm(job)`: the interactive yes (or `--yes`); `onProgress(progress)`: progress lines;
 * - `pollIntervalMs`, `maxPolls`, `runId`, `priority`, `sleep`: pacing and idempotency.
 * Every AWS failure becomes a result of its own (`error`, with operation and code); one bucket's
 * failure never stops the others. Summaries for people: summary.ts.
 */
import { CreateJobCommand, DescribeJobCommand, UpdateJobStatusCommand, type JobDescriptor } from "@aws-sdk/client-s3-control";
import { awsErrorCode, awsErrorMessage } from "../../aws/errors.js";
import { readCompletionReport } from "./report.js";
import type { BatchResult, BatchTarget, JobProgress, ReplicateExistingContext } from "./types.js";

export type { BatchResult, BatchTarget, JobProgress, PendingJob, ReplicateExistingContext, ReportSummary } from "./types.js";
export { summariseBatchResults } from "./summary.js";

const DEFAULT_POLL_MS = 5000;
const DEFAULT_MAX_POLLS = 720;
const FINISHED = new Set(["Complete", "Failed", "Cancelled"]);

class Step extends Error {
  constructor(readonly operation: string, override readonly cause: unknown) {
    super(awsErrorMessage(cause));
  }
}

/** Runs one AWS call; a failure becomes a Step naming the operation. */
async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new Step(operation, error);
  }
}

const errorResult = (target: BatchTarget, jobId: string | null, error: unknown): BatchResult => {
  const step = error instanceof Step ? error : new Step("Unknown", error);
  return { target, outcome: "error", jobId, operation: step.operation, code: awsErrorCode(step.cause), message: awsErrorMessage(step.cause) };
};

/** ClientRequestToken: 1–64 characters; the run and the bucket make it unique and repeatable. */
const tokenOf = (runId: string, target: BatchTarget): string => `${runId}-${target.accountId}-${target.bucket}`.replace(/[^\w-]/g, "-").slice(0, 64);

export const howToRun = (target: BatchTarget, jobId: string): string =>
  `aws s3control update-job-status --region ${target.region} --account-id ${target.accountId} --job-id ${jobId} --requested-job-status Ready`;
const howToCheck = (target: BatchTarget, jobId: string): string =>
  `aws s3control describe-job --region ${target.region} --account-id ${target.accountId} --job-id ${jobId}`;

interface Follower {
  describe(target: BatchTarget, jobId: string): Promise<JobDescriptor>;
  progress(target: BatchTarget, jobId: string, job: JobDescriptor): JobProgress;
}

async function createJob(target: BatchTarget, context: ReplicateExistingContext, runId: string): Promise<string> {
  const report = context.reportLocation(target);
  const answer = await call("CreateJob", () =>
    context.s3control(target.accountId, target.region).send(
      new CreateJobCommand({
        AccountId: target.accountId,
        ConfirmationRequired: true,
        Operation: { S3ReplicateObject: {} },
        Priority: context.priority ?? 10,
        RoleArn: context.batchRoleArn(target),
        ClientRequestToken: tokenOf(runId, target),
        Description: `replguard: replicate existing objects of ${target.bucket}`,
        Report: { Enabled: true, Bucket: `arn:aws:s3:::${report.bucket}`, Format: "Report_CSV_20180820", ReportScope: "AllTasks", ...(report.prefix === undefined ? {} : { Prefix: report.prefix }) },
        ManifestGenerator: {
          S3JobManifestGenerator: {
            ExpectedBucketOwner: target.accountId,
            SourceBucket: `arn:aws:s3:::${target.bucket}`,
            EnableManifestOutput: false,
            // Objects never replicated, or whose replication failed: what a rule added now leaves behind.
            Filter: { EligibleForReplication: true, ObjectReplicationStatuses: ["NONE", "FAILED"] },
          },
        },
      }),
    ),
  );
  if (answer.JobId === undefined) throw new Step("CreateJob", new Error("CreateJob answered no JobId"));
  return answer.JobId;
}

/** Reads the job until `done(status)`, or until maxPolls reads; returns the last descriptor. */
async function follow(target: BatchTarget, jobId: string, context: ReplicateExistingContext, follower: Follower, done: (status: string) => boolean): Promise<JobDescriptor> {
  const sleep = context.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const interval = context.pollIntervalMs ?? DEFAULT_POLL_MS;
  let job: JobDescriptor = {};
  for (let reads = 0; reads < (context.maxPolls ?? DEFAULT_MAX_POLLS); reads++) {
    if (reads > 0 && interval > 0) await sleep(interval);
    job = await follower.describe(target, jobId);
    context.onProgress?.(follower.progress(target, jobId, job));
    if (done(job.Status ?? "")) break;
  }
  return job;
}

async function finish(target: BatchTarget, jobId: string, context: ReplicateExistingContext, follower: Follower): Promise<BatchResult> {
  const job = await follow(target, jobId, context, follower, (status) => FINISHED.has(status));
  const { total, succeeded, failed } = follower.progress(target, jobId, job);
  if (job.Status === "Cancelled") return { target, outcome: "cancelled", jobId };
  if (job.Status !== "Complete" && job.Status !== "Failed") return { target, outcome: "still-running", jobId, status: job.Status ?? "unknown", howToCheck: howToCheck(target, jobId) };
  let report: Awaited<ReturnType<typeof readCompletionReport>> | { error: string } | null;
  if (total === 0) report = null; // S3 writes no report for a job that ran no task
  else {
    try {
      report = await readCompletionReport(context.s3(target.accountId, target.region), context.reportLocation(target), jobId, { succeeded, failed });
    } catch (error) {
      report = { error: `GetObject: ${awsErrorCode(error)}: ${awsErrorMessage(error)}` };
    }
  }
  if (job.Status === "Failed") {
    const reasons = (job.FailureReasons ?? []).map((reason) => `${reason.FailureCode ?? "?"}: ${reason.FailureReason ?? ""}`);
    return { target, outcome: "job-failed", jobId, total, succeeded, failed, reasons, report };
  }
  return { target, outcome: "completed", jobId, total, succeeded, failed, report: report ?? { error: "no completion report (the job ran no task)" } };
}

export async function replicateExisting(buckets: readonly BatchTarget[], context: ReplicateExistingContext): Promise<BatchResult[]> {
  const runId = context.runId ?? `replguard-${Date.now()}`;
  const follower: Follower = {
    describe: async (target, jobId) =>
      (await call("DescribeJob", () => context.s3control(target.accountId, target.region).send(new DescribeJobCommand({ AccountId: target.accountId, JobId: jobId })))).Job ?? {},
    progress: (target, jobId, job) => ({
      target,
      jobId,
      status: job.Status ?? "unknown",
      total: job.ProgressSummary?.TotalNumberOfTasks ?? 0,
      succeeded: job.ProgressSummary?.NumberOfTasksSucceeded ?? 0,
      failed: job.ProgressSummary?.NumberOfTasksFailed ?? 0,
    }),
  };
  // Create and prepare every job first, so the confirmations come together, then run them side by side.
  const prepared = await Promise.all(
    buckets.map(async (target): Promise<{ target: BatchTarget; jobId: string | null; job?: JobDescriptor; error?: unknown }> => {
      let jobId: string | null = null;
      try {
        jobId = await createJob(target, context, runId);
        const id = jobId;
        const job = await follow(target, id, context, follower, (status) => status !== "New" && status !== "Preparing");
        return { target, jobId, job };
      } catch (error) {
        return { target, jobId, error };
      }
    }),
  );
  const results: Array<BatchResult | Promise<BatchResult>> = [];
  for (const entry of prepared) {
    const { target, jobId, job } = entry;
    if (entry.error !== undefined || jobId === null || job === undefined) {
      results.push(errorResult(target, jobId, entry.error));
      continue;
    }
    if (job.Status !== "Suspended") {
      // Failed in Preparing (no replication rule, no report bucket...), or already past it on a retried run.
      results.push(finish(target, jobId, context, follower).catch((error: unknown) => errorResult(target, jobId, error)));
      continue;
    }
    const tasks = job.ProgressSummary?.TotalNumberOfTasks ?? 0;
    if (!(await context.confirm({ target, jobId, tasks }))) {
      results.push({ target, outcome: "awaiting-confirmation", jobId, tasks, howToRun: howToRun(target, jobId) });
      continue;
    }
    results.push(
      call("UpdateJobStatus", () =>
        context.s3control(target.accountId, target.region).send(
          new UpdateJobStatusCommand({ AccountId: target.accountId, JobId: jobId, RequestedJobStatus: "Ready", StatusUpdateReason: "Confirmed in replguard" }),
        ),
      )
        .then(() => finish(target, jobId, context, follower))
        .catch((error: unknown) => errorResult(target, jobId, error)),
    );
  }
  return Promise.all(results);
}
