/**
 * The call log: one CallRecord per request, named as the AWS API names the operation. Requests
 * refused before they reach a service handler (bad signature, throttled) are named here from the
 * request alone, so the log still says which call was refused.
 */
import type { CallRecord } from "../types.js";

/** S3 sub-resources (query parameters) → operation name stem, per the S3 API reference. */
const SUBRESOURCES: Record<string, string> = {
  versioning: "BucketVersioning",
  replication: "BucketReplication",
  "object-lock": "ObjectLockConfiguration",
  encryption: "BucketEncryption",
  tagging: "BucketTagging",
  policy: "BucketPolicy",
  lifecycle: "BucketLifecycleConfiguration",
  acl: "BucketAcl",
  cors: "BucketCors",
  website: "BucketWebsite",
  logging: "BucketLogging",
  notification: "BucketNotificationConfiguration",
  ownershipControls: "BucketOwnershipControls",
  publicAccessBlock: "PublicAccessBlock",
  policyStatus: "BucketPolicyStatus",
  requestPayment: "BucketRequestPayment",
  accelerate: "BucketAccelerateConfiguration",
  analytics: "BucketAnalyticsConfiguration",
  inventory: "BucketInventoryConfiguration",
  metrics: "BucketMetricsConfiguration",
  "intelligent-tiering": "BucketIntelligentTieringConfiguration",
  abac: "BucketAbac",
  metadataConfiguration: "BucketMetadataConfiguration",
  metadataTable: "BucketMetadataTableConfiguration",
};

const VERBS: Record<string, string> = { GET: "Get", PUT: "Put", DELETE: "Delete" };

/** The S3 operation a REST request names, e.g. GET /bucket?versioning → GetBucketVersioning. */
export function s3OperationName(method: string, bucket: string | null, key: string | null, query: URLSearchParams): string {
  if (bucket === null) return method === "GET" ? "ListBuckets" : "Unknown";
  if (key !== null && key !== "") {
    return ({ GET: "GetObject", PUT: "PutObject", HEAD: "HeadObject", DELETE: "DeleteObject" } as Record<string, string>)[method] ?? "Unknown";
  }
  if (method === "GET" && query.has("location")) return "GetBucketLocation";
  for (const [name, stem] of Object.entries(SUBRESOURCES)) {
    if (!query.has(name)) continue;
    const verb = VERBS[method];
    if (verb === undefined) return "Unknown";
    // S3 names the versioning and object-lock writes after the resource, not the sub-resource.
    return `${verb}${stem}`;
  }
  switch (method) {
    case "HEAD":
      return "HeadBucket";
    case "PUT":
      return "CreateBucket";
    case "DELETE":
      return "DeleteBucket";
    case "GET":
      return query.get("list-type") === "2" ? "ListObjectsV2" : query.has("versions") ? "ListObjectVersions" : "ListObjects";
    default:
      return "Unknown";
  }
}

/** Writes change state; S3 reads are GET/HEAD. */
export const isMutatingMethod = (method: string): boolean => method === "PUT" || method === "POST" || method === "DELETE";

export class CallLog {
  readonly records: CallRecord[] = [];

  record(call: CallRecord): void {
    this.records.push(call);
  }

  toJSON(): CallRecord[] {
    return this.records;
  }
}

/** Microseconds elapsed since a process.hrtime.bigint() reading. */
export const microsSince = (start: bigint): number => Number((process.hrtime.bigint() - start) / 1000n);
