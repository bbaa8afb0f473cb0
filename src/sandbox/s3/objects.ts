/**
 * The object calls on `BucketState.stored` (latest version only): PutObject, GetObject, HeadObject,
 * DeleteObject and ListObjectsV2. Enough for a report writer and reader (`--out s3://`,
 * `--baseline s3://`) and for Batch Operations completion reports; no ranges, no versions, no ACLs.
 * - PutObject (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html): ETag is the
 *   quoted hex MD5 of the body; SSE is what the request asks for, else the bucket's default
 *   encryption, else SSE-S3 (AES256): "all new object uploads to Amazon S3 are automatically
 *   encrypted" since January 2023 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html).
 * - GetObject/HeadObject: 404 NoSuchKey (HEAD: no body, as for every HEAD error).
 * - DeleteObject: 204 whether or not the key existed (API_DeleteObject).
 */
import { createHash } from "node:crypto";
import type { SandboxResponse, StoredObject } from "../core/contracts.js";
import type { BucketContext } from "./context.js";
import { s3Error } from "./errors.js";
import { integrityProblem } from "./integrity.js";

const META = "x-amz-meta-";

/** The quoted hex MD5 S3 gives a single PUT's ETag. */
export const md5Etag = (body: Buffer): string => `"${createHash("md5").update(body).digest("hex")}"`;

/** A checksum or Content-MD5 the client sent must match; S3 accepts a PutObject/UploadPart without one. */
export function sentIntegrityProblem(context: BucketContext): SandboxResponse | undefined {
  const { request, bucket, operation } = context;
  const sent = Object.keys({ ...request.headers, ...request.trailers }).some((name) => name === "content-md5" || (name.startsWith("x-amz-checksum-") && name !== "x-amz-checksum-algorithm" && name !== "x-amz-checksum-type"));
  return sent ? integrityProblem(request, operation, bucket.name) : undefined;
}

/** The encryption an object gets: the request's headers, else the bucket default, else SSE-S3. */
export function requestedSse(context: BucketContext): { algorithm: string; kmsKeyId?: string } | SandboxResponse {
  const { request, bucket } = context;
  const algorithm = request.headers["x-amz-server-side-encryption"];
  const kmsKeyId = request.headers["x-amz-server-side-encryption-aws-kms-key-id"];
  if (algorithm === undefined) {
    if (kmsKeyId !== undefined) return invalidArgument(context, "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms");
    const fallback = bucket.encryption;
    return fallback === undefined ? { algorithm: "AES256" } : { algorithm: fallback.algorithm, ...(fallback.kmsKeyId ? { kmsKeyId: fallback.kmsKeyId } : {}) };
  }
  if (algorithm !== "AES256" && algorithm !== "aws:kms" && algorithm !== "aws:kms:dsse") {
    return invalidArgument(context, "The encryption method specified is not supported");
  }
  if (algorithm === "AES256" && kmsKeyId !== undefined) return invalidArgument(context, "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms");
  // Without a key id, S3 uses the account's AWS managed key aws/s3.
  const key = kmsKeyId ?? (algorithm === "AES256" ? undefined : `arn:aws:kms:${bucket.region}:${bucket.accountId}:alias/aws/s3`);
  return { algorithm, ...(key === undefined ? {} : { kmsKeyId: key }) };
}

const invalidArgument = ({ operation, bucket }: BucketContext, message: string): SandboxResponse =>
  s3Error(400, "InvalidArgument", message, operation, { bucket: bucket.name });

/** x-amz-server-side-encryption headers for an answer about an object so encrypted. */
export function sseHeaders(sse: StoredObject["sse"]): Record<string, string> {
  if (sse === undefined) return {};
  return { "x-amz-server-side-encryption": sse.algorithm, ...(sse.kmsKeyId === undefined ? {} : { "x-amz-server-side-encryption-aws-kms-key-id": sse.kmsKeyId }) };
}

/** x-amz-meta-* request headers, lower-case names without the prefix. */
export const metadataOf = (headers: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith(META)).map(([name, value]) => [name.slice(META.length), value]));

export function putObject(context: BucketContext, key: string): SandboxResponse {
  const { request, bucket, operation } = context;
  const problem = sentIntegrityProblem(context);
  if (problem !== undefined) return problem;
  const sse = requestedSse(context);
  if ("status" in sse) return sse;
  const object: StoredObject = {
    body: request.body,
    contentType: request.headers["content-type"] ?? "binary/octet-stream",
    etag: md5Etag(request.body),
    lastModified: new Date(Math.floor(Date.now() / 1000) * 1000),
    metadata: metadataOf(request.headers),
    sse,
  };
  bucket.stored.set(key, object);
  return { status: 200, headers: { etag: object.etag, ...sseHeaders(sse) }, body: "", operation, bucket: bucket.name, mutating: true };
}

function noSuchKey({ operation, bucket }: BucketContext, key: string): SandboxResponse {
  return s3Error(404, "NoSuchKey", "The specified key does not exist.", operation, { bucket: bucket.name, fields: { Key: key } });
}

function objectHeaders(object: StoredObject): Record<string, string> {
  return {
    "content-type": object.contentType,
    etag: object.etag,
    "last-modified": object.lastModified.toUTCString(),
    "accept-ranges": "bytes",
    ...Object.fromEntries(Object.entries(object.metadata).map(([name, value]) => [`${META}${name}`, value])),
    ...sseHeaders(object.sse),
  };
}

export function getObject(context: BucketContext, key: string): SandboxResponse {
  const object = context.bucket.stored.get(key);
  if (object === undefined) return noSuchKey(context, key);
  return { status: 200, headers: objectHeaders(object), body: object.body, operation: context.operation, bucket: context.bucket.name, mutating: false };
}

/** HEAD: the object's headers and its length, no body (the server keeps a given content-length for HEAD). */
export function headObject(context: BucketContext, key: string): SandboxResponse {
  const object = context.bucket.stored.get(key);
  if (object === undefined) return { ...noSuchKey(context, key), body: "" };
  const headers = { ...objectHeaders(object), "content-length": String(object.body.length) };
  return { status: 200, headers, body: "", operation: context.operation, bucket: context.bucket.name, mutating: false };
}

export function deleteObject(context: BucketContext, key: string): SandboxResponse {
  context.bucket.stored.delete(key);
  return { status: 204, headers: {}, body: "", operation: context.operation, bucket: context.bucket.name, mutating: true };
}
