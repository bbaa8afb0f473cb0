/** replguard's public library surface. Everything else is internal. */
export { audit, summarize, auditExitCode, type AuditOptions, type AuditResult, type AuditSummary } from "./audit/index.js";
export { scan, parseShard, shardFromEnvironment, shardOfAccount, type ScanOptions, type ScanResult, type ScanProgress, type Shard } from "./scan/index.js";
export { merge, type MergeOptions, type MergeResult } from "./merge/index.js";
export { loadPolicies, requiredFacts, evaluateBucket, explainPolicy, type LoadOptions, type PolicySet, type LoadedPolicy } from "./policy/index.js";
export { auditActions, auditRolePolicy, remediationRolePolicy } from "./policy/index.js";
export { initialConfig, suggestVault, type InitOptions, type InitResult, type VaultSuggestion } from "./audit/init-config.js";
export { writeReports, writeTerraformDriftReports, readSnapshot, type ReportFormat } from "./report/index.js";
export { diffSnapshots, driftFails, hasChanges, findLatestSnapshot, terraformDrift, terraformDriftExitCode } from "./drift/index.js";
export { loadConfig, type ConfigFile, type RemediationSettings } from "./config/index.js";
export {
  buildPlan,
  refreshFromLive,
  writePlanFiles,
  readPlan,
  applyPlan,
  rollback,
  rescanTargets,
  type FixPlan,
  type FixStep,
  type PlanInput,
  type ApplyOptions,
  type ApplyResult,
  type StepResult,
  type StepOutcome,
  type RollbackOptions,
  type RollbackResult,
  type BeforeAfter,
} from "./fix/index.js";
export { replicateExisting, summariseBatchResults, type BatchResult, type BatchTarget, type ReplicateExistingContext } from "./fix/batch/index.js";
export { startSandbox } from "./sandbox/index.js";
export type { Sandbox, SandboxOptions, Scenario, CallRecord } from "./sandbox/types.js";
export * from "./errors.js";
export * from "./model/index.js";
