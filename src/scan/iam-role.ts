/**
 * Reads a replication role in its account: GetRole (trust policy), ListRolePolicies + GetRolePolicy
 * (inline), ListAttachedRolePolicies + GetPolicy + GetPolicyVersion (attached, default version).
 * IAM returns policy documents URL-encoded (RFC 3986): "The policy document returned in this
 * structure is URL-encoded" (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html).
 * Any failed call makes the whole read a failure naming that call: a role read in part would let a
 * missing statement pass for an absent one.
 */
import { awsErrorCode, toBucketError, type IamReads, type RequestLimiter } from "../aws/index.js";
import type { BucketError } from "../model/index.js";
import type { PolicyDocument } from "../policy/iam/index.js";

export interface RoleRead {
  arn: string;
  /** False when GetRole answered NoSuchEntity: the configuration names a role that does not exist (a fact, not a failed read). */
  exists: boolean;
  trustPolicy: PolicyDocument;
  inline: Array<{ name: string; document: PolicyDocument }>;
  attached: Array<{ name: string; arn: string; document: PolicyDocument }>;
}

export const decodePolicy = (text: string | undefined): PolicyDocument => JSON.parse(decodeURIComponent(text ?? "")) as PolicyDocument;

class CallFailed extends Error {
  constructor(readonly bucketError: BucketError) {
    super(bucketError.message);
  }
}

async function call<T>(request: RequestLimiter, operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await request(send);
  } catch (error) {
    throw new CallFailed(toBucketError(operation, error));
  }
}

async function pages<T>(first: (marker: string | undefined) => Promise<{ items: T[]; marker: string | undefined; truncated: boolean }>): Promise<T[]> {
  const all: T[] = [];
  let marker: string | undefined;
  do {
    const page = await first(marker);
    all.push(...page.items);
    marker = page.truncated ? page.marker : undefined;
  } while (marker !== undefined);
  return all;
}

/** The role's name from its ARN (`arn:aws:iam::ACCOUNT:role/path/name`). */
export const roleNameOf = (arn: string): string => arn.slice(arn.lastIndexOf("/") + 1);

/** The role's facts, read through `iam` (the account's: the lean path, or its IAM client: src/aws/lean-iam.ts). */
export async function readRole(iam: IamReads, request: RequestLimiter, arn: string): Promise<RoleRead | BucketError> {
  const RoleName = roleNameOf(arn);
  try {
    const role = await request(() => iam.read("GetRole", { RoleName })).catch((error: unknown) => {
      if (awsErrorCode(error) === "NoSuchEntity") return null;
      throw new CallFailed(toBucketError("GetRole", error));
    });
    if (role === null) return { arn, exists: false, trustPolicy: { Version: "2012-10-17", Statement: [] }, inline: [], attached: [] };
    const names = await pages(async (Marker) => {
      const out = await call(request, "ListRolePolicies", () => iam.read("ListRolePolicies", { RoleName, Marker }));
      return { items: out.PolicyNames ?? [], marker: out.Marker, truncated: out.IsTruncated === true };
    });
    const inline = await Promise.all(
      names.map(async (PolicyName) => {
        const out = await call(request, "GetRolePolicy", () => iam.read("GetRolePolicy", { RoleName, PolicyName }));
        return { name: PolicyName, document: decodePolicy(out.PolicyDocument) };
      }),
    );
    const attachedRefs = await pages(async (Marker) => {
      const out = await call(request, "ListAttachedRolePolicies", () => iam.read("ListAttachedRolePolicies", { RoleName, Marker }));
      return { items: out.AttachedPolicies ?? [], marker: out.Marker, truncated: out.IsTruncated === true };
    });
    const attached = await Promise.all(
      attachedRefs.map(async (ref) => {
        const PolicyArn = ref.PolicyArn ?? "";
        const policy = await call(request, "GetPolicy", () => iam.read("GetPolicy", { PolicyArn }));
        const VersionId = policy.Policy?.DefaultVersionId ?? "v1";
        const version = await call(request, "GetPolicyVersion", () => iam.read("GetPolicyVersion", { PolicyArn, VersionId }));
        return { name: ref.PolicyName ?? PolicyArn, arn: PolicyArn, document: decodePolicy(version.PolicyVersion?.Document) };
      }),
    );
    return { arn: role.Role?.Arn ?? arn, exists: true, trustPolicy: decodePolicy(role.Role?.AssumeRolePolicyDocument), inline, attached };
  } catch (error) {
    if (error instanceof CallFailed) return { ...error.bucketError, message: `replication role ${arn}: ${error.bucketError.message}` };
    return { operation: "GetRole", code: "InvalidPolicyDocument", message: `replication role ${arn}: a policy document could not be read (${(error as Error).message})` };
  }
}
