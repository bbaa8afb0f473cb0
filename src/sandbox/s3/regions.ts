/**
 * Values S3 accepts as CreateBucketConfiguration/LocationConstraint: the BucketLocationConstraint
 * enum of the S3 API (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucketConfiguration.html).
 * "us-east-1" is not among them: a bucket in US East (N. Virginia) is created without a constraint.
 * "EU" is the legacy name of eu-west-1.
 */
export const LOCATION_CONSTRAINTS: ReadonlySet<string> = new Set([
  "EU", "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
  "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
  "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "cn-north-1", "cn-northwest-1", "eu-central-1",
  "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1",
  "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1",
  "us-west-1", "us-west-2",
]);

/** The Region a LocationConstraint names. */
export const regionOfConstraint = (constraint: string): string => (constraint === "EU" ? "eu-west-1" : constraint);
