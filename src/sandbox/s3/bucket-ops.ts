/** GetBucketLocation, HeadBucket and CreateBucket. */
import type { BucketState, SandboxRequest, SandboxResponse, World } from "../core/contracts.js";
import { addBucket } from "./bucket-index.js";
import { isValidBucketName } from "./bucket-name.js";
import { ok, type BucketContext } from "./context.js";
import { s3Error } from "./errors.js";
import { LOCATION_CONSTRAINTS, regionOfConstraint } from "./regions.js";
import { MALFORMED_XML_MESSAGE, S3_NS, child, children, escapeXml, parseRoot, text } from "./xml.js";

/**
 * GetBucketLocation (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html):
 * the LocationConstraint, empty for us-east-1 ("Buckets in Region us-east-1 have a LocationConstraint
 * of null"). It answers whatever Region the request was signed for (clients use it to find the
 * Region); see aws/aws-sdk-java#1338 for S3 answering it from other Regional endpoints.
 */
export function getBucketLocation({ bucket, operation }: BucketContext): SandboxResponse {
  const root = `<?xml version="1.0" encoding="UTF-8"?>\n`;
  const body =
    bucket.region === "us-east-1"
      ? `${root}<LocationConstraint xmlns="${S3_NS}"/>`
      : `${root}<LocationConstraint xmlns="${S3_NS}">${escapeXml(bucket.region)}</LocationConstraint>`;
  return ok(operation, bucket.name, body);
}

/**
 * HeadBucket (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html): 200 with
 * x-amz-bucket-region; errors carry no body. "You can make a HeadBucket call on any bucket name to
 * any Region in the partition, and regardless of the permissions on the bucket, you will receive a
 * response header with the correct bucket location" — so 301 and 403 also carry the header (index.ts).
 */
export function headBucket({ bucket, operation }: BucketContext): SandboxResponse {
  // S3 may also send x-amz-access-point-alias: false; left out (unconfirmed, and moto omits it).
  return ok(operation, bucket.name, undefined, { headers: { "x-amz-bucket-region": bucket.region } });
}

const OPERATION = "CreateBucket";
const OBJECT_OWNERSHIP = new Set(["BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"]);

/**
 * CreateBucket (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html).
 * - The LocationConstraint must name the Region the request was signed for; none means us-east-1.
 *   Otherwise 400 IllegalLocationConstraintException ("The ... location constraint is incompatible
 *   for the region specific endpoint this request was sent to."); "us-east-1" or an unknown value
 *   is 400 InvalidLocationConstraint (us-east-1 buckets are created without a constraint).
 * - Names are global: another account's name is 409 BucketAlreadyExists; your own is 409
 *   BucketAlreadyOwnedByYou, except in us-east-1 where "Amazon S3 returns 200 OK" for legacy compatibility.
 * - `x-amz-object-ownership` sets Object Ownership (default BucketOwnerEnforced); Block Public Access is on.
 * - `x-amz-bucket-object-lock-enabled: true` enables Object Lock, and "enabling Object Lock
 *   automatically enables versioning" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html).
 */
export function createBucket(request: SandboxRequest, world: World, name: string): SandboxResponse {
  const fail = (status: number, code: string, message: string, fields?: Record<string, string>): SandboxResponse =>
    s3Error(status, code, message, OPERATION, { bucket: name, ...(fields ? { fields } : {}) });

  if (!isValidBucketName(name)) return fail(400, "InvalidBucketName", "The specified bucket is not valid.", { BucketName: name });

  let constraint: string | undefined;
  let tags: Record<string, string> | undefined;
  if (request.body.length > 0) {
    const configuration = parseRoot(request.body, "CreateBucketConfiguration");
    if (configuration === undefined) return fail(400, "MalformedXML", MALFORMED_XML_MESSAGE);
    constraint = text(configuration, "LocationConstraint");
    const tagSet = children(child(configuration, "Tags"), "Tag");
    if (tagSet.length > 0) tags = Object.fromEntries(tagSet.map((tag) => [text(tag, "Key") ?? "", text(tag, "Value") ?? ""]));
  }

  let region = "us-east-1";
  if (constraint !== undefined && constraint !== "") {
    if (!LOCATION_CONSTRAINTS.has(constraint)) {
      return fail(400, "InvalidLocationConstraint", "The specified location-constraint is not valid", { LocationConstraint: constraint });
    }
    region = regionOfConstraint(constraint);
    if (region !== request.region) {
      return fail(400, "IllegalLocationConstraintException",
        `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`);
    }
  } else if (request.region !== "us-east-1") {
    return fail(400, "IllegalLocationConstraintException",
      "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.");
  }

  const existing = world.buckets.get(name);
  if (existing !== undefined) {
    if (existing.accountId !== request.caller.accountId) {
      return fail(409, "BucketAlreadyExists",
        "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.",
        { BucketName: name });
    }
    if (existing.region === "us-east-1" && region === "us-east-1") return created(name);
    return fail(409, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", { BucketName: name });
  }

  const objectLock = (request.headers["x-amz-bucket-object-lock-enabled"] ?? "").toLowerCase() === "true";
  const ownership = request.headers["x-amz-object-ownership"] ?? "BucketOwnerEnforced";
  if (!OBJECT_OWNERSHIP.has(ownership)) return fail(400, "InvalidArgument", "Invalid x-amz-object-ownership header: " + ownership);
  const bucket: BucketState = {
    name,
    accountId: request.caller.accountId,
    region,
    createdAt: new Date(Math.floor(Date.now() / 1000) * 1000),
    versioning: objectLock ? "Enabled" : undefined,
    mfaDelete: undefined,
    objectLockEnabled: objectLock,
    objectLockRule: undefined,
    encryption: undefined,
    tags,
    policy: undefined,
    // New buckets block public access and disable ACLs: "By default, all Block Public Access settings
    // are enabled for new buckets" and "By default, ObjectOwnership is set to BucketOwnerEnforced"
    // (API_CreateBucket, since April 2023). Scenario buckets predate that (created 2022) and have neither.
    publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    ownershipControls: { Rules: [{ ObjectOwnership: ownership as "BucketOwnerEnforced" }] },
    lifecycle: undefined,
    replication: undefined,
    deny: new Set(),
    objects: 0,
    stored: new Map(),
  };
  addBucket(world, bucket);
  return created(name);
}

const created = (name: string): SandboxResponse => ({
  status: 200,
  headers: { location: `/${name}` },
  body: "",
  operation: OPERATION,
  bucket: name,
  mutating: true,
});
