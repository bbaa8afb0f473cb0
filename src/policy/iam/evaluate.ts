/**
 * Access decisions under the IAM policy evaluation logic
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
 * an explicit Deny in any policy wins; otherwise a same-account request is allowed by an identity
 * or a resource policy, a cross-account one needs both. The evaluation is @cloud-copilot/iam-simulate's,
 * behind this one function so the simulator can be replaced; nothing else in replguard imports it.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { fastSimulation } from "./fast-path.js";
import { BoundedMemo, contentKey, validated } from "./memo.js";
import type { AccessDecision, AccessQuery } from "./types.js";

export class IamEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IamEvaluationError";
  }
}

/**
 * Decisions already taken, by the whole query (memo.ts). 16,384 entries of a few hundred bytes
 * each: a few MB, enough to hold what an account's buckets have in common (their role's questions
 * about shared destinations and keys) while the scan goes through them.
 */
const decisions = new BoundedMemo<Promise<AccessDecision>>(16_384);

/** Every input of the simulation, as one string: equal keys, equal simulations. */
const queryKey = (query: AccessQuery): string =>
  JSON.stringify([
    query.principal,
    query.action,
    query.resource,
    query.resourceAccount,
    (query.identityPolicies ?? []).map(contentKey),
    query.resourcePolicy === undefined || query.resourcePolicy === null ? null : contentKey(query.resourcePolicy),
    query.context ?? {},
  ]);

export function decide(query: AccessQuery): Promise<AccessDecision> {
  return decisions.get(queryKey(query), () => simulate(query));
}

/** The memo's counts (the access bench prints them), and forgetting it (so a bench round starts cold). */
export const decisionMemoStats = (): { hits: number; misses: number; size: number } => ({ hits: decisions.hits, misses: decisions.misses, size: decisions.size });
export const clearDecisionMemo = (): void => decisions.clear();

const decision = (result: string): AccessDecision => (result === "Allowed" ? "allowed" : result === "ExplicitlyDenied" ? "explicit-deny" : "implicit-deny");

async function simulate(query: AccessQuery): Promise<AccessDecision> {
  const identity = (query.identityPolicies ?? []).map((policy) => validated(policy, "identity"));
  const resourcePolicy = query.resourcePolicy === undefined || query.resourcePolicy === null ? undefined : validated(query.resourcePolicy, "resource");
  const fast = await fastSimulation(query, identity, resourcePolicy);
  if (fast !== undefined) return decision(fast);
  const result = await runSimulation(
    {
      request: {
        principal: query.principal,
        action: query.action,
        resource: { resource: query.resource, accountId: query.resourceAccount },
        contextVariables: query.context ?? {},
      },
      identityPolicies: identity.map((policy, i) => ({ name: `identity-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy === undefined ? {} : { resourcePolicy }),
    },
    {},
  );
  if (result.resultType === "error") {
    throw new IamEvaluationError(`cannot evaluate ${query.action} on ${query.resource}: ${JSON.stringify(result.errors).slice(0, 300)}`);
  }
  return decision(result.overallResult);
}

export const isAllowed = async (query: AccessQuery): Promise<boolean> => (await decide(query)) === "allowed";

/** The actions of `actions` that `query` (without its action) is not allowed, in order. */
export async function missingActions(query: Omit<AccessQuery, "action">, actions: readonly string[]): Promise<string[]> {
  const answers = await Promise.all(actions.map((action) => isAllowed({ ...query, action })));
  return actions.filter((_, i) => !answers[i]);
}
