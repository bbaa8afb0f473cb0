/**
 * The `batchReplication` fact: completed S3 Batch Replication jobs per bucket. S3 Control lists jobs
 * per account and Region, not per bucket, and names a job's source bucket only in DescribeJob (its
 * manifest generator's SourceBucket), so one ListJobs (JobStatuses Complete, every page) and one
 * DescribeJob per completed S3ReplicateObject job are made once per account and Region and shared
 * by all its buckets. Read only when a loaded policy reads the fact (existing-objects-replicated).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_ListJobs.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_DescribeJob.html
 */
import { DescribeJobCommand, type JobListDescriptor, type S3ControlClient } from "@aws-sdk/client-s3-control";
import { awsErrorCode, awsErrorMessage, type RequestLimiter } from "../aws/index.js";
import type { BatchReplicationJob, BucketDocument } from "../model/index.js";
import type { AccountSession, ScanContext } from "./context.js";

type JobIndex = Map<string, BatchReplicationJob[]>;

const indexes = new WeakMap<AccountSession, Map<string, Promise<JobIndex>>>();

/** An SDK error re-worded to name DescribeJob, keeping its code (the fact's errors[] entry says ListJobs). */
function describeFailure(jobId: string, error: unknown): Error & { Code: string } {
  return Object.assign(new Error(`DescribeJob of job ${jobId} failed: ${awsErrorMessage(error)}`), { Code: awsErrorCode(error) });
}

const iso = (date: Date | undefined): string | null => (date === undefined ? null : date.toISOString());
const sourceBucketOf = (arn: string | undefined): string | null => (arn === undefined ? null : arn.replace(/^arn:aws[\w-]*:s3:::/, ""));

async function buildIndex(ctx: ScanContext, session: AccountSession, region: string, request: RequestLimiter): Promise<JobIndex> {
  // Made only if a call needs it: DescribeJob, or a ListJobs the lean path does not serve (aws/control-jobs.ts).
  let made: S3ControlClient | undefined;
  const client = (): S3ControlClient => (made ??= ctx.factory.s3control(session.credentials, region));
  const lists = ctx.factory.jobLists(session.credentials, region, client);
  const listed: JobListDescriptor[] = [];
  let token: string | undefined;
  do {
    const page = await request(() => lists.list(session.accountId, token));
    listed.push(...(page.Jobs ?? []));
    token = page.NextToken;
  } while (token !== undefined);
  const index: JobIndex = new Map();
  const replications = listed.filter((job) => job.Operation === "S3ReplicateObject" && job.JobId !== undefined);
  await Promise.all(
    replications.map(async (listedJob) => {
      const jobId = listedJob.JobId as string;
      let job;
      try {
        job = (await request(() => client().send(new DescribeJobCommand({ AccountId: session.accountId, JobId: jobId })))).Job;
      } catch (error) {
        throw describeFailure(jobId, error);
      }
      // A job with a manifest file instead of a generator names no bucket: it cannot vouch for one.
      const bucket = sourceBucketOf(job?.ManifestGenerator?.S3JobManifestGenerator?.SourceBucket);
      if (job === undefined || bucket === null) return;
      const entry: BatchReplicationJob = {
        id: jobId,
        status: job.Status ?? listedJob.Status ?? "Complete",
        createdAt: iso(job.CreationTime),
        finishedAt: iso(job.TerminationDate),
        tasks: job.ProgressSummary?.TotalNumberOfTasks ?? 0,
        succeeded: job.ProgressSummary?.NumberOfTasksSucceeded ?? 0,
        failed: job.ProgressSummary?.NumberOfTasksFailed ?? 0,
      };
      index.set(bucket, [...(index.get(bucket) ?? []), entry]);
    }),
  );
  for (const jobs of index.values()) jobs.sort((a, b) => (b.createdAt ?? "").localeCompare(a.createdAt ?? "") || a.id.localeCompare(b.id));
  return index;
}

/**
 * The reader of the fact for one bucket. Not wrapped in the request limiter by the caller: it
 * waits on a shared index whose own calls take limiter slots (holding one while waiting could
 * starve them).
 */
export function batchReplicationReader(ctx: ScanContext, session: AccountSession): (doc: BucketDocument) => Promise<Partial<BucketDocument>> {
  return async (doc) => {
    let byRegion = indexes.get(session);
    if (byRegion === undefined) {
      byRegion = new Map();
      indexes.set(session, byRegion);
    }
    let index = byRegion.get(doc.region);
    if (index === undefined) {
      index = buildIndex(ctx, session, doc.region, ctx.request);
      byRegion.set(doc.region, index);
    }
    return { batchReplication: { jobs: (await index).get(doc.name) ?? [] } };
  };
}
