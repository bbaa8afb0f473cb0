/**
 * The completion report S3 Batch Operations writes to the report bucket, laid out as in
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-examples-reports.html :
 * `<prefix>/job-<id>/manifest.json` lists one CSV per task execution status under
 * `<prefix>/job-<id>/results/<sha>.csv`. Each row is Bucket, Key, VersionId, TaskStatus, then the
 * HTTP status and error code, then the result message. (The documented ReportSchema names
 * "ErrorCode, HTTPStatusCode" in that order, but the documented sample rows, and real reports,
 * carry the numeric status first: `...,failed,200,PermanentFailure,"..."`; we write what S3 writes.)
 * A report is written only when at least one task ran ("As long as at least one task has been
 * invoked successfully ..."), and FailedTasksOnly leaves the succeeded file out.
 */
import { createHash } from "node:crypto";
import type { BatchJobState, BucketState, StoredObject, World } from "../core/contracts.js";
import type { TaskOutcome } from "./tasks.js";

const md5 = (body: Buffer): string => createHash("md5").update(body).digest("hex");
const sha1 = (text: string): string => createHash("sha1").update(text).digest("hex");

/** RFC 4180 quoting, as the sample rows show (a field with a comma or quote is quoted, quotes doubled). */
const csvField = (value: string): string => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

const csvRow = (bucket: string, task: TaskOutcome): string =>
  [bucket, task.key, task.versionId, task.ok ? "succeeded" : "failed", String(task.httpStatus), task.errorCode, task.message].map(csvField).join(",");

function put(target: BucketState, key: string, body: Buffer, contentType: string, now: Date): StoredObject {
  const object: StoredObject = {
    body,
    contentType,
    etag: `"${md5(body)}"`,
    lastModified: now,
    metadata: {},
    // "Completion reports are always encrypted with Amazon S3 managed keys (SSE-S3)."
    sse: { algorithm: "AES256" },
  };
  target.stored.set(key, object);
  return object;
}

/** Writes the report of a finished job; returns the manifest's key, or null when no report is due. */
export function writeCompletionReport(job: BatchJobState, world: World, source: BucketState, outcomes: TaskOutcome[], now: Date): string | null {
  if (!job.report.enabled || job.report.bucket === undefined || outcomes.length === 0) return null;
  const target = world.buckets.get(job.report.bucket);
  if (target === undefined) return null;
  const base = `${job.report.prefix === undefined || job.report.prefix === "" ? "" : `${job.report.prefix.replace(/\/+$/, "")}/`}job-${job.id}`;
  const results: Array<{ TaskExecutionStatus: string; Bucket: string; MD5Checksum: string; Key: string }> = [];
  for (const status of ["succeeded", "failed"] as const) {
    if (status === "succeeded" && job.report.scope === "FailedTasksOnly") continue;
    const rows = outcomes.filter((task) => task.ok === (status === "succeeded"));
    if (rows.length === 0) continue;
    const body = Buffer.from(rows.map((task) => `${csvRow(source.name, task)}\n`).join(""));
    const key = `${base}/results/${sha1(`${job.id}/${status}`)}.csv`;
    put(target, key, body, "text/csv", now);
    results.push({ TaskExecutionStatus: status, Bucket: target.name, MD5Checksum: md5(body), Key: key });
  }
  const manifest = {
    Format: "Report_CSV_20180820",
    ReportCreationDate: now.toISOString(),
    Results: results,
    ReportSchema: "Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage",
  };
  const manifestKey = `${base}/manifest.json`;
  put(target, manifestKey, Buffer.from(JSON.stringify(manifest, null, 4)), "application/json", now);
  return manifestKey;
}
