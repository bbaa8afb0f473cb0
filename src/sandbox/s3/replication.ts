/** Get/Put/DeleteBucketReplication. */
import { randomUUID } from "node:crypto";
import type { SandboxResponse } from "../core/contracts.js";
import { ok, type BucketContext } from "./context.js";
import { s3Error } from "./errors.js";
import { MalformedReplication, readReplication, replicationXml, type StoredReplication } from "./replication-xml.js";
import { validateReplication } from "./replication-validate.js";
import { MALFORMED_XML_MESSAGE, parseRoot } from "./xml.js";

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketReplication.html — none configured:
 * 404 ReplicationConfigurationNotFoundError "The replication configuration was not found".
 */
export function getBucketReplication({ bucket, operation }: BucketContext): SandboxResponse {
  if (bucket.replication === undefined) {
    return s3Error(404, "ReplicationConfigurationNotFoundError", "The replication configuration was not found", operation, {
      bucket: bucket.name,
      fields: { BucketName: bucket.name },
    });
  }
  return ok(operation, bucket.name, replicationXml(bucket.replication));
}

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketReplication.html
 * "To create a replication configuration, ... versioning must be enabled on the source bucket":
 * otherwise 400 InvalidRequest "Versioning must be 'Enabled' on the bucket to apply a replication
 * configuration" (captured S3 answer, moto's test_put_bucket_replication_when_versioning_disabled).
 * The rest is in replication-validate.ts. A rule without ID gets one, as S3 assigns it.
 */
export function putBucketReplication({ request, world, bucket, operation }: BucketContext): SandboxResponse {
  const fail = (status: number, code: string, message: string, fields?: Record<string, string>): SandboxResponse =>
    s3Error(status, code, message, operation, { bucket: bucket.name, ...(fields ? { fields } : {}) });
  const root = parseRoot(request.body, "ReplicationConfiguration");
  if (root === undefined) return fail(400, "MalformedXML", MALFORMED_XML_MESSAGE);
  let configuration: StoredReplication;
  try {
    configuration = readReplication(root);
  } catch (error) {
    if (error instanceof MalformedReplication) return fail(400, "MalformedXML", MALFORMED_XML_MESSAGE);
    throw error;
  }
  if (bucket.versioning !== "Enabled") {
    return fail(400, "InvalidRequest", "Versioning must be 'Enabled' on the bucket to apply a replication configuration", { BucketName: bucket.name });
  }
  const problem = validateReplication(configuration, bucket, world);
  if (problem !== undefined) {
    return fail(400, problem.code, problem.code === "MalformedXML" ? MALFORMED_XML_MESSAGE : problem.message, problem.fields);
  }
  for (const rule of configuration.Rules) rule.ID ??= Buffer.from(randomUUID()).toString("base64");
  bucket.replication = configuration;
  return ok(operation, bucket.name);
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketReplication.html: 204, also when none is configured. */
export function deleteBucketReplication({ bucket, operation }: BucketContext): SandboxResponse {
  bucket.replication = undefined;
  return ok(operation, bucket.name, undefined, { status: 204 });
}
