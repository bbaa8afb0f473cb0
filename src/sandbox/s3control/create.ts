/**
 * CreateJob (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_CreateJob.html): reads the
 * request, checks what S3 checks up front (the required elements, one operation, a manifest or a
 * manifest generator, Priority ≥ 0, ClientRequestToken idempotency) and files a New job.
 */
import { createHash } from "node:crypto";
import type { BatchJobState, SandboxRequest, SandboxResponse, World } from "../core/contracts.js";
import { child, parseRoot, text, type XmlNode } from "../s3/xml.js";
import { controlError, controlResult, toXml } from "./xml.js";

const OPERATION = "CreateJob";
const bad = (message: string): SandboxResponse => controlError(400, "BadRequestException", message, OPERATION);

/** A job id shaped like S3's (a UUID), derived from the account and the job's sequence: reproducible. */
function jobIdFor(accountId: string, sequence: number): string {
  const hex = createHash("sha256").update(`batch-job:${accountId}:${sequence}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const bucketOfArn = (arn: string | undefined): string | null => (arn === undefined ? null : arn.replace(/^arn:aws[\w-]*:s3:::/, ""));

const echoOf = (root: XmlNode): string =>
  ["Operation", "Report", "Manifest", "ManifestGenerator"].map((name) => (root[name] === undefined ? "" : toXml(name, root[name]))).join("");

export function createJob(request: SandboxRequest, world: World, accountId: string, now: Date): SandboxResponse {
  const root = parseRoot(request.body, "CreateJobRequest");
  if (root === undefined) return bad("The XML you provided was not well-formed or did not validate against our published schema");
  const operation = child(root, "Operation");
  const operations = Object.keys(operation ?? {});
  if (operations.length !== 1) return bad("Exactly one operation must be specified");
  const report = child(root, "Report");
  const token = text(root, "ClientRequestToken");
  const roleArn = text(root, "RoleArn");
  const priority = Number(text(root, "Priority"));
  if (report === undefined || token === undefined || roleArn === undefined || !Number.isInteger(priority)) {
    return bad("Operation, Report, ClientRequestToken, Priority and RoleArn are required");
  }
  if (priority < 0) return bad("Priority must be greater than or equal to 0");
  const generator = child(child(root, "ManifestGenerator"), "S3JobManifestGenerator");
  if ((root["Manifest"] === undefined) === (generator === undefined)) return bad("Specify either a Manifest or a ManifestGenerator");

  const echo = echoOf(root);
  const digest = createHash("sha256").update(request.body).digest("hex");
  for (const job of world.batchJobs.values()) {
    if (job.accountId !== accountId || job.clientRequestToken !== token) continue;
    // Idempotent retry: the same token and request answer the same job; a different request is refused.
    if (job.requestDigest !== digest) return controlError(409, "IdempotencyException", "The ClientRequestToken was used for a different request", OPERATION);
    return controlResult(OPERATION, "CreateJobResult", `<JobId>${job.id}</JobId>`, true);
  }
  const enabled = text(report, "Enabled") === "true";
  const scope = text(report, "ReportScope");
  if (enabled && (text(report, "Bucket") === undefined || text(report, "Format") !== "Report_CSV_20180820")) {
    return bad("An enabled Report needs a Bucket and the Format Report_CSV_20180820");
  }
  const job: BatchJobState = {
    id: jobIdFor(accountId, world.batchJobs.size),
    accountId,
    region: request.region,
    status: "New",
    operation: operations[0] as string,
    confirmationRequired: text(root, "ConfirmationRequired") === "true",
    priority,
    roleArn,
    ...(text(root, "Description") === undefined ? {} : { description: text(root, "Description") as string }),
    clientRequestToken: token,
    requestDigest: digest,
    echo,
    sourceBucket: bucketOfArn(text(generator, "SourceBucket")),
    report: {
      enabled,
      ...(text(report, "Bucket") === undefined ? {} : { bucket: bucketOfArn(text(report, "Bucket")) as string }),
      ...(text(report, "Prefix") === undefined ? {} : { prefix: text(report, "Prefix") as string }),
      ...(scope === "AllTasks" || scope === "FailedTasksOnly" ? { scope } : {}),
    },
    succeeded: 0,
    failed: 0,
    createdAt: now,
    activeSeconds: 0,
    failureReasons: [],
    step: 0,
  };
  world.batchJobs.set(job.id, job);
  return controlResult(OPERATION, "CreateJobResult", `<JobId>${job.id}</JobId>`, true);
}
