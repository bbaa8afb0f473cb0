import { GetObjectCommand } from "@aws-sdk/client-s3";
import {
  CreateJobCommand, DescribeJobCommand, ListJobsCommand, S3ControlClient, UpdateJobStatusCommand, type CreateJobCommandInput, type JobDescriptor,
} from "@aws-sdk/client-s3-control";
import { Agent } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsClientFactory } from "../../../src/aws/clients.js";
import { derivedCredentials, startSandbox, type Sandbox } from "../../../src/sandbox/index.js";
import { ACCOUNTS } from "../../support/accounts.js";
import { failure, s3As } from "../../support/sandbox.js";
import { batchScenario, REGION, REPORTS } from "./scenario.js";

let sandbox: Sandbox;
let factory: AwsClientFactory;
beforeAll(async () => {
  sandbox = await startSandbox({ scenario: batchScenario() });
  factory = new AwsClientFactory({ endpoint: sandbox.endpoint, region: REGION, maxAttempts: 1, maxSockets: 4 });
});
afterAll(async () => {
  factory.close();
  await sandbox.close();
});

const control = (accountId: string = ACCOUNTS.prod, region = REGION): S3ControlClient => factory.s3control(async () => derivedCredentials(accountId), region);
let tokens = 0;
const jobInput = (bucket: string, extra: Partial<CreateJobCommandInput> = {}): CreateJobCommandInput => ({
  AccountId: ACCOUNTS.prod,
  ConfirmationRequired: true,
  Operation: { S3ReplicateObject: {} },
  Priority: 10,
  RoleArn: `arn:aws:iam::${ACCOUNTS.prod}:role/batch-replication`,
  ClientRequestToken: `token-${++tokens}`,
  Report: { Bucket: `arn:aws:s3:::${REPORTS}`, Prefix: "batch", Format: "Report_CSV_20180820", Enabled: true, ReportScope: "AllTasks" },
  ManifestGenerator: {
    S3JobManifestGenerator: { SourceBucket: `arn:aws:s3:::${bucket}`, EnableManifestOutput: false, Filter: { EligibleForReplication: true, ObjectReplicationStatuses: ["NONE", "FAILED"] } },
  },
  ...extra,
});
const create = async (bucket: string, extra: Partial<CreateJobCommandInput> = {}): Promise<string> =>
  (await control().send(new CreateJobCommand(jobInput(bucket, extra)))).JobId as string;
const describeJob = async (id: string): Promise<JobDescriptor> => (await control().send(new DescribeJobCommand({ AccountId: ACCOUNTS.prod, JobId: id }))).Job as JobDescriptor;
const progress = (job: JobDescriptor) => [job.Status, job.ProgressSummary?.TotalNumberOfTasks, job.ProgressSummary?.NumberOfTasksSucceeded, job.ProgressSummary?.NumberOfTasksFailed];
/** Reads the job until it stops changing or `until` is reached; the statuses seen, with counts. */
async function follow(id: string, until: string[]): Promise<Array<ReturnType<typeof progress>>> {
  const seen: Array<ReturnType<typeof progress>> = [];
  for (let reads = 0; reads < 12; reads++) {
    const job = await describeJob(id);
    seen.push(progress(job));
    if (until.includes(job.Status as string)) break;
  }
  return seen;
}
const readObject = async (key: string): Promise<string> => {
  const answer = await s3As(sandbox.endpoint, ACCOUNTS.prod, REGION).send(new GetObjectCommand({ Bucket: REPORTS, Key: key }));
  return answer.Body?.transformToString() ?? "";
};

describe("sandbox/s3control CreateJob and the job lifecycle", () => {
  it("waits in Suspended for confirmation, then runs to Complete with progress counts", async () => {
    const id = await create("prod-data");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await follow(id, ["Suspended"])).toEqual([["New", 0, 0, 0], ["Preparing", 0, 0, 0], ["Suspended", 4, 0, 0]]);
    const suspended = await describeJob(id);
    expect([suspended.Status, suspended.ConfirmationRequired, suspended.SuspendedCause, suspended.JobArn]).toEqual([
      "Suspended", true, "AwaitingConfirmation", `arn:aws:s3:${REGION}:${ACCOUNTS.prod}:job/${id}`,
    ]);
    expect(suspended.ManifestGenerator?.S3JobManifestGenerator?.Filter?.ObjectReplicationStatuses).toEqual(["NONE", "FAILED"]);
    expect(suspended.Report).toMatchObject({ Bucket: `arn:aws:s3:::${REPORTS}`, Prefix: "batch", ReportScope: "AllTasks" });

    const updated = await control().send(new UpdateJobStatusCommand({ AccountId: ACCOUNTS.prod, JobId: id, RequestedJobStatus: "Ready", StatusUpdateReason: "confirmed by test" }));
    expect([updated.Status, updated.StatusUpdateReason]).toEqual(["Ready", "confirmed by test"]);
    expect(await follow(id, ["Complete", "Failed"])).toEqual([
      ["Ready", 4, 0, 0], ["Active", 4, 0, 0], ["Active", 4, 2, 0], ["Completing", 4, 4, 0], ["Complete", 4, 4, 0],
    ]);
    const done = await describeJob(id);
    expect(done.TerminationDate).toBeInstanceOf(Date);
    expect(done.ProgressSummary?.Timers?.ElapsedTimeInActiveSeconds).toBeGreaterThanOrEqual(0);
  });

  it("writes the completion report as S3 does: manifest.json and one CSV per task status, read back with GetObject", async () => {
    const id = await create("prod-partial");
    await follow(id, ["Suspended"]);
    await control().send(new UpdateJobStatusCommand({ AccountId: ACCOUNTS.prod, JobId: id, RequestedJobStatus: "Ready" }));
    expect((await follow(id, ["Complete", "Failed"])).at(-1)).toEqual(["Complete", 10, 7, 3]);
    const manifest = JSON.parse(await readObject(`batch/job-${id}/manifest.json`)) as { Format: string; Results: Array<{ TaskExecutionStatus: string; Key: string }> };
    expect(manifest.Format).toBe("Report_CSV_20180820");
    expect(manifest.Results.map((r) => r.TaskExecutionStatus)).toEqual(["succeeded", "failed"]);
    const rows = await Promise.all(manifest.Results.map(async (r) => (await readObject(r.Key)).trim().split("\n")));
    expect(rows.map((lines) => lines.length)).toEqual([7, 3]);
    expect(rows[1]?.[0]).toMatch(/^prod-partial,object-000008,[\w-]{32},failed,403,AccessDenied,Access Denied$/);
    expect(rows[0]?.[0]).toMatch(/^prod-partial,object-000001,[\w-]{32},succeeded,200,,Successful$/);
  });

  it("runs without confirmation when ConfirmationRequired is false", async () => {
    const id = await create("prod-data", { ConfirmationRequired: false });
    expect((await follow(id, ["Complete", "Failed"])).map(([status]) => status)).toEqual(["New", "Preparing", "Ready", "Active", "Active", "Completing", "Complete"]);
  });

  it("fails in Preparing a job whose source bucket has no replication rule, with the reason", async () => {
    const id = await create("prod-plain");
    expect((await follow(id, ["Failed", "Complete"])).map(([status]) => status)).toEqual(["New", "Preparing", "Failed"]);
    expect((await describeJob(id)).FailureReasons).toEqual([
      { FailureCode: "ReplicationConfigurationNotFound", FailureReason: "The source bucket prod-plain has no enabled replication rule" },
    ]);
  });

  it("fails a job when more than half of at least 1,000 tasks fail (destination refuses replicas), and still writes the failed-tasks report", async () => {
    const id = await create("prod-denied", { ConfirmationRequired: false, Report: { Bucket: `arn:aws:s3:::${REPORTS}`, Format: "Report_CSV_20180820", Enabled: true, ReportScope: "FailedTasksOnly" } });
    expect((await follow(id, ["Failed", "Complete"])).at(-1)).toEqual(["Failed", 1000, 0, 1000]);
    expect((await describeJob(id)).FailureReasons?.[0]?.FailureCode).toBe("TaskFailureThresholdExceeded");
    const manifest = JSON.parse(await readObject(`job-${id}/manifest.json`)) as { Results: Array<{ TaskExecutionStatus: string; Key: string }> };
    expect(manifest.Results.map((r) => r.TaskExecutionStatus)).toEqual(["failed"]);
    expect((await readObject(manifest.Results[0]?.Key as string)).trim().split("\n")).toHaveLength(1000);
  });

  it("answers the same job for a repeated ClientRequestToken, and IdempotencyException for a different request under it", async () => {
    const input = jobInput("prod-data");
    const first = await control().send(new CreateJobCommand(input));
    const again = await control().send(new CreateJobCommand(input));
    expect(again.JobId).toBe(first.JobId);
    const error = await failure(control().send(new CreateJobCommand({ ...input, Priority: 99 })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["IdempotencyException", 409]);
  });

  it("refuses a request without a manifest or generator, and a negative priority (BadRequestException)", async () => {
    const noManifest = await failure(control().send(new CreateJobCommand({ ...jobInput("prod-data"), ManifestGenerator: undefined })));
    const negative = await failure(control().send(new CreateJobCommand(jobInput("prod-data", { Priority: -1 }))));
    expect([noManifest.name, noManifest.message, negative.name]).toEqual(["BadRequestException", "Specify either a Manifest or a ManifestGenerator", "BadRequestException"]);
  });
});

describe("sandbox/s3control UpdateJobStatus", () => {
  it("refuses Ready for a job that does not await confirmation (JobStatusException) and cancels one that does", async () => {
    const id = await create("prod-data");
    const early = await failure(control().send(new UpdateJobStatusCommand({ AccountId: ACCOUNTS.prod, JobId: id, RequestedJobStatus: "Ready" })));
    expect([early.name, early.message]).toEqual(["JobStatusException", "Job status New is not a valid status for requested job status Ready"]);
    await follow(id, ["Suspended"]);
    const cancelled = await control().send(new UpdateJobStatusCommand({ AccountId: ACCOUNTS.prod, JobId: id, RequestedJobStatus: "Cancelled" }));
    expect(cancelled.Status).toBe("Cancelled");
    const again = await failure(control().send(new UpdateJobStatusCommand({ AccountId: ACCOUNTS.prod, JobId: id, RequestedJobStatus: "Cancelled" })));
    expect(again.name).toBe("JobStatusException");
  });

  it("answers NotFoundException for an unknown job and AccessDenied for another account's id", async () => {
    const missing = await failure(control().send(new DescribeJobCommand({ AccountId: ACCOUNTS.prod, JobId: "00000000-0000-4000-a000-000000000000" })));
    const other = await failure(control(ACCOUNTS.backup).send(new ListJobsCommand({ AccountId: ACCOUNTS.prod })));
    const denied = await failure(control(ACCOUNTS.dev).send(new ListJobsCommand({ AccountId: ACCOUNTS.dev })));
    expect([missing.name, missing.$metadata.httpStatusCode, other.name, other.$metadata.httpStatusCode, denied.name]).toEqual(["NotFoundException", 404, "AccessDenied", 403, "AccessDenied"]);
  });
});

describe("sandbox/s3control ListJobs", () => {
  it("lists the account's jobs in the Region, with scenario jobs, filtered by status and paged", async () => {
    const seeded = await control().send(new ListJobsCommand({ AccountId: ACCOUNTS.prod, JobStatuses: ["Complete"] }));
    expect(seeded.Jobs?.[0]).toMatchObject({ Operation: "S3ReplicateObject", Status: "Complete", ProgressSummary: { TotalNumberOfTasks: 7, NumberOfTasksSucceeded: 7, NumberOfTasksFailed: 0 } });
    const east = await control(ACCOUNTS.prod, "us-east-1").send(new ListJobsCommand({ AccountId: ACCOUNTS.prod }));
    expect(east.Jobs?.map((job) => [job.Status, job.ProgressSummary?.NumberOfTasksFailed])).toEqual([["Failed", 9]]);

    for (let i = 0; i < 3; i++) await create("prod-data");
    const all = await control().send(new ListJobsCommand({ AccountId: ACCOUNTS.prod }));
    const ids: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await control().send(new ListJobsCommand({ AccountId: ACCOUNTS.prod, MaxResults: 2, NextToken: token }));
      expect(page.Jobs?.length).toBeLessThanOrEqual(2);
      ids.push(...(page.Jobs ?? []).map((job) => job.JobId as string));
      token = page.NextToken;
      pages++;
    } while (token !== undefined);
    expect(ids).toEqual(all.Jobs?.map((job) => job.JobId));
    expect(pages).toBe(Math.ceil(ids.length / 2));
    const fresh = await control().send(new ListJobsCommand({ AccountId: ACCOUNTS.prod, JobStatuses: ["New"] }));
    expect(fresh.Jobs?.length).toBeGreaterThanOrEqual(3);
    expect(new Set(fresh.Jobs?.map((job) => job.Status))).toEqual(new Set(["New"]));
  });

  it("logs the calls as S3 Control operations, CreateJob and UpdateJobStatus as mutating", () => {
    const calls = sandbox.calls.filter((call) => ["CreateJob", "ListJobs", "DescribeJob", "UpdateJobStatus"].includes(call.operation));
    expect(new Set(calls.filter((call) => call.mutating).map((call) => call.operation))).toEqual(new Set(["CreateJob", "UpdateJobStatus"]));
    expect(calls.every((call) => call.bucket === null && call.service === "s3")).toBe(true);
  });
});

describe("sandbox/s3control scenario", () => {
  it("refuses a scenario job with an unknown status, naming its JSON pointer", async () => {
    const bad = batchScenario();
    const prod = bad.accounts[1];
    if (prod?.batchOperations?.jobs?.[0] === undefined) throw new Error("scenario changed");
    (prod.batchOperations.jobs[0] as { status: string }).status = "Sleeping";
    const error = await startSandbox({ scenario: bad }).then(
      async (started) => {
        await started.close();
        return undefined;
      },
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/\/accounts\/1\/batchOperations\/jobs\/0\/status/);
  });
});

describe("sandbox/s3control addressing", () => {
  it("answers the SDK's own addressing too: the account in front of the host (<account>.localhost), path-style on the one port", async () => {
    // The SDK's endpoint rules prefix the account to a custom endpoint's host; resolve *.localhost to loopback as DNS would for s3-control.
    const lookup = ((_host: string, options: unknown, callback: (error: null, address: string | { address: string; family: number }[], family?: number) => void) => {
      if ((options as { all?: boolean }).all === true) callback(null, [{ address: "127.0.0.1", family: 4 }]);
      else callback(null, "127.0.0.1", 4);
    }) as unknown as NonNullable<ConstructorParameters<typeof Agent>[0]>["lookup"];
    const agent = new Agent({ lookup });
    const client = new S3ControlClient({
      endpoint: sandbox.endpoint.replace("127.0.0.1", "localhost"),
      region: REGION,
      credentials: derivedCredentials(ACCOUNTS.prod),
      maxAttempts: 1,
      requestHandler: { httpAgent: agent },
    });
    const hosts: string[] = [];
    client.middlewareStack.add((next) => async (args) => {
      hosts.push((args.request as { hostname: string }).hostname);
      return next(args);
    }, { step: "finalizeRequest" });
    const listed = await client.send(new ListJobsCommand({ AccountId: ACCOUNTS.prod, JobStatuses: ["Complete"] }));
    agent.destroy();
    expect(hosts).toEqual([`${ACCOUNTS.prod}.localhost`]);
    expect(listed.Jobs?.some((job) => job.Status === "Complete")).toBe(true);
  });
});
