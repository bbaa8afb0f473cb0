/**
 * Who may call an operation on a bucket.
 *
 * - The owner account may (the sandbox models no IAM identity policies: every principal of the
 *   owner account is allowed), unless the bucket policy explicitly denies it.
 * - Another account may only when the bucket policy allows it and nothing denies it: "an explicit
 *   deny in any policy overrides any allows"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 *   Cross-account access needs the resource policy to grant it
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html).
 *
 * The policy check is deliberately small. Supported: Effect Allow|Deny; Principal "*",
 * {"AWS": "*" | "ACCOUNT" | "arn:aws:iam::ACCOUNT:root" | "arn:aws:iam::ACCOUNT:role/NAME" (or a list)};
 * Action "s3:..." with `*` / `?` wildcards (string or list); Resource the bucket ARN with wildcards;
 * Condition with StringEquals/StringLike on aws:PrincipalOrgID and aws:PrincipalAccount.
 * A statement using anything else (NotPrincipal, NotAction, other condition keys) never matches,
 * so it neither grants nor denies.
 */
import type { BucketState, KeyState, World } from "../core/contracts.js";

/** The IAM action each S3 operation is authorized as (Actions, resources, and condition keys for S3). */
export const ACTION_OF: Readonly<Record<string, string>> = {
  HeadBucket: "s3:ListBucket",
  GetBucketLocation: "s3:GetBucketLocation",
  GetBucketVersioning: "s3:GetBucketVersioning",
  PutBucketVersioning: "s3:PutBucketVersioning",
  GetBucketReplication: "s3:GetReplicationConfiguration",
  PutBucketReplication: "s3:PutReplicationConfiguration",
  DeleteBucketReplication: "s3:PutReplicationConfiguration",
  GetObjectLockConfiguration: "s3:GetBucketObjectLockConfiguration",
  PutObjectLockConfiguration: "s3:PutBucketObjectLockConfiguration",
  GetBucketEncryption: "s3:GetEncryptionConfiguration",
  GetBucketTagging: "s3:GetBucketTagging",
  GetBucketPolicy: "s3:GetBucketPolicy",
  GetBucketAcl: "s3:GetBucketAcl",
  GetBucketPolicyStatus: "s3:GetBucketPolicyStatus",
  GetPublicAccessBlock: "s3:GetBucketPublicAccessBlock",
  GetBucketOwnershipControls: "s3:GetBucketOwnershipControls",
  GetBucketLifecycleConfiguration: "s3:GetLifecycleConfiguration",
  GetBucketWebsite: "s3:GetBucketWebsite",
  GetBucketLogging: "s3:GetBucketLogging",
  GetBucketNotificationConfiguration: "s3:GetBucketNotification",
  GetBucketCors: "s3:GetBucketCORS",
  GetBucketRequestPayment: "s3:GetBucketRequestPayment",
  GetBucketAccelerateConfiguration: "s3:GetAccelerateConfiguration",
  GetBucketAbac: "s3:GetBucketAbac",
  GetBucketAnalyticsConfiguration: "s3:GetAnalyticsConfiguration",
  GetBucketInventoryConfiguration: "s3:GetInventoryConfiguration",
  GetBucketMetricsConfiguration: "s3:GetMetricsConfiguration",
  GetBucketIntelligentTieringConfiguration: "s3:GetIntelligentTieringConfiguration",
  GetBucketMetadataConfiguration: "s3:GetBucketMetadataTableConfiguration",
  GetBucketMetadataTableConfiguration: "s3:GetBucketMetadataTableConfiguration",
  // Object calls (objects*.ts): multipart parts are authorized as the PutObject they build.
  PutObject: "s3:PutObject",
  GetObject: "s3:GetObject",
  HeadObject: "s3:GetObject",
  DeleteObject: "s3:DeleteObject",
  ListObjectsV2: "s3:ListBucket",
  CreateMultipartUpload: "s3:PutObject",
  UploadPart: "s3:PutObject",
  CompleteMultipartUpload: "s3:PutObject",
  AbortMultipartUpload: "s3:AbortMultipartUpload",
};

interface Statement {
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  Condition?: unknown;
}

const parsedPolicies = new WeakMap<BucketState, { text: string; statements: Statement[] }>();

function statementsOf(bucket: BucketState): Statement[] {
  if (bucket.policy === undefined) return [];
  const cached = parsedPolicies.get(bucket);
  if (cached !== undefined && cached.text === bucket.policy) return cached.statements;
  let statements: Statement[] = [];
  try {
    const document = JSON.parse(bucket.policy) as { Statement?: unknown };
    const raw = document.Statement;
    statements = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) as Statement[];
  } catch {
    statements = []; // a policy S3 would never have stored: treat as granting nothing
  }
  parsedPolicies.set(bucket, { text: bucket.policy, statements });
  return statements;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

function wildcard(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, caseInsensitive ? "i" : "").test(value);
}

function principalMatches(principal: unknown, caller: KeyState): boolean {
  if (principal === "*") return true;
  if (typeof principal !== "object" || principal === null) return false;
  return list((principal as { AWS?: unknown }).AWS).some((entry) => {
    if (entry === "*" || entry === caller.accountId) return true;
    if (typeof entry !== "string") return false;
    const arn = /^arn:aws:iam::(\d{12}):(root|role\/(?:.*\/)?([^/]+))$/.exec(entry);
    if (arn === null || arn[1] !== caller.accountId) return false;
    if (arn[2] === "root") return true;
    // arn:aws:sts::ACCOUNT:assumed-role/NAME/session is that role's session.
    const session = /^arn:aws:sts::\d{12}:assumed-role\/([^/]+)\//.exec(caller.principalArn);
    return session?.[1] === arn[3] || caller.principalArn === entry;
  });
}

function conditionMatches(condition: unknown, caller: KeyState, world: World): boolean {
  if (condition === undefined) return true;
  if (typeof condition !== "object" || condition === null) return false;
  const callerAccount = world.accounts.get(caller.accountId);
  const orgId = callerAccount?.member === true ? (world.organizationId ?? undefined) : undefined;
  for (const [operator, block] of Object.entries(condition)) {
    if (operator !== "StringEquals" && operator !== "StringLike") return false;
    if (typeof block !== "object" || block === null) return false;
    for (const [key, expected] of Object.entries(block)) {
      const actual = key === "aws:PrincipalOrgID" ? orgId : key === "aws:PrincipalAccount" ? caller.accountId : null;
      if (actual === null) return false; // unsupported key
      if (actual === undefined) return false;
      const ok = list(expected).some((value) =>
        typeof value === "string" && (operator === "StringLike" ? wildcard(value, actual, false) : value === actual),
      );
      if (!ok) return false;
    }
  }
  return true;
}

function statementMatches(statement: Statement, action: string, bucketArn: string, caller: KeyState, world: World): boolean {
  if (statement.NotPrincipal !== undefined || statement.NotAction !== undefined) return false;
  if (!principalMatches(statement.Principal, caller)) return false;
  const actions = list(statement.Action);
  if (!actions.some((a) => typeof a === "string" && wildcard(a, action, true))) return false;
  const resources = list(statement.Resource);
  if (!resources.some((r) => typeof r === "string" && wildcard(r, bucketArn, false))) return false;
  return conditionMatches(statement.Condition, caller, world);
}

/** "allow", or "deny" when S3 would answer AccessDenied. */
export function authorize(bucket: BucketState, operation: string, caller: KeyState, world: World): "allow" | "deny" {
  if (bucket.deny.has(operation)) return "deny";
  const action = ACTION_OF[operation];
  const own = caller.accountId === bucket.accountId;
  if (action === undefined) return own ? "allow" : "deny";
  const bucketArn = `arn:aws:s3:::${bucket.name}`;
  let allowed = own;
  for (const statement of statementsOf(bucket)) {
    if (!statementMatches(statement, action, bucketArn, caller, world)) continue;
    if (statement.Effect === "Deny") return "deny";
    if (statement.Effect === "Allow") allowed = true;
  }
  return allowed ? "allow" : "deny";
}
