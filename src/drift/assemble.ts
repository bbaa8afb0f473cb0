/** The drift document from its parts: both sides' identity and the counts of each kind of change. */
import { DRIFT_SCHEMA_VERSION, type Drift, type DriftSide, type Snapshot } from "../model/index.js";

const side = (snapshot: Pick<Snapshot, "scan" | "tool">): DriftSide => ({
  startedAt: snapshot.scan.startedAt,
  finishedAt: snapshot.scan.finishedAt,
  organizationId: snapshot.scan.organizationId,
  callerAccountId: snapshot.scan.callerAccountId,
  toolVersion: snapshot.tool.version,
});

export function assembleDrift(
  baseline: Pick<Snapshot, "scan" | "tool">,
  current: Pick<Snapshot, "scan" | "tool">,
  parts: Pick<Drift, "policies" | "configuration" | "compliance" | "scope">,
): Drift {
  const { policies, configuration, compliance, scope } = parts;
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
