/**
 * The IAM and KMS part of the world: an account's roles, customer managed policies and KMS keys,
 * built from the scenario with ids derived by hashing (the same scenario yields the same AROA/ANPA
 * ids), and the roles replguard itself assumes (audit, remediation) with their permissions.
 */
import { createHash } from "node:crypto";
import type { IamPolicyDocument, Scenario, ScenarioAccount } from "../types.js";
import type { AssumableRoleState, KmsKeyState, ManagedPolicyState, RoleState } from "./contracts.js";

/** Fixed creation date so answers are reproducible. */
const CREATED_AT = Date.UTC(2022, 0, 10);
/** "If you do not specify a value for this setting, the default maximum of one hour is applied" (IAM CreateRole). */
export const DEFAULT_MAX_SESSION_SECONDS = 3600;

/** IAM unique ids: a 4-character prefix (AROA role, ANPA managed policy) and 17 characters (IAM "Unique identifiers"). */
export function uniqueId(prefix: string, seed: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bytes = createHash("sha256").update(seed).digest();
  return prefix + Array.from(bytes.subarray(0, 17), (byte) => alphabet[byte % 32]).join("");
}

/**
 * The key policy KMS gives a key created without one: "Enable IAM User Permissions", the account
 * root may do everything, which delegates access to IAM policies
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
 */
export function defaultKeyPolicy(accountId: string): IamPolicyDocument {
  return {
    Version: "2012-10-17",
    Id: "key-default-1",
    Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" }],
  };
}

export function rolesOf(account: ScenarioAccount): Map<string, RoleState> {
  const roles = new Map<string, RoleState>();
  for (const role of account.roles ?? []) {
    const path = role.path ?? "/";
    roles.set(role.name, {
      name: role.name,
      path,
      arn: `arn:aws:iam::${account.id}:role${path}${role.name}`,
      roleId: uniqueId("AROA", `role:${account.id}:${role.name}`),
      trustPolicy: role.trustPolicy,
      inlinePolicies: new Map(Object.entries(role.inlinePolicies ?? {})),
      attachedPolicies: [...(role.attachedPolicies ?? [])],
      maxSessionDuration: role.maxSessionDuration ?? DEFAULT_MAX_SESSION_SECONDS,
      createdAt: new Date(CREATED_AT),
    });
  }
  return roles;
}

export function managedPoliciesOf(account: ScenarioAccount): Map<string, ManagedPolicyState> {
  const policies = new Map<string, ManagedPolicyState>();
  for (const policy of account.managedPolicies ?? []) {
    const path = policy.path ?? "/";
    const arn = `arn:aws:iam::${account.id}:policy${path}${policy.name}`;
    policies.set(arn, { name: policy.name, path, arn, policyId: uniqueId("ANPA", arn), document: policy.document, createdAt: new Date(CREATED_AT) });
  }
  return policies;
}

export function kmsKeysOf(account: ScenarioAccount): Map<string, KmsKeyState> {
  const keys = new Map<string, KmsKeyState>();
  for (const key of account.kmsKeys ?? []) {
    keys.set(key.id, {
      id: key.id,
      arn: `arn:aws:kms:${key.region}:${account.id}:key/${key.id}`,
      accountId: account.id,
      region: key.region,
      alias: key.alias ?? null,
      policy: JSON.stringify(key.policy ?? defaultKeyPolicy(account.id)),
      createdAt: new Date(CREATED_AT),
    });
  }
  return keys;
}

/** The remediation role in a member account, as the scenario describes it (trusted by the management account by default). */
export function remediationRoleOf(scenario: Scenario, homeAccountId: string, member: boolean): AssumableRoleState | null {
  const role = scenario.remediationRole;
  if (role === undefined || !member) return null;
  return {
    trustedAccounts: role.trustedAccounts ?? [homeAccountId],
    externalId: role.externalId ?? null,
    maxSessionDuration: DEFAULT_MAX_SESSION_SECONDS,
    ...(role.policy === undefined ? {} : { policy: role.policy }),
  };
}
