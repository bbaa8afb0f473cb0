/**
 * Reads a KMS key policy in the key's account and Region (GetKeyPolicy is not cross-account:
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyPolicy.html). Keys are named by
 * ARN in replication rules; a bare key id is taken to be in the bucket's account and Region.
 */
import { toBucketError, type KeyPolicies, type RequestLimiter } from "../aws/index.js";
import type { BucketError } from "../model/index.js";
import type { PolicyDocument } from "../policy/iam/index.js";

export interface KeyRef {
  arn: string;
  account: string;
  region: string;
}

const KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key\/(.+)$/;

/** The key a KeyId names, or null for an alias (GetKeyPolicy takes no alias; resolving one needs kms:DescribeKey). */
export function keyRef(keyId: string, account: string, region: string): KeyRef | null {
  const arn = KEY_ARN.exec(keyId);
  if (arn !== null) return { arn: keyId, region: arn[1] as string, account: arn[2] as string };
  if (keyId.includes("alias/")) return null;
  return { arn: `arn:aws:kms:${region}:${account}:key/${keyId}`, account, region };
}

export async function readKeyPolicy(kms: KeyPolicies, request: RequestLimiter, key: KeyRef): Promise<{ policy: PolicyDocument } | BucketError> {
  try {
    const out = await request(() => kms.get(key.arn));
    return { policy: JSON.parse(out.Policy ?? "") as PolicyDocument };
  } catch (error) {
    const failure = error instanceof SyntaxError ? { operation: "GetKeyPolicy", code: "InvalidPolicyDocument", message: "the key policy is not JSON" } : toBucketError("GetKeyPolicy", error);
    return { ...failure, message: `key ${key.arn}: ${failure.message}` };
  }
}
