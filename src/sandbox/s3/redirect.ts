/**
 * The answer to a bucket-level request signed for a Region other than the bucket's: 301
 * PermanentRedirect with the bucket's Region in `x-amz-bucket-region` and the endpoint to use.
 * Error code list: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
 * ("PermanentRedirect: The bucket you are attempting to access must be addressed using the specified
 * endpoint. Please send all future requests to this endpoint." 301 Moved Permanently). S3's body
 * carries <Endpoint> (bucket.s3.REGION.amazonaws.com, bucket.s3.amazonaws.com for us-east-1) and <Bucket>.
 */
import type { BucketState, SandboxResponse } from "../core/contracts.js";
import { s3Error } from "./errors.js";

export function endpointFor(bucket: BucketState): string {
  return bucket.region === "us-east-1" ? `${bucket.name}.s3.amazonaws.com` : `${bucket.name}.s3.${bucket.region}.amazonaws.com`;
}

export function permanentRedirect(bucket: BucketState, operation: string): SandboxResponse {
  return s3Error(
    301,
    "PermanentRedirect",
    "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.",
    operation,
    {
      bucket: bucket.name,
      headers: { "x-amz-bucket-region": bucket.region },
      fields: { Endpoint: endpointFor(bucket), Bucket: bucket.name },
    },
  );
}
