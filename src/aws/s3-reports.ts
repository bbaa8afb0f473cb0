/**
 * Reports delivered to S3 (`--out s3://bucket/prefix/`) and the baseline read back from there
 * (`--baseline s3://bucket/prefix/`), with the caller's credentials (the scanner's own account,
 * never an audit role: the audit role stays read-only). Layout: one folder per run, named by the
 * run's UTC timestamp, `s3://bucket/prefix/2026-11-29T03-17-00.000Z/snapshot.json`, so the newest
 * run is the last folder in key order and a listing of the prefix is the history.
 * Files go up through lib-storage's Upload: multipart above 8 MiB, so a 2 GB snapshot streams from
 * disk in parts; SSE-KMS when a key is given (else the bucket's default encryption applies).
 */
import { createReadStream, createWriteStream } from "node:fs";
import { basename } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import { GetBucketLocationCommand, GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { OutDirError, OutputError, SnapshotError, UsageError } from "../errors.js";
import { awsErrorCode, awsErrorMessage } from "./errors.js";
import { AwsClientFactory, defaultRegion } from "./clients.js";
import { callerCredentials, type CredentialsInput } from "./credentials.js";

export interface S3Location {
  bucket: string;
  /** Key prefix, "" or ending in "/". */
  prefix: string;
}

const SNAPSHOT = "snapshot.json";
/** Parts of 8 MiB, 4 in flight: 32 MiB of buffers at most, whatever the report's size. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;

export const isS3Url = (value: string | undefined): value is string => value !== undefined && value.startsWith("s3://");

/** `s3://bucket/prefix` → bucket and a prefix ending in "/" (a folder, as a report folder is). */
export function parseS3Url(url: string, flag: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (match === null) throw new UsageError(`${flag}: ${JSON.stringify(url)} is not s3://BUCKET/PREFIX/ with a valid bucket name`);
  const path = match[2] ?? "";
  return { bucket: match[1]!, prefix: path === "" || path.endsWith("/") ? path : `${path}/` };
}

/** The folder name of a run: its UTC start time, as the local report folders are named. */
export const runFolder = (now: Date): string => now.toISOString().replace(/:/g, "-");

export interface ReportsClientOptions {
  endpoint?: string;
  profile?: string;
  region?: string;
  credentials?: CredentialsInput;
  maxAttempts?: number;
}

/** An S3 client for the bucket at `location`, in the bucket's own Region (found with GetBucketLocation, which any Region answers). */
export async function reportsClient(location: S3Location, options: ReportsClientOptions, flag: string): Promise<{ client: S3Client; close(): void }> {
  const factory = new AwsClientFactory({ endpoint: options.endpoint, region: options.region ?? defaultRegion(), maxAttempts: options.maxAttempts ?? 5, maxSockets: QUEUE_SIZE * 2 });
  const credentials = callerCredentials({ ...(options.credentials === undefined ? {} : { credentials: options.credentials }), ...(options.profile === undefined ? {} : { profile: options.profile }) });
  const home = factory.s3(credentials, factory.settings.region);
  let region: string;
  try {
    const out = await home.send(new GetBucketLocationCommand({ Bucket: location.bucket }));
    region = out.LocationConstraint === undefined || (out.LocationConstraint as string) === "" ? "us-east-1" : out.LocationConstraint === "EU" ? "eu-west-1" : out.LocationConstraint;
  } catch (error) {
    factory.close();
    const Problem = flag === "--out" ? OutDirError : SnapshotError;
    throw new Problem(`${flag}: cannot use bucket ${location.bucket} (GetBucketLocation ${awsErrorCode(error)}: ${awsErrorMessage(error)})`, {
      bucket: location.bucket,
      operation: "GetBucketLocation",
      code: awsErrorCode(error),
      cause: error,
    });
  }
  return { client: factory.s3(credentials, region), close: () => factory.close() };
}

/**
 * Uploads each file to `prefix<run>/<file name>`; returns the s3:// URL of each, in order. A failed
 * upload is an OutputError naming the key: the reports were made but not delivered, never "done".
 */
export async function uploadReports(client: S3Client, location: S3Location, run: string, files: string[], options: { sseKmsKeyId?: string } = {}): Promise<string[]> {
  const urls: string[] = [];
  for (const file of files) {
    const key = `${location.prefix}${run}/${basename(file)}`;
    const params = {
      Bucket: location.bucket,
      Key: key,
      Body: createReadStream(file),
      ContentType: contentType(file),
      ...(options.sseKmsKeyId === undefined ? {} : { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: options.sseKmsKeyId }),
    };
    try {
      await new Upload({ client, params, partSize: PART_SIZE, queueSize: QUEUE_SIZE, leavePartsOnError: false }).done();
    } catch (error) {
      throw new OutputError(`--out: cannot write s3://${location.bucket}/${key} (${awsErrorCode(error)}: ${awsErrorMessage(error)}); the reports are complete but not delivered`, {
        bucket: location.bucket,
        operation: "PutObject",
        code: awsErrorCode(error),
        cause: error,
      });
    }
    urls.push(`s3://${location.bucket}/${key}`);
  }
  return urls;
}

const CONTENT_TYPES: Record<string, string> = { html: "text/html; charset=utf-8", json: "application/json", csv: "text/csv; charset=utf-8", sarif: "application/sarif+json" };
const contentType = (file: string): string => CONTENT_TYPES[file.split(".").pop() ?? ""] ?? "application/octet-stream";

/**
 * The key of the newest run's snapshot under `location`: run folders are UTC timestamps, so the
 * last folder (in key order) holding a snapshot.json. `location` naming a .json key is that key.
 * Null when the prefix holds no snapshot yet (a first run).
 */
export async function latestSnapshotKey(client: S3Client, location: S3Location): Promise<string | null> {
  let newest: string | null = null;
  let token: string | undefined;
  try {
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: location.prefix, ContinuationToken: token }));
      for (const { Key } of page.Contents ?? []) {
        if (Key === undefined) continue;
        const rest = Key.slice(location.prefix.length).split("/");
        if (rest.length === 2 && rest[1] === SNAPSHOT && (newest === null || Key > newest)) newest = Key;
      }
      token = page.NextContinuationToken;
    } while (token !== undefined);
  } catch (error) {
    throw new SnapshotError(`--baseline: cannot list s3://${location.bucket}/${location.prefix} (${awsErrorCode(error)}: ${awsErrorMessage(error)})`, {
      bucket: location.bucket,
      operation: "ListObjectsV2",
      code: awsErrorCode(error),
      cause: error,
    });
  }
  return newest;
}

/** Downloads one object to `file` (streamed: a snapshot may be larger than memory allows). */
export async function downloadObject(client: S3Client, bucket: string, key: string, file: string): Promise<void> {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await pipeline(out.Body as Readable, createWriteStream(file));
  } catch (error) {
    throw new SnapshotError(`--baseline: cannot read s3://${bucket}/${key} (${awsErrorCode(error)}: ${awsErrorMessage(error)})`, {
      bucket,
      operation: "GetObject",
      code: awsErrorCode(error),
      cause: error,
    });
  }
}
