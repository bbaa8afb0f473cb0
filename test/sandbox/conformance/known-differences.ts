/**
 * Where moto_server 5.2.1 answers differently from AWS, and the AWS documentation that decides it.
 * The conformance test asserts, for every entry, that the sandbox follows the documentation AND that
 * moto still differs — so an entry that moto has fixed fails the test and gets removed, and the
 * table never excuses more than it should. docs/sandbox-conformance.md renders the same table (a
 * test checks that every id below appears there).
 */

export interface KnownDifference {
  /** Stable id, used by the test that checks this entry. */
  id: string;
  operation: string;
  /** What AWS does, as documented. */
  aws: string;
  /** What moto 5.2.1 does instead (measured). */
  moto: string;
  /** The documentation that decides it. */
  docs: string[];
}

const S3_API = "https://docs.aws.amazon.com/AmazonS3/latest/API";

export const KNOWN_DIFFERENCES = [
  {
    id: "replication-destination-unversioned",
    operation: "S3 PutBucketReplication",
    aws: "rejects a rule whose destination bucket does not have versioning enabled: 400 InvalidRequest",
    moto: "accepts it (200)",
    docs: [
      "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html",
      `${S3_API}/API_PutBucketReplication.html`,
    ],
  },
  {
    id: "replication-destination-missing",
    operation: "S3 PutBucketReplication",
    aws: "rejects a rule whose destination bucket does not exist: 400 InvalidRequest",
    moto: "accepts it (200)",
    docs: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html"],
  },
  {
    id: "replication-filter-needs-delete-marker-replication",
    operation: "S3 PutBucketReplication",
    aws: "a rule with Filter must also have DeleteMarkerReplication (and Priority): 400 InvalidRequest",
    moto: "accepts the rule without it (200)",
    docs: [`${S3_API}/API_PutBucketReplication.html`, `${S3_API}/API_DeleteMarkerReplication.html`],
  },
  {
    id: "replication-tag-filter-delete-markers",
    operation: "S3 PutBucketReplication",
    aws: "a rule whose Filter has a Tag cannot replicate delete markers (DeleteMarkerReplication must be Disabled): 400",
    moto: "accepts DeleteMarkerReplication Enabled on a tag filter (200)",
    docs: [`${S3_API}/API_DeleteMarkerReplication.html`],
  },
  {
    id: "replication-time-control-needs-metrics",
    operation: "S3 PutBucketReplication",
    aws: "ReplicationTime must be specified together with Metrics: 400",
    moto: "accepts ReplicationTime without Metrics (200)",
    docs: [`${S3_API}/API_Destination.html`],
  },
  {
    id: "get-replication-keeps-filter",
    operation: "S3 GetBucketReplication",
    aws: "returns the rules as put, including each rule's Filter (Prefix, Tag, And)",
    moto: "returns every V2 rule's Filter as {Prefix: \"\"}",
    docs: [`${S3_API}/API_GetBucketReplication.html`, `${S3_API}/API_ReplicationRule.html`],
  },
  {
    id: "get-replication-keeps-delete-marker-replication",
    operation: "S3 GetBucketReplication",
    aws: "returns DeleteMarkerReplication Status as put",
    moto: "returns Enabled as Disabled",
    docs: [`${S3_API}/API_GetBucketReplication.html`, `${S3_API}/API_DeleteMarkerReplication.html`],
  },
  {
    id: "get-replication-keeps-source-selection-criteria",
    operation: "S3 GetBucketReplication",
    aws: "returns each rule's SourceSelectionCriteria (e.g. SseKmsEncryptedObjects) as put",
    moto: "drops SourceSelectionCriteria",
    docs: [`${S3_API}/API_GetBucketReplication.html`, `${S3_API}/API_SourceSelectionCriteria.html`],
  },
  {
    id: "get-replication-keeps-v1-rules",
    operation: "S3 GetBucketReplication",
    aws: "keeps a V1 rule (rule-level Prefix, no Filter/Priority) as put",
    moto: "rewrites it as a V2 rule with Filter {Prefix: \"\"}, Priority 1 — the rule's Prefix is lost",
    docs: [
      `${S3_API}/API_ReplicationRule.html`,
      "https://docs.aws.amazon.com/AmazonS3/latest/dev/replication-add-config.html#replication-backward-compat-considerations",
    ],
  },
  {
    id: "versioning-suspend-with-replication",
    operation: "S3 PutBucketVersioning",
    aws: "refuses to suspend versioning on a bucket that has a replication configuration (4xx error)",
    moto: "suspends it (200)",
    docs: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-and-other-bucket-configs.html#replication-and-versioning"],
  },
  {
    id: "versioning-suspend-with-object-lock",
    operation: "S3 PutBucketVersioning",
    aws: "refuses to suspend versioning on a bucket with Object Lock enabled: 409 InvalidBucketState",
    moto: "suspends it (200)",
    docs: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html", `${S3_API}/API_PutBucketVersioning.html`],
  },
  {
    id: "object-lock-retention-days-or-years",
    operation: "S3 GetObjectLockConfiguration",
    aws: "DefaultRetention carries Days or Years, not both",
    moto: "answers Years 0 beside Days",
    docs: [`${S3_API}/API_DefaultRetention.html`],
  },
  {
    id: "default-encryption-sse-s3",
    operation: "S3 GetBucketEncryption",
    aws: "every bucket has default encryption SSE-S3 (AES256) unless configured otherwise",
    moto: "404 ServerSideEncryptionConfigurationNotFoundError for a new bucket",
    docs: [`${S3_API}/API_GetBucketEncryption.html`, "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html"],
  },
  {
    id: "list-buckets-region-and-token",
    operation: "S3 ListBuckets",
    aws: "each Bucket has BucketRegion; a truncated page (max-buckets) carries a ContinuationToken",
    moto: "no BucketRegion; truncates to max-buckets without a ContinuationToken",
    docs: [`${S3_API}/API_ListBuckets.html`, `${S3_API}/API_Bucket.html`],
  },
  {
    id: "bucket-name-rules",
    operation: "S3 CreateBucket",
    aws: "bucket names use lowercase letters, digits, dots and hyphens: 400 InvalidBucketName otherwise",
    moto: "creates Bad_Name in us-east-1",
    docs: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"],
  },
  {
    id: "wrong-region-redirect",
    operation: "S3 bucket operations",
    aws: "a request for a bucket signed for another region gets 301 PermanentRedirect with x-amz-bucket-region",
    moto: "answers it normally (200)",
    docs: [`${S3_API}/ErrorResponses.html#ErrorCodeList`],
  },
  {
    id: "s3-common-response-headers",
    operation: "every S3 operation",
    aws: "every response carries x-amz-request-id and x-amz-id-2 (the SDK's requestId and extendedRequestId)",
    moto: "sends x-amzn-requestid only: no extendedRequestId",
    docs: [`${S3_API}/RESTCommonResponseHeaders.html`],
  },
  {
    id: "signature-verified",
    operation: "every operation",
    aws: "verifies the SigV4 signature: 403 SignatureDoesNotMatch when the secret is wrong",
    moto: "accepts any signature (200)",
    docs: [`${S3_API}/sig-v4-authenticating-requests.html`, `${S3_API}/ErrorResponses.html#ErrorCodeList`],
  },
  {
    id: "assume-role-needs-role",
    operation: "STS AssumeRole",
    aws: "a role that does not exist (or does not trust the caller) cannot be assumed: 403 AccessDenied",
    moto: "issues credentials for any role ARN (200)",
    docs: ["https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html", "https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html"],
  },
  {
    id: "list-roots-policy-types",
    operation: "Organizations ListRoots",
    aws: "an organization created with all features has service control policies enabled in its root",
    moto: "answers PolicyTypes [] for the root (while DescribeOrganization lists SCPs as available)",
    docs: [
      "https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateOrganization.html",
      "https://docs.aws.amazon.com/organizations/latest/APIReference/API_Root.html",
    ],
  },
  {
    id: "list-accounts-max-results",
    operation: "Organizations ListAccounts",
    aws: "MaxResults is 1–20: 400 InvalidInputException above",
    moto: "accepts MaxResults 21 and answers every account",
    docs: ["https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html"],
  },
  {
    id: "list-parents-child-not-found",
    operation: "Organizations ListParents",
    aws: "an unknown child id: 400 ChildNotFoundException",
    moto: "400 AccountNotFoundException",
    docs: ["https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListParents.html"],
  },
  {
    id: "policy-status-needs-policy",
    operation: "S3 GetBucketPolicyStatus",
    aws: "a bucket without a bucket policy: 404 NoSuchBucketPolicy; otherwise PolicyStatus with IsPublic",
    moto: "answers 200 with an empty PolicyStatus (no IsPublic), with or without a policy",
    docs: [`${S3_API}/API_GetBucketPolicyStatus.html`, "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status"],
  },
  {
    id: "request-payment-payer",
    operation: "S3 GetBucketRequestPayment",
    aws: "answers the Payer, BucketOwner unless Requester Pays was enabled",
    moto: "answers an empty RequestPaymentConfiguration (no Payer)",
    docs: [`${S3_API}/API_GetBucketRequestPayment.html`],
  },
  {
    id: "configuration-by-id-not-found",
    operation: "S3 GetBucketMetricsConfiguration (and analytics, inventory, Intelligent-Tiering)",
    aws: "an id with no configuration: 404 NoSuchConfiguration",
    moto: "answers 200 with an empty MetricsConfiguration",
    docs: [`${S3_API}/API_GetBucketMetricsConfiguration.html`, `${S3_API}/ErrorResponses.html#ErrorCodeList`],
  },
  {
    id: "write-needs-integrity-header",
    operation: "S3 PutBucketVersioning (and PutBucketReplication, PutObjectLockConfiguration)",
    aws: "requires Content-MD5 or an x-amz-checksum-* header: 400 InvalidRequest without one, 400 BadDigest for a wrong one",
    moto: "accepts the write without the header and with a wrong checksum (200)",
    docs: [`${S3_API}/API_PutBucketVersioning.html`, "https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html"],
  },
  {
    id: "anonymous-head-bucket",
    operation: "S3 HeadBucket (unsigned)",
    aws: "an anonymous caller gets 403 (or 301 from another Region) with x-amz-bucket-region, 404 for a missing bucket",
    moto: "answers 200 to an anonymous caller",
    docs: [`${S3_API}/API_HeadBucket.html`],
  },
  {
    id: "assume-role-max-session-duration",
    operation: "STS AssumeRole",
    aws: "DurationSeconds above the role's MaxSessionDuration (default 3600): 400 ValidationError",
    moto: "issues 7200-second credentials for a role with the default maximum",
    docs: ["https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html", "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html"],
  },
] as const satisfies readonly KnownDifference[];

export type KnownDifferenceId = (typeof KNOWN_DIFFERENCES)[number]["id"];

/** The entry for `id`, for naming a test after it. */
export function knownDifference(id: KnownDifferenceId): KnownDifference {
  const entry = KNOWN_DIFFERENCES.find((difference) => difference.id === id);
  if (entry === undefined) throw new Error(`unknown known-difference id ${id}`);
  return entry;
}
