/**
 * The S3 service handler: works out which REST operation a request names (method, bucket,
 * subresource), then applies the checks S3 makes before any bucket-level operation, in S3's order:
 * the bucket exists (404 NoSuchBucket), the request was signed for the bucket's Region
 * (301 PermanentRedirect), and the caller is allowed (403 AccessDenied).
 */
import { isAnonymous } from "../core/anonymous.js";
import type { SandboxRequest, SandboxResponse, ServiceHandler, World } from "../core/contracts.js";
import { authorize } from "./access.js";
import { createBucket, getBucketLocation, headBucket } from "./bucket-ops.js";
import { getBucketEncryption, getBucketPolicy, getBucketTagging } from "./bucket-config.js";
import {
  getBucketAbac, getBucketAccelerateConfiguration, getBucketAcl, getBucketCors, getBucketLifecycleConfiguration, getBucketLogging,
  getBucketMetadataConfiguration, getBucketNotificationConfiguration, getBucketOwnershipControls, getBucketPolicyStatus,
  getBucketRequestPayment, getBucketWebsite, getConfigurationById, getPublicAccessBlock,
} from "./bucket-settings.js";
import type { BucketHandler } from "./context.js";
import { s3Error } from "./errors.js";
import { integrityProblem, NEEDS_INTEGRITY_HEADER } from "./integrity.js";
import { listBuckets } from "./list-buckets.js";
import { getObjectLockConfiguration, putObjectLockConfiguration } from "./object-lock.js";
import { listObjectsV2 } from "./objects-list.js";
import { objectRoute } from "./objects-routes.js";
import { permanentRedirect } from "./redirect.js";
import { nextRequestIds } from "./request-id.js";
import { deleteBucketReplication, getBucketReplication, putBucketReplication } from "./replication.js";
import { getBucketVersioning, putBucketVersioning } from "./versioning.js";

/** `${method} ${subresource}` → [operation, handler]. "" is the bucket itself. */
const ROUTES: Readonly<Record<string, readonly [string, BucketHandler]>> = {
  "GET location": ["GetBucketLocation", getBucketLocation],
  "HEAD ": ["HeadBucket", headBucket],
  "GET versioning": ["GetBucketVersioning", getBucketVersioning],
  "PUT versioning": ["PutBucketVersioning", putBucketVersioning],
  "GET replication": ["GetBucketReplication", getBucketReplication],
  "PUT replication": ["PutBucketReplication", putBucketReplication],
  "DELETE replication": ["DeleteBucketReplication", deleteBucketReplication],
  "GET object-lock": ["GetObjectLockConfiguration", getObjectLockConfiguration],
  "PUT object-lock": ["PutObjectLockConfiguration", putObjectLockConfiguration],
  "GET encryption": ["GetBucketEncryption", getBucketEncryption],
  "GET tagging": ["GetBucketTagging", getBucketTagging],
  "GET policy": ["GetBucketPolicy", getBucketPolicy],
  "GET acl": ["GetBucketAcl", getBucketAcl],
  "GET policyStatus": ["GetBucketPolicyStatus", getBucketPolicyStatus],
  "GET publicAccessBlock": ["GetPublicAccessBlock", getPublicAccessBlock],
  "GET ownershipControls": ["GetBucketOwnershipControls", getBucketOwnershipControls],
  "GET lifecycle": ["GetBucketLifecycleConfiguration", getBucketLifecycleConfiguration],
  "GET website": ["GetBucketWebsite", getBucketWebsite],
  "GET logging": ["GetBucketLogging", getBucketLogging],
  "GET notification": ["GetBucketNotificationConfiguration", getBucketNotificationConfiguration],
  "GET cors": ["GetBucketCors", getBucketCors],
  "GET requestPayment": ["GetBucketRequestPayment", getBucketRequestPayment],
  "GET accelerate": ["GetBucketAccelerateConfiguration", getBucketAccelerateConfiguration],
  "GET abac": ["GetBucketAbac", getBucketAbac],
  "GET analytics": ["GetBucketAnalyticsConfiguration", getConfigurationById],
  "GET inventory": ["GetBucketInventoryConfiguration", getConfigurationById],
  "GET metrics": ["GetBucketMetricsConfiguration", getConfigurationById],
  "GET intelligent-tiering": ["GetBucketIntelligentTieringConfiguration", getConfigurationById],
  "GET metadataConfiguration": ["GetBucketMetadataConfiguration", getBucketMetadataConfiguration],
  "GET metadataTable": ["GetBucketMetadataTableConfiguration", getBucketMetadataConfiguration],
  "GET list-type": ["ListObjectsV2", listObjectsV2],
};

/** Bucket subresources S3 knows; any of them in the query selects that subresource. */
const SUBRESOURCES = [
  "location", "versioning", "replication", "object-lock", "encryption", "tagging", "policy", "acl", "cors",
  "lifecycle", "logging", "notification", "website", "ownershipControls", "publicAccessBlock", "requestPayment",
  "accelerate", "analytics", "inventory", "metrics", "intelligent-tiering", "policyStatus", "uploads", "versions",
  "delete", "list-type", "abac", "metadataConfiguration", "metadataTable",
] as const;

const MUTATING_METHODS = new Set(["PUT", "POST", "DELETE"]);

/** An S3 call the sandbox does not simulate; the call log names it from the request ("Unknown" here). */
function notImplemented(bucket: string | null): SandboxResponse {
  return s3Error(501, "NotImplemented", "A header you provided implies functionality that is not implemented", "Unknown", { bucket });
}

function route(request: SandboxRequest, world: World): SandboxResponse {
  const segments = request.path.split("/");
  const bucketName = request.hostBucket ?? (segments[1] || null);
  const keyPart = request.hostBucket === null ? segments.slice(2).join("/") : segments.slice(1).join("/");
  const { method } = request;

  const anonymous = isAnonymous(request.caller);
  if (bucketName === null) {
    // An anonymous caller owns no buckets to list: S3 answers 403 AccessDenied.
    if (method === "GET") return anonymous ? accessDenied("ListBuckets", null) : listBuckets(request, world);
    return notImplemented(null);
  }
  const subresource = SUBRESOURCES.find((name) => request.query.has(name)) ?? "";
  if (keyPart === "" && method === "PUT" && subresource === "") return anonymous ? accessDenied("CreateBucket", bucketName) : createBucket(request, world, bucketName);
  // A key in the path: an object call (objects*.ts), after the same bucket checks as a bucket call.
  const objectEntry = keyPart === "" ? undefined : objectRoute(method, request.query);
  // `list-type=2` is ListObjectsV2; any other list-type is a call the sandbox does not simulate.
  const bucketEntry = subresource === "list-type" && request.query.get("list-type") !== "2" ? undefined : ROUTES[`${method} ${subresource}`];
  const entry: readonly [string, BucketHandler] | undefined =
    keyPart === "" ? bucketEntry : objectEntry && [objectEntry[0], (context) => objectEntry[1](context, keyPart)];
  if (entry === undefined) return notImplemented(bucketName);
  const [operation, handler] = entry;
  const isHead = method === "HEAD";

  const bucket = world.buckets.get(bucketName);
  if (bucket === undefined) {
    return withoutBodyIf(isHead, s3Error(404, "NoSuchBucket", "The specified bucket does not exist", operation, {
      bucket: bucketName,
      fields: { BucketName: bucketName },
    }));
  }
  // GetBucketLocation answers from any Region: it is how clients find the Region to sign for.
  if (operation !== "GetBucketLocation" && request.region !== bucket.region) {
    return withoutBodyIf(isHead, permanentRedirect(bucket, operation));
  }
  if (authorize(bucket, operation, request.caller, world) === "deny") {
    // HeadBucket tells any caller the bucket's Region, whatever its permissions (API_HeadBucket).
    const headers: Record<string, string> = isHead ? { "x-amz-bucket-region": bucket.region } : {};
    return withoutBodyIf(isHead, s3Error(403, "AccessDenied", "Access Denied", operation, { bucket: bucketName, headers }));
  }
  if (NEEDS_INTEGRITY_HEADER.has(operation)) {
    const problem = integrityProblem(request, operation, bucket.name);
    if (problem !== undefined) return problem;
  }
  return handler({ request, world, bucket, operation });
}

const accessDenied = (operation: string, bucket: string | null): SandboxResponse => s3Error(403, "AccessDenied", "Access Denied", operation, { bucket });

/** HEAD answers carry the status and headers only. */
function withoutBodyIf(isHead: boolean, response: SandboxResponse): SandboxResponse {
  if (!isHead) return response;
  const headers = { ...response.headers };
  delete headers["content-type"];
  return { ...response, headers, body: "" };
}

/** The S3 ServiceHandler; synchronous (no S3 operation here waits on anything). */
export const handleS3 = ((request: SandboxRequest, world: World): SandboxResponse => {
  const response = route(request, world);
  // Every S3 answer carries x-amz-request-id and x-amz-id-2 (RESTCommonResponseHeaders); the SDK
  // reads them into $metadata.requestId / extendedRequestId. Errors already have theirs.
  const headers = { ...response.headers };
  if (headers["x-amz-request-id"] === undefined) {
    const ids = nextRequestIds();
    headers["x-amz-request-id"] = ids.requestId;
    headers["x-amz-id-2"] = ids.hostId;
  }
  // Create/Put/Delete calls are mutating whether or not S3 accepted them: the call log records intent.
  return { ...response, headers, mutating: MUTATING_METHODS.has(request.method) };
}) satisfies ServiceHandler;
