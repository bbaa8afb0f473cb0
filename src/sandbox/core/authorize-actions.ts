/**
 * What a call is authorized as: the IAM action each operation needs and the ARN of the resource
 * it acts on, per the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html,
 * .../list_awsidentityandaccessmanagementiam.html, .../list_awskeymanagementservice.html).
 * The sandbox's own table: nothing here is shared with the scanner's `permissions` list.
 */
import { findKey } from "../kms/index.js";
import { ACTION_OF } from "../s3/access.js";
import type { KeyState, World } from "./contracts.js";

/** S3 operations whose action is not s3:<Operation> and that ACTION_OF (bucket configuration reads) does not name. */
const S3_ACTIONS: Readonly<Record<string, string>> = {
  ...ACTION_OF,
  ListBuckets: "s3:ListAllMyBuckets",
  ListObjects: "s3:ListBucket",
  ListObjectsV2: "s3:ListBucket",
  ListObjectVersions: "s3:ListBucketVersions",
  HeadObject: "s3:GetObject",
  PutBucketEncryption: "s3:PutEncryptionConfiguration",
  PutBucketLifecycleConfiguration: "s3:PutLifecycleConfiguration",
  PutPublicAccessBlock: "s3:PutBucketPublicAccessBlock",
  CreateMultipartUpload: "s3:PutObject",
  UploadPart: "s3:PutObject",
  CompleteMultipartUpload: "s3:PutObject",
};

export interface Authorization {
  action: string;
  /** ARN of the resource; "*" for calls on no resource (ListBuckets, Organizations). */
  resource: string;
  /** Account that owns the resource (the caller's for "*"). */
  resourceAccount: string;
}

/** Null for calls no policy gates (sts:GetCallerIdentity "requires no permissions"). */
export function authorizationOf(world: World, caller: KeyState, call: { service: string; operation: string; bucket: string | null; key: string; params: URLSearchParams; keyId: string | null; region: string }): Authorization | null {
  const own = caller.accountId;
  const { service, operation } = call;
  if (service === "s3") {
    const action = S3_ACTIONS[operation] ?? `s3:${operation}`;
    if (call.bucket === null) return { action, resource: "*", resourceAccount: own };
    const owner = world.buckets.get(call.bucket)?.accountId ?? own;
    const resource = call.key === "" ? `arn:aws:s3:::${call.bucket}` : `arn:aws:s3:::${call.bucket}/${call.key}`;
    return { action, resource, resourceAccount: owner };
  }
  if (service === "iam") {
    const policyArn = call.params.get("PolicyArn");
    if (policyArn !== null) return { action: `iam:${operation}`, resource: policyArn, resourceAccount: /::(\d{12}):/.exec(policyArn)?.[1] ?? own };
    const role = world.accounts.get(own)?.roles.get(call.params.get("RoleName") ?? "");
    return { action: `iam:${operation}`, resource: role?.arn ?? `arn:aws:iam::${own}:role/${call.params.get("RoleName") ?? "*"}`, resourceAccount: own };
  }
  if (service === "kms") {
    const key = call.keyId === null ? null : findKey(world, call.keyId, own, call.region);
    return { action: `kms:${operation}`, resource: key?.arn ?? `arn:aws:kms:${call.region}:${own}:key/${call.keyId ?? "*"}`, resourceAccount: key?.accountId ?? own };
  }
  if (service === "sts") {
    if (operation !== "AssumeRole") return null;
    const arn = call.params.get("RoleArn") ?? "*";
    return { action: "sts:AssumeRole", resource: arn, resourceAccount: /::(\d{12}):/.exec(arn)?.[1] ?? own };
  }
  if (service === "organizations") return { action: `organizations:${operation}`, resource: "*", resourceAccount: own };
  return null;
}
