/**
 * The drift stage: what changed between a baseline snapshot and the current one, with no AWS call.
 * Configuration (per bucket and rule), compliance (per policy and bucket), scope (accounts) and
 * policy edits; every list sorted, so two scans of an unchanged organization give an empty drift
 * whatever order AWS listed things in. What is compared: docs/drift.md.
 */
import { DRIFT_SCHEMA_VERSION, type Drift, type DriftSide, type FailOnDrift, type Snapshot } from "../model/index.js";
import { complianceDrift, policyDrift } from "./compliance.js";
import { configurationDrift } from "./config.js";
import { scopeDrift } from "./scope.js";
import { readSnapshot } from "../report/index.js";

export { complianceState } from "./compliance.js";
export { findLatestSnapshot } from "./latest.js";
export { compareWithTerraform, readTerraform, terraformDrift, terraformDriftExitCode } from "./terraform/index.js";

const side = (snapshot: Snapshot): DriftSide => ({
  startedAt: snapshot.scan.startedAt,
  finishedAt: snapshot.scan.finishedAt,
  organizationId: snapshot.scan.organizationId,
  callerAccountId: snapshot.scan.callerAccountId,
  toolVersion: snapshot.tool.version,
});

/** The drift between two snapshot files (any format either reader takes). */
export async function diffSnapshotFiles(baselineFile: string, currentFile: string): Promise<Drift> {
  return diffSnapshots(await readSnapshot(baselineFile), await readSnapshot(currentFile));
}

export function diffSnapshots(baseline: Snapshot, current: Snapshot): Drift {
  const policies = policyDrift(baseline, current);
  const configuration = configurationDrift(baseline, current);
  const compliance = complianceDrift(baseline, current, policies);
  const scope = scopeDrift(baseline, current);
  const count = (state: string): number => compliance.filter((c) => c.state === state).length;
  return {
    kind: "replguard-drift",
    schemaVersion: DRIFT_SCHEMA_VERSION,
    baseline: side(baseline),
    current: side(current),
    summary: {
      newFailures: count("new"),
      fixed: count("fixed"),
      unchangedFailures: count("unchanged"),
      absent: count("absent"),
      intoError: count("error"),
      recovered: count("recovered"),
      configChanges: configuration.length,
      scopeChanges: scope.length,
      policyChanges: policies.length,
    },
    configuration,
    compliance,
    scope,
    policies,
  };
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
