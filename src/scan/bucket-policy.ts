/**
 * Reads a destination bucket's policy and Object Ownership in the destination's account.
 * "No policy" (NoSuchBucketPolicy) and "no ownership controls" (OwnershipControlsNotFoundError,
 * which means ObjectWriter: https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html)
 * are answers, not failures.
 */
import { GetBucketOwnershipControlsCommand, GetBucketPolicyCommand, type S3Client } from "@aws-sdk/client-s3";
import { awsErrorCode, toBucketError, type RequestLimiter } from "../aws/index.js";
import type { BucketError, ReplicationDestination } from "../model/index.js";
import type { PolicyDocument } from "../policy/iam/index.js";

export type Ownership = NonNullable<ReplicationDestination["objectOwnership"]>;

const withBucket = (bucket: string, error: BucketError): BucketError => ({ ...error, message: `destination ${bucket}: ${error.message}` });

export async function readBucketPolicy(s3: S3Client, request: RequestLimiter, bucket: string): Promise<{ policy: PolicyDocument | null } | BucketError> {
  try {
    const out = await request(() => s3.send(new GetBucketPolicyCommand({ Bucket: bucket })));
    return { policy: JSON.parse(out.Policy ?? "") as PolicyDocument };
  } catch (error) {
    if (awsErrorCode(error) === "NoSuchBucketPolicy") return { policy: null };
    if (error instanceof SyntaxError) return { operation: "GetBucketPolicy", code: "InvalidPolicyDocument", message: `destination ${bucket}: the bucket policy is not JSON` };
    return withBucket(bucket, toBucketError("GetBucketPolicy", error));
  }
}

export async function readOwnership(s3: S3Client, request: RequestLimiter, bucket: string): Promise<{ ownership: Ownership } | BucketError> {
  try {
    const out = await request(() => s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket })));
    return { ownership: (out.OwnershipControls?.Rules?.[0]?.ObjectOwnership as Ownership | undefined) ?? "ObjectWriter" };
  } catch (error) {
    if (awsErrorCode(error) === "OwnershipControlsNotFoundError") return { ownership: "ObjectWriter" };
    return withBucket(bucket, toBucketError("GetBucketOwnershipControls", error));
  }
}
