/**
 * Whether a bucket policy is "public" in S3's sense, for GetBucketPolicyStatus:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
 * A policy is non-public only if every Allow grants to fixed principals or is bound by a condition
 * on one of the fixed-value keys that page lists. Deliberately small: an Allow to `*` (or
 * `{"AWS": "*"}`) without such a condition makes the policy public.
 */
const FIXED_KEYS = new Set([
  "aws:principalarn", "aws:principalaccount", "aws:principalorgid", "aws:sourcearn", "aws:sourceaccount",
  "aws:sourceowner", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceip", "aws:userid", "s3:dataaccesspointarn",
  "s3:dataaccesspointaccount",
].map((key) => key.toLowerCase()));

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

const wildcardPrincipal = (principal: unknown): boolean =>
  principal === "*" || (typeof principal === "object" && principal !== null && list((principal as { AWS?: unknown }).AWS).includes("*"));

function boundByFixedKey(condition: unknown): boolean {
  if (typeof condition !== "object" || condition === null) return false;
  return Object.values(condition).some((block) =>
    typeof block === "object" && block !== null && Object.keys(block).some((key) => FIXED_KEYS.has(key.toLowerCase())),
  );
}

export function isPublicPolicy(policy: string): boolean {
  let statements: unknown[];
  try {
    statements = list((JSON.parse(policy) as { Statement?: unknown }).Statement);
  } catch {
    return false;
  }
  return statements.some((raw) => {
    const statement = raw as { Effect?: unknown; Principal?: unknown; Condition?: unknown };
    return statement.Effect === "Allow" && wildcardPrincipal(statement.Principal) && !boundByFixedKey(statement.Condition);
  });
}
