/**
 * The fix stage: plan (from a snapshot, no AWS call), refresh from live configurations, write
 * plan.json / fix.sh / fix.tf, apply with confirmation and a rollback file, roll back, re-scan.
 * docs/fix.md describes the flow.
 */
export { buildPlan, REPLICATE_EXISTING_FIX, type PlanInput } from "./planner.js";
export { refreshFromLive } from "./live.js";
export { planDiff, stepCount } from "./diff.js";
export { writePlanFiles, readPlan, type WrittenPlan } from "./output.js";
export { fixScript } from "./script.js";
export { fixTerraform } from "./terraform.js";
export { applyPlan, type ApplyOptions, type ApplyResult } from "./apply.js";
export { rollback, readRollbackFile, type RollbackOptions, type RollbackResult, type RollbackOutcome } from "./rollback.js";
export type { RollbackEntry, RollbackFile } from "./rollback-file.js";
export { rescanTargets, type BeforeAfter } from "./rescan.js";
export { DEFAULT_FIX_ROLE_NAME, type FixAwsOptions } from "./session.js";
export { sameConfiguration, sdkConfiguration } from "./rules.js";
export * from "./types.js";
export { newlyReplicatedBuckets, type NewlyReplicated } from "./new-replication.js";
export { replicateExistingObjects, type ExistingObjectsOptions } from "./existing.js";
