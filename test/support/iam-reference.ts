/**
 * The simulator's own answer for an access query, with no memo and no fast path: what the IAM
 * tests compare replguard's decisions against (src/policy/iam).
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { AccessQuery } from "../../src/policy/iam/index.js";

/** `runSimulation`'s overall result for the query (`Allowed`, `ExplicitlyDenied`, `ImplicitlyDenied`), or `error`. */
export async function referenceSimulation(query: AccessQuery): Promise<string> {
  const result = await runSimulation(
    {
      request: { principal: query.principal, action: query.action, resource: { resource: query.resource, accountId: query.resourceAccount }, contextVariables: query.context ?? {} },
      identityPolicies: (query.identityPolicies ?? []).map((policy, i) => ({ name: `identity-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(query.resourcePolicy ? { resourcePolicy: query.resourcePolicy } : {}),
    },
    {},
  );
  return result.resultType === "error" ? "error" : result.overallResult;
}
