/**
 * STS over the query protocol (form-encoded POST, XML answers):
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 * Errors: <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>
 * https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
 */
import { randomBytes } from "node:crypto";
import { escapeXml } from "../core/escape-xml.js";
import { queryError, queryResult } from "../core/query-protocol.js";
import type { KeyState, SandboxRequest, SandboxResponse, World } from "../core/contracts.js";

const XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";

export const stsError = (status: number, code: string, message: string, operation: string): SandboxResponse =>
  queryError(XMLNS, status, code, message, operation);

const stsResult = (operation: string, inner: string): SandboxResponse => queryResult(XMLNS, operation, inner);

/** Query-protocol parameters: the form body of a POST, or the query string of a GET. */
export function stsParams(request: Pick<SandboxRequest, "body" | "query">): URLSearchParams {
  const params = new URLSearchParams(request.query);
  for (const [name, value] of new URLSearchParams(request.body.toString("utf8"))) params.set(name, value);
  return params;
}

const validation = (value: string, member: string, constraint: string, operation: string): SandboxResponse =>
  stsError(400, "ValidationError", `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`, operation);

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]*$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const ASSUMED_ROLE_MIN_SECONDS = 900;
const ASSUMED_ROLE_MAX_SECONDS = 43_200;

/** Access key ids are the prefix + 16 characters; unique ids (AROA...) the prefix + 17 (IAM "Unique identifiers"). */
const randomKeyId = (prefix: string, length = 16): string => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return prefix + Array.from(randomBytes(length), (byte) => alphabet[byte % 32]).join("");
};

function assumeRole(request: SandboxRequest, world: World, params: URLSearchParams, now: Date): SandboxResponse {
  const op = "AssumeRole";
  const roleArn = params.get("RoleArn");
  const sessionName = params.get("RoleSessionName");
  if (roleArn === null) return stsError(400, "MissingParameter", "The request must contain the parameter RoleArn", op);
  if (sessionName === null) return stsError(400, "MissingParameter", "The request must contain the parameter RoleSessionName", op);
  if (roleArn.length < 20 || roleArn.length > 2048) {
    return validation(roleArn, "roleArn", "Member must have length greater than or equal to 20", op);
  }
  if (sessionName.length < 2 || sessionName.length > 64) {
    const bound = sessionName.length < 2 ? "greater than or equal to 2" : "less than or equal to 64";
    return validation(sessionName, "roleSessionName", `Member must have length ${bound}`, op);
  }
  if (!SESSION_NAME.test(sessionName)) {
    return validation(sessionName, "roleSessionName", "Member must satisfy regular expression pattern: [\\w+=,.@-]*", op);
  }
  const durationText = params.get("DurationSeconds");
  const duration = durationText === null ? 3600 : Number(durationText);
  if (!Number.isInteger(duration)) return stsError(400, "ValidationError", `Invalid value '${durationText}' for DurationSeconds`, op);
  if (duration < ASSUMED_ROLE_MIN_SECONDS) {
    return validation(String(duration), "durationSeconds", `Member must have value greater than or equal to ${ASSUMED_ROLE_MIN_SECONDS}`, op);
  }
  if (duration > ASSUMED_ROLE_MAX_SECONDS) {
    return validation(String(duration), "durationSeconds", `Member must have value less than or equal to ${ASSUMED_ROLE_MAX_SECONDS}`, op);
  }
  // "Role chaining limits your ... session to a maximum of one hour" (AssumeRole, DurationSeconds).
  if (request.caller.sessionToken !== undefined && duration > 3600) {
    return stsError(400, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.", op);
  }
  const externalId = params.get("ExternalId");
  if (externalId !== null && !EXTERNAL_ID.test(externalId)) {
    return validation(externalId, "externalId", "Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*", op);
  }
  const match = ROLE_ARN.exec(roleArn);
  if (match === null) return stsError(400, "ValidationError", `${roleArn} is invalid`, op);
  const [, accountId, roleName] = match as unknown as [string, string, string];

  // AWS answers a missing role, an untrusting role, a wrong ExternalId and a closed account alike.
  const denied = stsError(403, "AccessDenied", `User: ${request.caller.principalArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, op);
  const account = world.accounts.get(accountId);
  if (account === undefined || account.status !== "ACTIVE") return denied;
  const role = roleName === world.auditRoleName ? account.auditRole : roleName === world.remediationRoleName ? account.remediationRole : null;
  if (role === null) return denied;
  if (!role.trustedAccounts.includes(request.caller.accountId)) return denied;
  if (role.externalId !== null && externalId !== role.externalId) return denied;
  // "If you specify a value higher than this setting ... the operation fails" (AssumeRole,
  // DurationSeconds: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html);
  // the role's MaxSessionDuration defaults to one hour (IAM API_CreateRole).
  if (duration > role.maxSessionDuration) {
    return stsError(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", op);
  }

  const expiresAt = new Date(now.getTime() + duration * 1000);
  const roleId = randomKeyId("AROA", 17);
  const key: KeyState = {
    accessKeyId: randomKeyId("ASIA"),
    secretAccessKey: randomBytes(30).toString("base64"),
    sessionToken: `FwoGZXIvYXdzE${randomBytes(96).toString("base64")}`,
    expiresAt,
    accountId,
    principalArn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
    userId: `${roleId}:${sessionName}`,
  };
  world.keys.set(key.accessKeyId, key);
  return {
    ...stsResult(
      op,
      `    <AssumedRoleUser>\n      <AssumedRoleId>${escapeXml(key.userId)}</AssumedRoleId>\n      <Arn>${escapeXml(key.principalArn)}</Arn>\n    </AssumedRoleUser>\n` +
        `    <Credentials>\n      <AccessKeyId>${key.accessKeyId}</AccessKeyId>\n      <SecretAccessKey>${key.secretAccessKey}</SecretAccessKey>\n` +
        `      <SessionToken>${key.sessionToken}</SessionToken>\n      <Expiration>${expiresAt.toISOString().replace(/\.\d{3}Z$/, "Z")}</Expiration>\n    </Credentials>\n`,
    ),
    mutating: false,
  };
}

function getCallerIdentity(caller: KeyState): SandboxResponse {
  return stsResult(
    "GetCallerIdentity",
    `    <Arn>${escapeXml(caller.principalArn)}</Arn>\n    <UserId>${escapeXml(caller.userId)}</UserId>\n    <Account>${caller.accountId}</Account>\n`,
  );
}

/** The STS operation a request names (for the call log, even when it is refused before the handler). */
export const stsOperation = (params: URLSearchParams): string => params.get("Action") ?? "Unknown";

export function createStsHandler(clock: () => Date) {
  return (request: SandboxRequest, world: World): SandboxResponse => {
    const params = stsParams(request);
    const action = stsOperation(params);
    if (params.get("Version") !== null && params.get("Version") !== "2011-06-15") {
      return stsError(400, "InvalidAction", `Could not find operation ${action} for version ${params.get("Version")}`, action);
    }
    if (action === "AssumeRole") return assumeRole(request, world, params, clock());
    if (action === "GetCallerIdentity") return getCallerIdentity(request.caller);
    return stsError(400, "InvalidAction", `Could not find operation ${action} for version 2011-06-15`, action);
  };
}
