/**
 * The policies a report describes: every PolicyRef in the snapshot, completed with the loaded help
 * text when the policy is known, and a bare entry for any policy id that appears only in results.
 * Re-rendering an old snapshot whose policy was since removed must still work, so nothing here throws.
 */
import type { PolicyRef, Severity, Snapshot } from "../model/index.js";
import type { PolicyInfo } from "./types.js";

export interface ReportPolicy {
  id: string;
  title: string;
  severity: Severity;
  /** Content hash from the snapshot, or null when the policy appears only in results. */
  hash: string | null;
  source: string | null;
  /** Help text, or null when the policy is unknown to the current policy set. */
  info: PolicyInfo | null;
}

export function buildPolicyCatalog(snapshot: Snapshot, policies: PolicyInfo[]): ReportPolicy[] {
  const infoById = new Map(policies.map((p) => [p.id, p]));
  const catalog = new Map<string, ReportPolicy>();
  const add = (ref: Pick<PolicyRef, "id" | "title" | "severity"> & Partial<PolicyRef>): void => {
    if (catalog.has(ref.id)) return;
    catalog.set(ref.id, {
      id: ref.id,
      title: ref.title,
      severity: ref.severity,
      hash: ref.hash ?? null,
      source: ref.source ?? null,
      info: infoById.get(ref.id) ?? null,
    });
  };
  for (const ref of snapshot.policies) add(ref);
  for (const result of snapshot.results) {
    if (!catalog.has(result.policyId)) {
      add({ id: result.policyId, title: infoById.get(result.policyId)?.title ?? result.policyId, severity: result.severity });
    }
  }
  return [...catalog.values()];
}
