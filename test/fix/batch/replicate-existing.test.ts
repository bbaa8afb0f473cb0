import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsClientFactory } from "../../../src/aws/clients.js";
import { replicateExisting, summariseBatchResults, type BatchTarget, type JobProgress, type PendingJob, type ReplicateExistingContext } from "../../../src/fix/batch/index.js";
import { derivedCredentials, startSandbox, type Sandbox } from "../../../src/sandbox/index.js";
import { ACCOUNTS } from "../../support/accounts.js";
import { batchScenario, REGION, REPORTS } from "../../sandbox/s3control/scenario.js";

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

const target = (bucket: string, accountId: string = ACCOUNTS.prod): BatchTarget => ({ accountId, bucket, region: REGION });
function context(answer: boolean, extra: Partial<ReplicateExistingContext> = {}): { context: ReplicateExistingContext; asked: PendingJob[]; progress: JobProgress[] } {
  const asked: PendingJob[] = [];
  const progress: JobProgress[] = [];
  return {
    asked,
    progress,
    context: {
      s3control: (accountId, region) => factory.s3control(async () => derivedCredentials(accountId), region),
      s3: (accountId, region) => factory.s3(async () => derivedCredentials(accountId), region),
      batchRoleArn: (t) => `arn:aws:iam::${t.accountId}:role/replguard-batch-replication`,
      reportLocation: () => ({ bucket: REPORTS, prefix: "replguard/batch" }),
      confirm: async (job) => {
        asked.push(job);
        return answer;
      },
      onProgress: (p) => progress.push(p),
      pollIntervalMs: 0,
      runId: `run-${Math.random().toString(36).slice(2, 8)}`,
      ...extra,
    },
  };
}
const mutating = (from: number) => sandbox.calls.slice(from).filter((call) => call.mutating).map((call) => call.operation);

describe("fix/batch replicateExisting", () => {
  it("creates, confirms, starts and follows a job per bucket, then reads the completion report and summarises it", async () => {
    const run = context(true);
    const results = await replicateExisting([target("prod-data"), target("prod-partial")], run.context);
    expect(run.asked.map((job) => [job.target.bucket, job.tasks])).toEqual([["prod-data", 4], ["prod-partial", 10]]);
    expect(results.map((r) => r.outcome === "completed" && [r.total, r.succeeded, r.failed, "manifestKey" in r.report && [r.report.succeeded, r.report.failed, r.report.matchesProgress]])).toEqual([
      [4, 4, 0, [4, 0, true]],
      [10, 7, 3, [7, 3, true]],
    ]);
    const partial = results[1];
    expect(partial?.outcome === "completed" && "failuresByCode" in partial.report && partial.report.failuresByCode).toEqual({ AccessDenied: 3 });
    expect(run.progress.filter((p) => p.target.bucket === "prod-partial").map((p) => `${p.status} ${p.succeeded}/${p.failed}`)).toEqual([
      "New 0/0", "Preparing 0/0", "Suspended 0/0", "Ready 0/0", "Active 0/0", "Active 5/0", "Completing 7/3", "Complete 7/3",
    ]);
    const jobId = partial?.outcome === "completed" ? partial.jobId : "";
    expect(summariseBatchResults(results)[1]).toBe(
      `prod-partial (${ACCOUNTS.prod}, ${REGION}): job ${jobId} complete: 7 objects replicated, 3 objects failed of 10 objects; ` +
        `completion report replguard/batch/job-${jobId}/manifest.json matches the job's counts; failures: AccessDenied ×3 (e.g. object-000008, object-000009, object-000010)`,
    );
  });

  it("leaves a declined job awaiting confirmation, says how to run it, and makes no UpdateJobStatus call", async () => {
    const from = sandbox.calls.length;
    const results = await replicateExisting([target("prod-data")], context(false).context);
    const result = results[0];
    expect(result?.outcome).toBe("awaiting-confirmation");
    const jobId = result?.outcome === "awaiting-confirmation" ? result.jobId : "";
    expect(sandbox.world.batchJobs.get(jobId)?.status).toBe("Suspended");
    expect(mutating(from)).toEqual(["CreateJob"]);
    expect(summariseBatchResults(results)).toEqual([
      `prod-data (${ACCOUNTS.prod}, ${REGION}): job ${jobId} awaits confirmation (4 objects to replicate); to run it: ` +
        `aws s3control update-job-status --region ${REGION} --account-id ${ACCOUNTS.prod} --job-id ${jobId} --requested-job-status Ready`,
    ]);
  });

  it("reports failed jobs with S3's reasons and the failed-task counts from the report, and a refused CreateJob as an error, without stopping the others", async () => {
    const results = await replicateExisting([target("prod-plain"), target("prod-denied"), target("dev-data", ACCOUNTS.dev), target("prod-data")], context(true).context);
    expect(results.map((r) => r.outcome)).toEqual(["job-failed", "job-failed", "error", "completed"]);
    const [plain, denied, refused] = results;
    expect(plain?.outcome === "job-failed" && [plain.reasons, plain.total, plain.report]).toEqual([
      ["ReplicationConfigurationNotFound: The source bucket prod-plain has no enabled replication rule"], 0, null,
    ]);
    expect(denied?.outcome === "job-failed" && denied.report !== null && "failed" in denied.report && [denied.failed, denied.report.failed, denied.report.failuresByCode]).toEqual([
      1000, 1000, { AccessDenied: 1000 },
    ]);
    expect(refused?.outcome === "error" && [refused.operation, refused.code, refused.jobId]).toEqual(["CreateJob", "AccessDenied", null]);
    expect(summariseBatchResults(results)[2]).toBe(`dev-data (${ACCOUNTS.dev}, ${REGION}): CreateJob failed: AccessDenied: Access Denied`);
  });

  it("finds its own job again on a retried run (same runId) instead of starting a second one", async () => {
    const first = context(true, { runId: "retry-run" });
    const [done] = await replicateExisting([target("prod-data")], first.context);
    const from = sandbox.calls.length;
    const again = context(true, { runId: "retry-run" });
    const [second] = await replicateExisting([target("prod-data")], again.context);
    expect(second?.outcome === "completed" && done?.outcome === "completed" && second.jobId === done.jobId).toBe(true);
    expect(again.asked).toEqual([]);
    expect(mutating(from)).toEqual(["CreateJob"]);
  });

  it("stops following after maxPolls and says how to check the job", async () => {
    const [result] = await replicateExisting([target("prod-data")], context(true, { maxPolls: 3 }).context);
    expect(result?.outcome).toBe("still-running");
    expect(result?.outcome === "still-running" && result.howToCheck).toMatch(/^aws s3control describe-job --region eu-west-1 --account-id 222222222222 --job-id [\w-]+$/);
  });
});
