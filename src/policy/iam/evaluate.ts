/**
 * Access decisions under the IAM policy evaluation logic
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
 * an explicit Deny in any policy wins; otherwise a same-account request is allowed by an identity
 * or a resource policy, a cross-account one needs both. The evaluation is @cloud-copilot/iam-simulate's,
 * behind this one function so the simulator can be replaced; nothing else in replguard imports it.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { AccessDecision, AccessQuery } from "./types.js";

export class IamEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IamEvaluationError";
  }
}

export async function decide(query: AccessQuery): Promise<AccessDecision> {
  const result = await runSimulation(
    {
      request: {
        principal: query.principal,
        action: query.action,
        resource: { resource: query.resource, accountId: query.resourceAccount },
        contextVariables: query.context ?? {},
      },
      identityPolicies: (query.identityPolicies ?? []).map((policy, i) => ({ name: `identity-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(query.resourcePolicy === undefined || query.resourcePolicy === null ? {} : { resourcePolicy: query.resourcePolicy }),
    },
    {},
  );
  if (result.resultType === "error") {
    throw new IamEvaluationError(`cannot evaluate ${query.action} on ${query.resource}: ${JSON.stringify(result.errors).slice(0, 300)}`);
  }
  if (result.overallResult === "Allowed") return "allowed";
  return result.overallResult === "ExplicitlyDenied" ? "explicit-deny" : "implicit-deny";
}

export const isAllowed = async (query: AccessQuery): Promise<boolean> => (await decide(query)) === "allowed";

/** The actions of `actions` that `query` (without its action) is not allowed, in order. */
export async function missingActions(query: Omit<AccessQuery, "action">, actions: readonly string[]): Promise<string[]> {
  const answers = await Promise.all(actions.map((action) => isAllowed({ ...query, action })));
  return actions.filter((_, i) => !answers[i]);
}
