/**
 * Reads a destination bucket's policy and Object Ownership in the destination's account.
 * "No policy" (NoSuchBucketPolicy) and "no ownership controls" (OwnershipControlsNotFoundError,
 * which means ObjectWriter: https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html)
 * are answers, not failures. Both are reads of the destination account's `BucketReads` (the lean path
 * where it serves the name, else the SDK client: src/aws/bucket-reads.ts), as the per-bucket reads are.
 */
import { awsErrorCode, toBucketError, type BucketReads, type RequestLimiter } from "../aws/index.js";
import type { BucketError, ReplicationDestination } from "../model/index.js";
import type { PolicyDocument } from "../policy/iam/index.js";

export type Ownership = NonNullable<ReplicationDestination["objectOwnership"]>;

const withBucket = (bucket: string, error: BucketError): BucketError => ({ ...error, message: `destination ${bucket}: ${error.message}` });

export async function readBucketPolicy(reads: BucketReads, request: RequestLimiter, bucket: string): Promise<{ policy: PolicyDocument | null } | BucketError> {
  try {
    const out = await request(() => reads.read("policy", bucket));
    return { policy: JSON.parse(out.Policy ?? "") as PolicyDocument };
  } catch (error) {
    if (awsErrorCode(error) === "NoSuchBucketPolicy") return { policy: null };
    if (error instanceof SyntaxError) return { operation: "GetBucketPolicy", code: "InvalidPolicyDocument", message: `destination ${bucket}: the bucket policy is not JSON` };
    return withBucket(bucket, toBucketError("GetBucketPolicy", error));
  }
}

export async function readOwnership(reads: BucketReads, request: RequestLimiter, bucket: string): Promise<{ ownership: Ownership } | BucketError> {
  try {
    const out = await request(() => reads.read("ownershipControls", bucket));
    return { ownership: (out.OwnershipControls?.Rules?.[0]?.ObjectOwnership as Ownership | undefined) ?? "ObjectWriter" };
  } catch (error) {
    if (awsErrorCode(error) === "OwnershipControlsNotFoundError") return { ownership: "ObjectWriter" };
    return withBucket(bucket, toBucketError("GetBucketOwnershipControls", error));
  }
}
