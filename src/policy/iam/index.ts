/**
 * The IAM evaluator: one small module over @cloud-copilot/iam-simulate and iam-expand, so the
 * simulator can be replaced without touching its users (the scanner's access facts).
 */
export { decide, isAllowed, missingActions, IamEvaluationError, releaseDecisionMemo } from "./evaluate.js";
export { grantsBeyond, statementsOf, trustedPrincipals, wildcardMatch } from "./statements.js";
export type { AccessDecision, AccessQuery, ExcessGrant, PolicyDocument, PolicyStatement } from "./types.js";
