/**
 * The drift stage: what changed between a baseline snapshot and the current one, with no AWS call.
 * Configuration (per bucket and rule), compliance (per policy and bucket), scope (accounts) and
 * policy edits; every list sorted, so two scans of an unchanged organization give an empty drift
 * whatever order AWS listed things in. What is compared: docs/drift.md.
 */
import type { Drift, FailOnDrift, Snapshot } from "../model/index.js";
import { assembleDrift } from "./assemble.js";
import { complianceDrift, policyDrift } from "./compliance.js";
import { configurationDrift } from "./config.js";
import { scopeDrift } from "./scope.js";
export { diffSnapshotFiles } from "./stream.js";

export { complianceState } from "./compliance.js";
export { failureHistory, findLatestSnapshot, type FailurePoint } from "./latest.js";
export { compareWithTerraform, readTerraform, terraformDrift, terraformDriftExitCode } from "./terraform/index.js";

export function diffSnapshots(baseline: Snapshot, current: Snapshot): Drift {
  const policies = policyDrift(baseline, current);
  const configuration = configurationDrift(baseline, current);
  const compliance = complianceDrift(baseline, current, policies);
  const scope = scopeDrift(baseline, current);
  return assembleDrift(baseline, current, { policies, configuration, compliance, scope });
}

/** Whether any change at all was found (an unchanged failure is not a change). */
export function hasChanges(drift: Drift): boolean {
  const s = drift.summary;
  return s.newFailures + s.fixed + s.absent + s.intoError + s.recovered + s.configChanges + s.scopeChanges + s.policyChanges > 0;
}

/**
 * Whether `--fail-on-drift` applies: `new-failures` for a result that fails now and did not
 * before, or that can no longer be decided (a bucket that became unreadable is never silence);
 * `any-change` for any change at all.
 */
export function driftFails(drift: Drift, failOn: FailOnDrift): boolean {
  if (failOn === "any-change") return hasChanges(drift);
  return drift.summary.newFailures + drift.summary.intoError > 0;
}
