/**
 * Access decisions under the IAM policy evaluation logic
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
 * an explicit Deny in any policy wins; otherwise a same-account request is allowed by an identity
 * or a resource policy, a cross-account one needs both. The evaluation is @cloud-copilot/iam-simulate's,
 * behind this one function so the simulator can be replaced; nothing else in replguard imports it.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { fastDecision, fastPathApplies, type SimulationResult } from "./fast-path.js";
import { BoundedMemo, contentKey, validated } from "./memo.js";
import { resourceClass } from "./resource-class.js";
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

/**
 * Fast-path decisions by resource class (resource-class.ts): the same question about another bucket
 * of the same class. Its keys hold no ARN, so one entry serves every bucket of an account that a
 * role's policies treat alike.
 */
const byClass = new BoundedMemo<SimulationResult>(16_384);
let simulations = 0;

/**
 * Every input of the simulation but the resource, as one string (JSON: no raw line break in it), which
 * a line break and the resource's ARN (or, in `byClass`, its class) complete: equal keys, equal simulations.
 */
const inputsKey = (query: AccessQuery): string =>
  JSON.stringify([
    query.principal,
    query.action,
    query.resourceAccount,
    (query.identityPolicies ?? []).map(contentKey),
    query.resourcePolicy === undefined || query.resourcePolicy === null ? null : contentKey(query.resourcePolicy),
    query.context ?? {},
  ]);

let observer: ((query: AccessQuery) => void) | undefined;
/** For the access bench (bench/access-cpu.ts): every query asked, so that it can time the evaluation alone. */
export const observeQueries = (listener: ((query: AccessQuery) => void) | undefined): void => {
  observer = listener;
};

export function decide(query: AccessQuery): Promise<AccessDecision> {
  observer?.(query);
  const inputs = inputsKey(query);
  return decisions.get(`${inputs}\n${query.resource}`, () => simulate(query, inputs));
}

/** The memos' counts (the access bench prints them), and forgetting them (so a bench round starts cold). */
export const decisionMemoStats = (): { hits: number; misses: number; size: number; classHits: number; simulations: number } => ({
  hits: decisions.hits,
  misses: decisions.misses,
  size: decisions.size,
  classHits: byClass.hits,
  simulations,
});
export const clearDecisionMemo = (): void => {
  decisions.clear();
  byClass.clear();
  simulations = 0;
};
/**
 * Forgets the remembered decisions (not the counts): the scan calls it once its access pass is over,
 * as the memos (a few MB at their bound) would otherwise stay through the handoff and the reports.
 */
export const releaseDecisionMemo = (): void => {
  decisions.release();
  byClass.release();
};

const decision = (result: string): AccessDecision => (result === "Allowed" ? "allowed" : result === "ExplicitlyDenied" ? "explicit-deny" : "implicit-deny");

async function simulate(query: AccessQuery, inputs: string): Promise<AccessDecision> {
  const identity = (query.identityPolicies ?? []).map((policy) => validated(policy, "identity"));
  const resourcePolicy = query.resourcePolicy === undefined || query.resourcePolicy === null ? undefined : validated(query.resourcePolicy, "resource");
  const policies = { identity, resourcePolicy };
  if (await fastPathApplies(query, policies)) {
    const run = (): SimulationResult => {
      simulations++;
      return fastDecision(query, policies);
    };
    // Remembered by class only here: this answer is a pure function of the class (resource-class.ts) and names no resource.
    const resourceKey = resourceClass(query);
    return decision(resourceKey === undefined ? run() : byClass.get(`${inputs}\n${resourceKey}`, run));
  }
  simulations++;
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
