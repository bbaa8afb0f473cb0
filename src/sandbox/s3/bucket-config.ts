/** GetBucketEncryption, GetBucketTagging and GetBucketPolicy. */
import type { SandboxResponse } from "../core/contracts.js";
import { ok, type BucketContext } from "./context.js";
import { s3Error } from "./errors.js";
import { el, wrap, xmlDocument } from "./xml.js";

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html
 * A bucket whose scenario sets no encryption answers SSE-S3 (AES256): "Amazon S3 now applies
 * server-side encryption with Amazon S3 managed keys (SSE-S3) as the base level of encryption for
 * every bucket in Amazon S3. Starting January 5, 2023, all new object uploads to Amazon S3 are
 * automatically encrypted" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingServerSideEncryption.html), so
 * GetBucketEncryption no longer answers ServerSideEncryptionConfigurationNotFoundError.
 */
export function getBucketEncryption({ bucket, operation }: BucketContext): SandboxResponse {
  const encryption = bucket.encryption ?? { algorithm: "AES256" };
  const byDefault = wrap("ApplyServerSideEncryptionByDefault", el("SSEAlgorithm", encryption.algorithm) + el("KMSMasterKeyID", encryption.kmsKeyId));
  const rule = wrap("Rule", byDefault + el("BucketKeyEnabled", encryption.bucketKeyEnabled ?? false));
  return ok(operation, bucket.name, xmlDocument("ServerSideEncryptionConfiguration", rule));
}

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketTagging.html — no tags:
 * 404 NoSuchTagSet "The TagSet does not exist".
 */
export function getBucketTagging({ bucket, operation }: BucketContext): SandboxResponse {
  const tags = Object.entries(bucket.tags ?? {});
  if (tags.length === 0) {
    return s3Error(404, "NoSuchTagSet", "The TagSet does not exist", operation, { bucket: bucket.name, fields: { BucketName: bucket.name } });
  }
  const tagSet = tags.map(([key, value]) => wrap("Tag", el("Key", key) + el("Value", value))).join("");
  return ok(operation, bucket.name, xmlDocument("Tagging", wrap("TagSet", tagSet)));
}

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicy.html — the policy JSON as the
 * body; none: 404 NoSuchBucketPolicy "The bucket policy does not exist". "If you have the correct
 * permissions, but you're not using an identity that belongs to the bucket owner's account, Amazon
 * S3 returns a 405 Method Not Allowed error."
 */
export function getBucketPolicy({ request, bucket, operation }: BucketContext): SandboxResponse {
  if (request.caller.accountId !== bucket.accountId) {
    return s3Error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", operation, {
      bucket: bucket.name,
      fields: { Method: "GET", ResourceType: "BUCKETPOLICY" },
    });
  }
  if (bucket.policy === undefined) {
    return s3Error(404, "NoSuchBucketPolicy", "The bucket policy does not exist", operation, { bucket: bucket.name, fields: { BucketName: bucket.name } });
  }
  return { status: 200, headers: { "content-type": "application/json" }, body: bucket.policy, operation, bucket: bucket.name, mutating: false };
}
