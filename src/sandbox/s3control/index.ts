/**
 * The S3 Control service handler, for the S3 Batch Operations calls replguard makes: CreateJob,
 * DescribeJob, ListJobs, UpdateJobStatus. S3 Control is REST-XML under `/v20180820/`, signed as
 * `s3`, with the account in the `x-amz-account-id` header; the SDK addresses
 * `<account>.s3-control.<region>.amazonaws.com`, and the sandbox answers it path-style on its one
 * loopback port (core/server.ts routes `/v20180820/` here, whatever the Host says).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_AWS_S3_Control.html
 */
import type { SandboxRequest, SandboxResponse, ServiceHandler, World } from "../core/contracts.js";
import { el } from "../s3/xml.js";
import { createJob } from "./create.js";
import { advance, requestStatus } from "./lifecycle.js";
import { controlError, controlResult, jobDescriptor, jobListDescriptor } from "./xml.js";

export const S3CONTROL_PREFIX = "/v20180820/";

/** The IAM action each operation is authorized as (Actions, resources, and condition keys for Amazon S3), for an authorizer to use. */
export const S3CONTROL_ACTIONS: Readonly<Record<string, string>> = {
  CreateJob: "s3:CreateJob",
  DescribeJob: "s3:DescribeJob",
  ListJobs: "s3:ListJobs",
  UpdateJobStatus: "s3:UpdateJobStatus",
};

/** The operation a control request names (for the call log, also when it is refused before the handler). */
export function s3controlOperation(method: string, path: string): string {
  const parts = path.slice(S3CONTROL_PREFIX.length).split("/");
  if (parts[0] !== "jobs") return "Unknown";
  if (parts.length === 1) return method === "POST" ? "CreateJob" : method === "GET" ? "ListJobs" : "Unknown";
  if (parts.length === 2 && method === "GET") return "DescribeJob";
  if (parts.length === 3 && parts[2] === "status" && method === "POST") return "UpdateJobStatus";
  return "Unknown";
}

const STATUSES = new Set(["Active", "Cancelled", "Cancelling", "Complete", "Completing", "Failed", "Failing", "New", "Paused", "Pausing", "Preparing", "Ready", "Suspended"]);
const DEFAULT_MAX_RESULTS = 1000;

function listJobs(request: SandboxRequest, world: World, accountId: string, now: Date): SandboxResponse {
  const statuses = request.query.getAll("jobStatuses");
  const unknown = statuses.find((status) => !STATUSES.has(status));
  if (unknown !== undefined) return controlError(400, "InvalidRequestException", `Invalid job status ${unknown}`, "ListJobs");
  const max = request.query.has("maxResults") ? Number(request.query.get("maxResults")) : DEFAULT_MAX_RESULTS;
  if (!Number.isInteger(max) || max < 0 || max > DEFAULT_MAX_RESULTS) return controlError(400, "InvalidRequestException", "maxResults must be between 0 and 1000", "ListJobs");
  const jobs = [...world.batchJobs.values()].filter(
    (job) => job.accountId === accountId && job.region === request.region && (statuses.length === 0 || statuses.includes(job.status)),
  );
  // The token is an offset into the (stable, creation-ordered) list; opaque to the client.
  const token = request.query.get("nextToken");
  const start = token === null ? 0 : Number(Buffer.from(token, "base64url").toString("utf8").replace(/^offset:/, ""));
  if (!Number.isInteger(start) || start < 0) return controlError(400, "InvalidNextTokenException", "The continuation token provided is invalid", "ListJobs");
  const page = jobs.slice(start, start + max);
  const next = start + max < jobs.length ? `<NextToken>${Buffer.from(`offset:${start + max}`).toString("base64url")}</NextToken>` : "";
  return controlResult("ListJobs", "ListJobsResult", `${next}<Jobs>${page.map((job) => jobListDescriptor(job, now)).join("")}</Jobs>`);
}

function jobOf(world: World, id: string, accountId: string, region: string) {
  const job = world.batchJobs.get(id);
  return job !== undefined && job.accountId === accountId && job.region === region ? job : undefined;
}

const notFound = (operation: string): SandboxResponse => controlError(404, "NotFoundException", "The specified job does not exist", operation);

function route(request: SandboxRequest, world: World, now: Date): SandboxResponse {
  const operation = s3controlOperation(request.method, request.path);
  const accountId = request.headers["x-amz-account-id"];
  if (operation === "Unknown") return controlError(501, "NotImplemented", "The sandbox does not simulate this S3 Control operation", "Unknown");
  if (accountId === undefined || !/^\d{12}$/.test(accountId)) return controlError(400, "InvalidRequest", "x-amz-account-id must be a 12-digit account id", operation);
  // A caller acts for its own account only; the scenario may deny an account's principals an operation.
  const account = world.accounts.get(request.caller.accountId);
  if (accountId !== request.caller.accountId || account === undefined || (account.batchDeny?.has(operation) ?? false)) {
    return controlError(403, "AccessDenied", "Access Denied", operation);
  }
  const id = request.path.split("/")[3] ?? "";
  switch (operation) {
    case "CreateJob":
      return createJob(request, world, accountId, now);
    case "ListJobs":
      return listJobs(request, world, accountId, now);
    case "DescribeJob": {
      const job = jobOf(world, id, accountId, request.region);
      if (job === undefined) return notFound(operation);
      const answer = controlResult(operation, "DescribeJobResult", jobDescriptor(job, now));
      advance(job, world, now);
      return answer;
    }
    default: {
      const job = jobOf(world, id, accountId, request.region);
      if (job === undefined) return notFound(operation);
      const requested = request.query.get("requestedJobStatus");
      if (requested !== "Ready" && requested !== "Cancelled") return controlError(400, "BadRequestException", "requestedJobStatus must be Ready or Cancelled", operation);
      const refused = requestStatus(job, requested, request.query.get("statusUpdateReason") ?? undefined, now);
      if (refused !== null) return controlError(400, "JobStatusException", refused, operation);
      return controlResult(operation, "UpdateJobStatusResult", el("JobId", job.id) + el("Status", job.status) + el("StatusUpdateReason", job.statusUpdateReason), true);
    }
  }
}

/** The S3 Control handler; `clock` is the sandbox's now (job dates, active time). */
export function createS3ControlHandler(clock: () => Date): ServiceHandler {
  return (request: SandboxRequest, world: World): SandboxResponse => route(request, world, clock());
}
