/**
 * Reads a job's completion report back (GetObject) and counts it: `<prefix>/job-<id>/manifest.json`
 * names one CSV per task status; each row is Bucket, Key, VersionId, TaskStatus, then the HTTP
 * status and the error code (in either order: the documented ReportSchema and the documented
 * sample rows disagree), then the result message.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-examples-reports.html
 */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ReportSummary } from "./types.js";

const MAX_FAILED_KEYS = 5;

/** RFC 4180 rows: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

async function read(s3: S3Client, bucket: string, key: string): Promise<string> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await answer.Body?.transformToString("utf8")) ?? "";
}

/** The report's manifest key for a job, as S3 lays it out. */
export const manifestKeyOf = (jobId: string, prefix: string | undefined): string =>
  `${prefix === undefined || prefix === "" ? "" : `${prefix.replace(/\/+$/, "")}/`}job-${jobId}/manifest.json`;

/** Reads and counts the report; throws the SDK's error when a read fails (the caller records it). */
export async function readCompletionReport(
  s3: S3Client,
  location: { bucket: string; prefix?: string },
  jobId: string,
  progress: { succeeded: number; failed: number },
): Promise<ReportSummary> {
  const manifestKey = manifestKeyOf(jobId, location.prefix);
  const manifest = JSON.parse(await read(s3, location.bucket, manifestKey)) as { Results?: Array<{ Bucket?: string; Key?: string }> };
  let succeeded = 0;
  let failed = 0;
  const failuresByCode: Record<string, number> = {};
  const failedKeys: string[] = [];
  for (const result of manifest.Results ?? []) {
    if (result.Key === undefined) continue;
    for (const row of parseCsv(await read(s3, result.Bucket ?? location.bucket, result.Key))) {
      const status = row[3];
      if (status === "succeeded") succeeded++;
      else if (status === "failed") {
        failed++;
        const code = [row[4], row[5]].find((value) => value !== undefined && value !== "" && !/^\d+$/.test(value)) ?? row[4] ?? "unknown";
        failuresByCode[code] = (failuresByCode[code] ?? 0) + 1;
        if (failedKeys.length < MAX_FAILED_KEYS) failedKeys.push(row[1] ?? "");
      }
    }
  }
  return { manifestKey, succeeded, failed, failuresByCode, failedKeys, matchesProgress: succeeded === progress.succeeded && failed === progress.failed };
}
