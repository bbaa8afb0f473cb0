/**
 * Bucket reads that third-party scanners sweep (issue 11): each answers as S3 does for a bucket
 * that has never been configured, or the configuration the scenario (or CreateBucket's defaults)
 * gave it. Error codes and statuses: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
 */
import type { SandboxResponse } from "../core/contracts.js";
import { ok, type BucketContext } from "./context.js";
import { s3Error } from "./errors.js";
import { ownerXml, canonicalUserId } from "./owner.js";
import { isPublicPolicy } from "./policy-status.js";
import { sdkChildrenXml } from "./sdk-xml.js";
import { el, wrap, xmlDocument } from "./xml.js";

const notFound = ({ bucket, operation }: BucketContext, code: string, message: string): SandboxResponse =>
  s3Error(404, code, message, operation, { bucket: bucket.name, fields: { BucketName: bucket.name } });

const displayName = ({ world, bucket }: BucketContext): string => world.accounts.get(bucket.accountId)?.name ?? bucket.accountId;

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html — the owner and, for a
 * bucket whose ACL was never changed (and for every bucket with ACLs disabled by BucketOwnerEnforced),
 * one grant: the owner's FULL_CONTROL, the grantee typed CanonicalUser with xsi:type.
 */
export function getBucketAcl(context: BucketContext): SandboxResponse {
  const { bucket, operation } = context;
  const name = displayName(context);
  const grantee =
    `<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">` +
    `${el("ID", canonicalUserId(bucket.accountId))}${el("DisplayName", name)}</Grantee>`;
  const grants = wrap("AccessControlList", wrap("Grant", grantee + el("Permission", "FULL_CONTROL")));
  return ok(operation, bucket.name, xmlDocument("AccessControlPolicy", ownerXml(bucket.accountId, name) + grants));
}

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicyStatus.html — `<PolicyStatus><IsPublic>`;
 * a bucket without a policy: 404 NoSuchBucketPolicy, as GetBucketPolicy.
 */
export function getBucketPolicyStatus(context: BucketContext): SandboxResponse {
  const { bucket, operation } = context;
  if (bucket.policy === undefined) return notFound(context, "NoSuchBucketPolicy", "The bucket policy does not exist");
  return ok(operation, bucket.name, xmlDocument("PolicyStatus", el("IsPublic", isPublicPolicy(bucket.policy))));
}

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetPublicAccessBlock.html — none: 404
 * NoSuchPublicAccessBlockConfiguration "The public access block configuration was not found".
 * The four settings are always written; one the scenario leaves out is false.
 */
export function getPublicAccessBlock(context: BucketContext): SandboxResponse {
  const { bucket, operation } = context;
  const block = bucket.publicAccessBlock;
  if (block === undefined) return notFound(context, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found");
  const settings = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"] as const;
  return ok(operation, bucket.name, xmlDocument("PublicAccessBlockConfiguration", settings.map((name) => el(name, block[name] ?? false)).join("")));
}

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketOwnershipControls.html — none: 404
 * OwnershipControlsNotFoundError "The bucket ownership controls were not found".
 */
export function getBucketOwnershipControls(context: BucketContext): SandboxResponse {
  const { bucket, operation } = context;
  if (bucket.ownershipControls === undefined) return notFound(context, "OwnershipControlsNotFoundError", "The bucket ownership controls were not found");
  return ok(operation, bucket.name, xmlDocument("OwnershipControls", sdkChildrenXml(bucket.ownershipControls)));
}

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLifecycleConfiguration.html — none:
 * 404 NoSuchLifecycleConfiguration "The lifecycle configuration does not exist". A configuration
 * answers with x-amz-transition-default-minimum-object-size (all_storage_classes_128K, the default
 * since September 2024).
 */
export function getBucketLifecycleConfiguration(context: BucketContext): SandboxResponse {
  const { bucket, operation } = context;
  if (bucket.lifecycle === undefined) return notFound(context, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist");
  return ok(operation, bucket.name, xmlDocument("LifecycleConfiguration", sdkChildrenXml(bucket.lifecycle)), {
    headers: { "x-amz-transition-default-minimum-object-size": "all_storage_classes_128K" },
  });
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketWebsite.html — never configured: 404 NoSuchWebsiteConfiguration. */
export const getBucketWebsite = (context: BucketContext): SandboxResponse =>
  notFound(context, "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration");

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketCors.html — never configured: 404 NoSuchCORSConfiguration. */
export const getBucketCors = (context: BucketContext): SandboxResponse =>
  notFound(context, "NoSuchCORSConfiguration", "The CORS configuration does not exist");

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLogging.html — logging off: an empty `<BucketLoggingStatus/>`. */
export const getBucketLogging = ({ bucket, operation }: BucketContext): SandboxResponse =>
  ok(operation, bucket.name, xmlDocument("BucketLoggingStatus", ""));

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketNotificationConfiguration.html —
 * "If notifications are not enabled on the bucket, the action returns an empty NotificationConfiguration element."
 */
export const getBucketNotificationConfiguration = ({ bucket, operation }: BucketContext): SandboxResponse =>
  ok(operation, bucket.name, xmlDocument("NotificationConfiguration", ""));

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketRequestPayment.html — the default payer is the bucket owner. */
export const getBucketRequestPayment = ({ bucket, operation }: BucketContext): SandboxResponse =>
  ok(operation, bucket.name, xmlDocument("RequestPaymentConfiguration", el("Payer", "BucketOwner")));

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAccelerateConfiguration.html — "If the
 * transfer acceleration state has never been set on the bucket, Amazon S3 returns an empty
 * `AccelerateConfiguration`" (no Status).
 */
export const getBucketAccelerateConfiguration = ({ bucket, operation }: BucketContext): SandboxResponse =>
  ok(operation, bucket.name, xmlDocument("AccelerateConfiguration", ""));

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAbac.html — `<AbacStatus><Status>`; never enabled reads Disabled. */
export const getBucketAbac = ({ bucket, operation }: BucketContext): SandboxResponse =>
  ok(operation, bucket.name, xmlDocument("AbacStatus", el("Status", "Disabled")));

/**
 * Analytics, inventory, metrics and Intelligent-Tiering configurations are read by id; none exists:
 * 404 NoSuchConfiguration "The specified configuration does not exist." (ErrorCodeList).
 */
export const getConfigurationById = (context: BucketContext): SandboxResponse =>
  s3Error(404, "NoSuchConfiguration", "The specified configuration does not exist.", context.operation, { bucket: context.bucket.name });

/**
 * S3 Metadata (GetBucketMetadataConfiguration, and the V1 GetBucketMetadataTableConfiguration) on a
 * bucket without it: 404 MetadataConfigurationNotFound. The code is the one clients test for (the
 * Terraform AWS provider's errCodeMetadataConfigurationNotFound); the API reference lists no text.
 */
export const getBucketMetadataConfiguration = (context: BucketContext): SandboxResponse =>
  notFound(context, "MetadataConfigurationNotFound", "The metadata table configuration does not exist.");
