/**
 * Identity-policy enforcement: a session of a role the scenario gives permissions (the audit role's
 * `policy`, the remediation role's, a scenario role's inline and attached policies) may make only
 * the calls those permissions allow, and a resource policy (bucket policy, key policy) that
 * explicitly denies a caller refuses the call whoever makes it. Evaluated with
 * @cloud-copilot/iam-simulate under the IAM policy evaluation logic
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * A role without a policy is not enforced (every call allowed, as before): the bucket-level
 * cross-account rules stay with s3/access.ts.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { AWS_MANAGED_POLICIES } from "../iam/aws-managed.js";
import type { IamPolicyDocument } from "../types.js";
import type { Authorization } from "./authorize-actions.js";
import type { KeyState, World } from "./contracts.js";

const ALLOW_ALL: IamPolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
const SESSION = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;

interface Identity {
  /** arn:aws:iam::ACCOUNT:role/NAME for a session, the key's principal otherwise. */
  principal: string;
  /** Null = not enforced. */
  policies: IamPolicyDocument[] | null;
}

/** The permissions of the role a session belongs to (null when the scenario gives it none). */
export function identityOf(world: World, caller: KeyState): Identity {
  const session = SESSION.exec(caller.principalArn);
  if (session === null) return { principal: caller.principalArn, policies: null };
  const [, accountId, roleName] = session as unknown as [string, string, string];
  const account = world.accounts.get(accountId);
  const principal = `arn:aws:iam::${accountId}:role/${roleName}`;
  if (account === undefined) return { principal, policies: null };
  if (roleName === world.auditRoleName) return { principal, policies: account.auditRole?.policy ? [account.auditRole.policy] : null };
  if (roleName === world.remediationRoleName) return { principal, policies: account.remediationRole?.policy ? [account.remediationRole.policy] : null };
  const role = account.roles.get(roleName);
  if (role === undefined) return { principal, policies: null };
  const attached = role.attachedPolicies.map((arn) => AWS_MANAGED_POLICIES.get(arn)?.document ?? account.managedPolicies.get(arn)?.document);
  return { principal: role.arn, policies: [...role.inlinePolicies.values(), ...attached.filter((d): d is IamPolicyDocument => d !== undefined)] };
}

function contextOf(world: World, caller: KeyState, principal: string): Record<string, string> {
  const member = world.accounts.get(caller.accountId)?.member === true && world.organizationId !== null;
  return {
    "aws:PrincipalAccount": caller.accountId,
    "aws:PrincipalArn": principal,
    "aws:userid": caller.userId,
    // The sandbox listens on plain HTTP, but stands for AWS's HTTPS endpoints.
    "aws:SecureTransport": "true",
    ...(member ? { "aws:PrincipalOrgID": world.organizationId as string } : {}),
  };
}

const decisions = new WeakMap<World, Map<string, boolean>>();

/**
 * "allow" or "deny" for one call. `resourcePolicy` is the bucket or key policy as stored (JSON text).
 * Decisions are cached per world: the same role, action, resource and resource policy decide alike.
 */
export async function authorizeCall(world: World, caller: KeyState, auth: Authorization, resourcePolicy: string | undefined): Promise<"allow" | "deny"> {
  const identity = identityOf(world, caller);
  if (identity.policies === null && resourcePolicy === undefined) return "allow";
  let cache = decisions.get(world);
  if (cache === undefined) decisions.set(world, (cache = new Map()));
  const key = `${caller.principalArn.replace(/\/[^/]*$/, "")}\n${auth.action}\n${auth.resource}\n${auth.resourceAccount}\n${resourcePolicy ?? ""}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached ? "allow" : "deny";
  const allowed = await decide(world, caller, identity, auth, resourcePolicy);
  cache.set(key, allowed);
  return allowed ? "allow" : "deny";
}

async function decide(world: World, caller: KeyState, identity: Identity, auth: Authorization, resourcePolicy: string | undefined): Promise<boolean> {
  let parsed: unknown;
  try {
    parsed = resourcePolicy === undefined ? undefined : JSON.parse(resourcePolicy);
  } catch {
    parsed = undefined; // a policy the service would never have stored grants and denies nothing
  }
  const principal = identity.principal.includes(":role/") ? caller.principalArn : identity.principal;
  const result = await runSimulation(
    {
      request: { principal, action: auth.action, resource: { resource: auth.resource, accountId: auth.resourceAccount }, contextVariables: contextOf(world, caller, identity.principal) },
      identityPolicies: (identity.policies ?? [ALLOW_ALL]).map((policy, i) => ({ name: `policy-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(parsed === undefined ? {} : { resourcePolicy: parsed }),
    },
    {},
  );
  // An unevaluable request (unknown action, malformed document) is refused for an enforced role, and left alone otherwise.
  if (result.resultType === "error") return identity.policies === null;
  if (result.overallResult === "ExplicitlyDenied") return false;
  // Not enforced: only an explicit deny refuses; the bucket's cross-account rules are s3/access.ts's.
  if (identity.policies === null) return true;
  return result.overallResult === "Allowed";
}
