/**
 * The policy stage: load JSON-Schema policies, derive which facts a scan must collect, evaluate
 * bucket documents, apply suppressions, and explain a policy in words.
 */
import type { PolicyRef } from "../model/index.js";
import type { PolicySet } from "./types.js";

export { loadPolicies, loadPolicyTexts, BUILTIN_POLICY_DIR } from "./load.js";
export { requiredFacts, factsRead } from "./facts.js";
export { auditActions, auditRolePolicy, remediationRolePolicy } from "./permissions.js";
export { evaluateBucket, evaluatePolicy, type EvaluateOptions } from "./evaluate.js";
export { activeSuppressions, expiredSuppressions, findSuppression, ExpiredSuppressionTracker, SuppressionTracker } from "./suppressions.js";
export { explainPolicy, describeSchema } from "./explain.js";
export { BUCKET_DOCUMENT_SCHEMA_FILE, POLICY_META_SCHEMA_FILE } from "./ajv.js";
export type * from "./types.js";

/** The policies a snapshot names: id, title, effective severity, content hash, where it came from. */
export function policyRefs(set: PolicySet): PolicyRef[] {
  return set.policies.map((p) => ({ id: p.id, title: p.title, severity: p.severity, hash: p.hash, source: p.source }));
}
