/**
 * S3 Control's REST-XML answers (namespace 2018-08-20; lists as <member> elements) and errors.
 * S3 Control errors are not wrapped in <ErrorResponse>: <Error><Code/><Message/></Error>, as the
 * SDK's restXml (noErrorWrapping) reads them. The API model gives the Batch Operations errors
 * (BadRequestException, JobStatusException, IdempotencyException, NotFoundException) no HTTP
 * status, so a client tells them apart by Code only; the sandbox answers 400 for a refused
 * request or transition, 404 for an unknown job and 409 for a reused ClientRequestToken.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_DescribeJob.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_ListJobs.html
 */
import type { BatchJobState, SandboxResponse } from "../core/contracts.js";
import { el, escapeXml, type XmlValue } from "../s3/xml.js";
import { nextRequestIds } from "../s3/request-id.js";
import { elapsedActiveSeconds } from "./lifecycle.js";

export const S3CONTROL_NS = "http://awss3control.amazonaws.com/doc/2018-08-20/";

const headers = (): Record<string, string> => {
  const ids = nextRequestIds();
  return { "content-type": "application/xml", "x-amz-request-id": ids.requestId, "x-amz-id-2": ids.hostId };
};

export function controlResult(operation: string, root: string, children: string, mutating = false): SandboxResponse {
  return {
    status: 200,
    headers: headers(),
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3CONTROL_NS}">${children}</${root}>`,
    operation,
    mutating,
  };
}

export function controlError(status: number, code: string, message: string, operation: string): SandboxResponse {
  const response = headers();
  return {
    status,
    headers: response,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>` +
      `<RequestId>${response["x-amz-request-id"]}</RequestId><HostId>${response["x-amz-id-2"]}</HostId></Error>`,
    operation,
  };
}

/** Re-serialises a parsed request element (fast-xml-parser's shape) as it came: repeated children repeat. */
export function toXml(name: string, value: XmlValue): string {
  if (Array.isArray(value)) return value.map((item) => toXml(name, item)).join("");
  if (typeof value === "string") return `<${name}>${escapeXml(value)}</${name}>`;
  return `<${name}>${Object.entries(value).map(([child, inner]) => toXml(child, inner)).join("")}</${name}>`;
}

const iso = (date: Date | undefined): string | undefined => date?.toISOString();

export const jobArn = (job: BatchJobState): string => `arn:aws:s3:${job.region}:${job.accountId}:job/${job.id}`;

function progress(job: BatchJobState, now: Date): string {
  return (
    "<ProgressSummary>" +
    el("TotalNumberOfTasks", job.totalTasks ?? 0) +
    el("NumberOfTasksSucceeded", job.succeeded) +
    el("NumberOfTasksFailed", job.failed) +
    `<Timers>${el("ElapsedTimeInActiveSeconds", elapsedActiveSeconds(job, now))}</Timers>` +
    "</ProgressSummary>"
  );
}

/** JobDescriptor, for DescribeJob. */
export function jobDescriptor(job: BatchJobState, now: Date): string {
  const failures = job.failureReasons.map((f) => `<member>${el("FailureCode", f.code)}${el("FailureReason", f.reason)}</member>`).join("");
  return (
    "<Job>" +
    el("JobId", job.id) +
    el("ConfirmationRequired", job.confirmationRequired) +
    el("Description", job.description) +
    el("JobArn", jobArn(job)) +
    el("Status", job.status) +
    job.echo +
    el("Priority", job.priority) +
    progress(job, now) +
    el("StatusUpdateReason", job.statusUpdateReason) +
    (failures === "" ? "" : `<FailureReasons>${failures}</FailureReasons>`) +
    el("CreationTime", iso(job.createdAt)) +
    el("TerminationDate", iso(job.terminatedAt)) +
    el("RoleArn", job.roleArn) +
    el("SuspendedDate", iso(job.suspendedAt)) +
    el("SuspendedCause", job.suspendedCause) +
    "</Job>"
  );
}

/** JobListDescriptor, for ListJobs. */
export function jobListDescriptor(job: BatchJobState, now: Date): string {
  return (
    "<member>" +
    el("JobId", job.id) +
    el("Description", job.description) +
    el("Operation", job.operation) +
    el("Priority", job.priority) +
    el("Status", job.status) +
    el("CreationTime", iso(job.createdAt)) +
    el("TerminationDate", iso(job.terminatedAt)) +
    progress(job, now) +
    "</member>"
  );
}
