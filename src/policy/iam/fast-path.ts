/**
 * The simulation without the preparation `runSimulation` repeats on every call, for the queries where
 * that preparation is known to change nothing (issue #15: it was most of the access pass's CPU).
 * For a query on one resource (no `*`), `runSimulation` (iam-simulate 0.1.173,
 * simulation_engine/simulationEngine.js) validates the policies, checks the action, finds the
 * action's resource type for the resource (an automaton intersection, done twice: once for the
 * check, once to pick the context keys the request may carry), normalises the context, and then
 * authorises exactly as `runUnsafeSimulation` does. Here: the validation is the document's own
 * (ValidatedPolicy, memo.ts), the resource-type check is done once by the library's own
 * `allowedContextKeysForRequest` (it throws where `runSimulation` answers an error), remembered per
 * shape of ARN (resource-types.ts), and the
 * context is passed only when normalising it is the identity: global condition keys (always
 * allowed, whatever the resource type) in their canonical case, each one string. Anything else
 * (a wildcard resource, an invalid policy, an unknown or wildcard-only action, other context keys)
 * answers `undefined`, and the caller runs `runSimulation`. test/iam/fast-path.test.ts checks both
 * paths agree, and the fixture test (test/iam/access-identical.test.ts) that no fact changed.
 */
import type { ValidatedPolicy } from "@cloud-copilot/iam-policy";
import { isWildcardOnlyAction, runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import { hasOneResourceType, hasOneResourceTypeNow } from "./resource-types.js";
import type { AccessQuery } from "./types.js";

/** Global condition keys, as IAM spells them, whose only type is a single value: what the scanner's queries carry. */
export const PLAIN_CONTEXT_KEYS: ReadonlySet<string> = new Set(["aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgID", "aws:SecureTransport"]);

export type SimulationResult = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

/** `isWildcardOnlyAction` per action, once (an action the data does not know counts as one: the fast path leaves it alone); `wildcardOnlyKnown` once settled. */
const wildcardOnlyActions = new Map<string, Promise<boolean>>();
const wildcardOnlyKnown = new Map<string, boolean>();
function wildcardOnly(name: string, service: string, action: string): Promise<boolean> {
  let answer = wildcardOnlyActions.get(name);
  if (answer === undefined) {
    if (wildcardOnlyActions.size >= 10_000) {
      wildcardOnlyActions.clear();
      wildcardOnlyKnown.clear();
    }
    const asked = isWildcardOnlyAction(service, action).catch(() => true);
    wildcardOnlyActions.set(name, (answer = asked));
    void asked.then((found) => {
      if (wildcardOnlyActions.get(name) === asked) wildcardOnlyKnown.set(name, found);
    });
  }
  return answer;
}

type Policies = { identity: ReadonlyArray<ValidatedPolicy<unknown>>; resourcePolicy: ValidatedPolicy<unknown> | undefined };

/**
 * The part of `fastPathApplies` that does not depend on the action (valid policies, one resource,
 * plain context keys): worked out once for the several actions the scanner asks about one resource.
 */
export function queryFitsFastPath(query: Omit<AccessQuery, "action">, { identity, resourcePolicy }: Policies): boolean {
  if (identity.some((p) => p.errors.length > 0) || (resourcePolicy !== undefined && resourcePolicy.errors.length > 0)) return false;
  const resource = query.resource;
  if (resource.includes("*") || (resource.startsWith("arn:") && resource.split(":").length < 6)) return false;
  return plainContext(query.context ?? {});
}

/** Frozen contexts found plain (the scanner's: one per principal, asked about for every bucket): a frozen object's keys and string values stay. */
const plainContexts = new WeakSet<object>();
function plainContext(context: NonNullable<AccessQuery["context"]>): boolean {
  if (plainContexts.has(context)) return true;
  const plain = Object.entries(context).every(([key, value]) => PLAIN_CONTEXT_KEYS.has(key) && typeof value === "string");
  if (plain && Object.isFrozen(context)) plainContexts.add(context);
  return plain;
}

/**
 * The part that depends on the action (known, not wildcard-only, the resource of exactly one of its
 * types), for a query `queryFitsFastPath` accepted: at once when what it rests on is already known
 * (the same action and shape of ARN asked before), else a promise.
 */
export function actionFitsFastPath(action: string, resource: string): boolean | Promise<boolean> {
  // Known only for an action of two parts (`wildcardOnly` is asked after the split below).
  if (wildcardOnlyKnown.get(action) === false) {
    const known = hasOneResourceTypeNow(action, resource);
    if (known !== undefined) return known;
  }
  const parts = action.split(":");
  if (parts.length !== 2) return false;
  const [service, name] = parts as [string, string];
  return (async () => !(await wildcardOnly(action, service, name)) && hasOneResourceType(service, name, resource))();
}

/** Whether the fast path may answer `query`: everything `runSimulation` would check before authorising is known to pass. */
export async function fastPathApplies(query: AccessQuery, policies: Policies): Promise<boolean> {
  return queryFitsFastPath(query, policies) && (await actionFitsFastPath(query.action, query.resource));
}

/** The authorisation `runSimulation` ends with, for a query `fastPathApplies` accepted. */
export function fastDecision(query: AccessQuery, { identity, resourcePolicy }: Policies): SimulationResult {
  const result = runUnsafeSimulation(
    {
      request: { principal: query.principal, action: query.action, resource: { resource: query.resource, accountId: query.resourceAccount }, contextVariables: query.context ?? {} },
      identityPolicies: identity.map((policy, i) => ({ name: `identity-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy === undefined ? {} : { resourcePolicy }),
    },
    {},
  );
  return result as SimulationResult;
}
