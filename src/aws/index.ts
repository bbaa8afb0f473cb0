/** AWS plumbing for the scanner: clients, credentials, the shared request limiter, error codes. */
export type { AwsAccessOptions } from "./access-options.js";
export { AwsClientFactory, defaultRegion, effectiveEndpoint, type AwsSettings, type RetryStrategy } from "./clients.js";
export {
  assumeRoleCredentials,
  cachedCredentials,
  callerCredentials,
  roleArn,
  ROLE_SESSION_NAME,
  type AssumeRoleOptions,
  type CredentialsInput,
} from "./credentials.js";
export { sdkBucketReads, type BucketReadOutputs, type BucketReads } from "./bucket-reads.js";
export { sdkKeyPolicies, type KeyPolicies } from "./lean-kms.js";
export { sdkBucketLists, type BucketLists } from "./lean-list-buckets.js";
export { sdkIamReads, type IamReads } from "./lean-iam.js";
export { getCallerIdentity, type CallerIdentity } from "./identity.js";
export { createRequestLimiter, type RequestLimiter, type RequestLimiterOptions, type RetryCounts } from "./limiter.js";
export {
  awsErrorCode,
  awsErrorMessage,
  httpStatusOf,
  isAccessDenied,
  isThrottling,
  responseHeaderOf,
  toBucketError,
} from "./errors.js";
