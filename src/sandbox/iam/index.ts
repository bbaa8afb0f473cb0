/**
 * IAM over the query protocol (form-encoded POST, XML answers), the read operations replguard
 * needs to judge a replication role. IAM is global: requests are signed for us-east-1.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRolePolicies.html
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAttachedRolePolicies.html
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicy.html
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicyVersion.html
 * A caller sees its own account's roles and policies, plus the AWS managed policies.
 */
import type { AccountState, RoleState, SandboxRequest, SandboxResponse, World } from "../core/contracts.js";
import { AWS_MANAGED_POLICIES } from "./aws-managed.js";
import { element, encodedDocument, iamDate, iamError, iamResult } from "./xml.js";

/** Query-protocol parameters: the form body of a POST, or the query string of a GET. */
export function iamParams(request: Pick<SandboxRequest, "body" | "query">): URLSearchParams {
  const params = new URLSearchParams(request.query);
  for (const [name, value] of new URLSearchParams(request.body.toString("utf8"))) params.set(name, value);
  return params;
}

export const iamOperation = (params: URLSearchParams): string => params.get("Action") ?? "Unknown";

type Handler = (params: URLSearchParams, account: AccountState, op: string) => SandboxResponse;

const missing = (name: string, op: string): SandboxResponse => iamError(400, "ValidationError", `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`, op);

function roleOf(params: URLSearchParams, account: AccountState, op: string): RoleState | SandboxResponse {
  const name = params.get("RoleName");
  if (name === null) return missing("roleName", op);
  return account.roles.get(name) ?? iamError(404, "NoSuchEntity", `The role with name ${name} cannot be found.`, op);
}

const isRole = (value: RoleState | SandboxResponse): value is RoleState => "roleId" in value;

/** MaxItems/Marker paging (the marker is the index of the next item, opaque to the caller). */
function page<T>(items: T[], params: URLSearchParams): { items: T[]; tail: string } {
  const max = Math.min(Number(params.get("MaxItems") ?? "100") || 100, 1000);
  const start = Number(params.get("Marker") ?? "0") || 0;
  const slice = items.slice(start, start + max);
  const truncated = start + max < items.length;
  return { items: slice, tail: `${element("IsTruncated", truncated)}\n${truncated ? `${element("Marker", String(start + max))}\n` : ""}` };
}

const getRole: Handler = (params, account, op) => {
  const role = roleOf(params, account, op);
  if (!isRole(role)) return role;
  return iamResult(
    op,
    `    <Role>\n      ${element("Path", role.path)}\n      ${element("RoleName", role.name)}\n      ${element("RoleId", role.roleId)}\n` +
      `      ${element("Arn", role.arn)}\n      ${element("CreateDate", iamDate(role.createdAt))}\n` +
      `      ${element("AssumeRolePolicyDocument", encodedDocument(role.trustPolicy))}\n      ${element("MaxSessionDuration", role.maxSessionDuration)}\n    </Role>\n`,
  );
};

const listRolePolicies: Handler = (params, account, op) => {
  const role = roleOf(params, account, op);
  if (!isRole(role)) return role;
  const { items, tail } = page([...role.inlinePolicies.keys()].sort(), params);
  return iamResult(op, `    <PolicyNames>\n${items.map((name) => `      ${element("member", name)}\n`).join("")}    </PolicyNames>\n    ${tail}`);
};

const getRolePolicy: Handler = (params, account, op) => {
  const role = roleOf(params, account, op);
  if (!isRole(role)) return role;
  const name = params.get("PolicyName");
  if (name === null) return missing("policyName", op);
  const document = role.inlinePolicies.get(name);
  if (document === undefined) return iamError(404, "NoSuchEntity", `The role policy with name ${name} cannot be found.`, op);
  return iamResult(op, `    ${element("RoleName", role.name)}\n    ${element("PolicyName", name)}\n    ${element("PolicyDocument", encodedDocument(document))}\n`);
};

const listAttachedRolePolicies: Handler = (params, account, op) => {
  const role = roleOf(params, account, op);
  if (!isRole(role)) return role;
  const { items, tail } = page(role.attachedPolicies, params);
  const members = items.map((arn) => `      <member>${element("PolicyName", arn.slice(arn.lastIndexOf("/") + 1))}${element("PolicyArn", arn)}</member>\n`);
  return iamResult(op, `    <AttachedPolicies>\n${members.join("")}    </AttachedPolicies>\n    ${tail}`);
};

interface PolicyView {
  name: string;
  arn: string;
  path: string;
  policyId: string;
  versionId: string;
  document: unknown;
  createdAt: Date;
}

/** A managed policy the caller can read: its account's own, or an AWS managed one. */
function policyOf(params: URLSearchParams, account: AccountState, op: string): PolicyView | SandboxResponse {
  const arn = params.get("PolicyArn");
  if (arn === null) return missing("policyArn", op);
  const aws = AWS_MANAGED_POLICIES.get(arn);
  if (aws !== undefined) return { ...aws, path: "/", createdAt: new Date(Date.UTC(2015, 1, 6)) };
  const own = account.managedPolicies.get(arn);
  if (own !== undefined) return { ...own, versionId: "v1" };
  if (!/^arn:aws:iam::(\d{12}|aws):policy\/.+/.test(arn)) return iamError(400, "InvalidInput", `ARN ${arn} is not valid.`, op);
  return iamError(404, "NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`, op);
}

const isPolicy = (value: PolicyView | SandboxResponse): value is PolicyView => "policyId" in value;

function attachments(account: AccountState, arn: string): number {
  return [...account.roles.values()].filter((role) => role.attachedPolicies.includes(arn)).length;
}

const getPolicy: Handler = (params, account, op) => {
  const policy = policyOf(params, account, op);
  if (!isPolicy(policy)) return policy;
  const date = iamDate(policy.createdAt);
  return iamResult(
    op,
    `    <Policy>\n      ${element("PolicyName", policy.name)}\n      ${element("PolicyId", policy.policyId)}\n      ${element("Arn", policy.arn)}\n` +
      `      ${element("Path", policy.path)}\n      ${element("DefaultVersionId", policy.versionId)}\n      ${element("AttachmentCount", attachments(account, policy.arn))}\n` +
      `      ${element("PermissionsBoundaryUsageCount", 0)}\n      ${element("IsAttachable", true)}\n      ${element("CreateDate", date)}\n      ${element("UpdateDate", date)}\n    </Policy>\n`,
  );
};

const getPolicyVersion: Handler = (params, account, op) => {
  const policy = policyOf(params, account, op);
  if (!isPolicy(policy)) return policy;
  const versionId = params.get("VersionId");
  if (versionId === null) return missing("versionId", op);
  if (versionId !== policy.versionId) return iamError(404, "NoSuchEntity", `Policy ${policy.arn} version ${versionId} does not exist or is not attachable.`, op);
  return iamResult(
    op,
    `    <PolicyVersion>\n      ${element("Document", encodedDocument(policy.document))}\n      ${element("VersionId", versionId)}\n` +
      `      ${element("IsDefaultVersion", true)}\n      ${element("CreateDate", iamDate(policy.createdAt))}\n    </PolicyVersion>\n`,
  );
};

const OPERATIONS: Readonly<Record<string, Handler>> = {
  GetRole: getRole,
  ListRolePolicies: listRolePolicies,
  GetRolePolicy: getRolePolicy,
  ListAttachedRolePolicies: listAttachedRolePolicies,
  GetPolicy: getPolicy,
  GetPolicyVersion: getPolicyVersion,
};

export function handleIam(request: SandboxRequest, world: World): SandboxResponse {
  const params = iamParams(request);
  const op = iamOperation(params);
  if (params.get("Version") !== null && params.get("Version") !== "2010-05-08") {
    return iamError(400, "InvalidAction", `Could not find operation ${op} for version ${params.get("Version")}`, op);
  }
  const handler = OPERATIONS[op];
  if (handler === undefined) return iamError(400, "InvalidAction", `Could not find operation ${op} for version 2010-05-08`, op);
  const account = world.accounts.get(request.caller.accountId);
  if (account === undefined) return iamError(403, "InvalidClientTokenId", "The security token included in the request is invalid.", op);
  return handler(params, account, op);
}
