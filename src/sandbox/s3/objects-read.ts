/**
 * GetObject on the objects the sandbox holds with bodies (BucketState.stored), so a client can read
 * back what the sandbox itself wrote (a Batch Operations completion report). Minimal and read-only:
 * the full object API (PutObject, ListObjectsV2, multipart, ranges) is objects*.ts of the object
 * API work; this file is only the read that batch replication needs until that lands.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
 */
import { isAnonymous } from "../core/anonymous.js";
import type { SandboxRequest, SandboxResponse, World } from "../core/contracts.js";
import { authorize } from "./access.js";
import { s3Error } from "./errors.js";
import { permanentRedirect } from "./redirect.js";

const OPERATION = "GetObject";

export function getObject(request: SandboxRequest, world: World, bucketName: string, key: string): SandboxResponse {
  const bucket = world.buckets.get(bucketName);
  if (bucket === undefined) return s3Error(404, "NoSuchBucket", "The specified bucket does not exist", OPERATION, { bucket: bucketName, fields: { BucketName: bucketName } });
  if (request.region !== bucket.region) return permanentRedirect(bucket, OPERATION);
  if (isAnonymous(request.caller) || authorize(bucket, OPERATION, request.caller, world) === "deny") {
    return s3Error(403, "AccessDenied", "Access Denied", OPERATION, { bucket: bucketName });
  }
  const object = bucket.stored.get(key);
  if (object === undefined) return s3Error(404, "NoSuchKey", "The specified key does not exist.", OPERATION, { bucket: bucketName, fields: { Key: key } });
  const headers: Record<string, string> = {
    "content-type": object.contentType,
    etag: object.etag,
    "last-modified": object.lastModified.toUTCString(),
    "accept-ranges": "bytes",
  };
  if (object.sse !== undefined) headers["x-amz-server-side-encryption"] = object.sse.algorithm;
  if (object.sse?.kmsKeyId !== undefined) headers["x-amz-server-side-encryption-aws-kms-key-id"] = object.sse.kmsKeyId;
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  return { status: 200, headers, body: object.body, operation: OPERATION, bucket: bucketName, mutating: false };
}
