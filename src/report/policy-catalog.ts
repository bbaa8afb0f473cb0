/**
 * The policies a report describes: every PolicyRef in the snapshot, completed with the loaded help
 * text when the policy is known, and a bare entry for any policy id that appears only in results.
 * Re-rendering an old snapshot whose policy was since removed must still work, so nothing here throws.
 */
import type { PolicyRef, PolicyResult, Severity, Snapshot } from "../model/index.js";
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

export function buildPolicyCatalog(snapshot: Pick<Snapshot, "policies" | "results">, policies: PolicyInfo[]): ReportPolicy[] {
  const catalog = new PolicyCatalog(snapshot.policies, policies);
  for (const result of snapshot.results) catalog.forResult(result);
  return catalog.list();
}

/**
 * The catalog built as results stream by: the snapshot's policies first, then each policy seen only
 * in results, at its first result (the order, and so each SARIF rule index, `buildPolicyCatalog` gives).
 */
export class PolicyCatalog {
  private readonly infoById: Map<string, PolicyInfo>;
  private readonly catalog = new Map<string, { policy: ReportPolicy; index: number }>();

  constructor(refs: readonly PolicyRef[], policies: readonly PolicyInfo[]) {
    this.infoById = new Map(policies.map((p) => [p.id, p]));
    for (const ref of refs) this.add(ref);
  }

  private add(ref: Pick<PolicyRef, "id" | "title" | "severity"> & Partial<PolicyRef>): { policy: ReportPolicy; index: number } {
    const known = this.catalog.get(ref.id);
    if (known !== undefined) return known;
    const policy = { id: ref.id, title: ref.title, severity: ref.severity, hash: ref.hash ?? null, source: ref.source ?? null, info: this.infoById.get(ref.id) ?? null };
    const entry = { policy, index: this.catalog.size };
    this.catalog.set(ref.id, entry);
    return entry;
  }

  /** The result's policy and its index, added when the snapshot's policy list did not have it. */
  forResult(result: Pick<PolicyResult, "policyId" | "severity">): { policy: ReportPolicy; index: number } {
    return this.catalog.get(result.policyId) ?? this.add({ id: result.policyId, title: this.infoById.get(result.policyId)?.title ?? result.policyId, severity: result.severity });
  }

  get(policyId: string): ReportPolicy | undefined {
    return this.catalog.get(policyId)?.policy;
  }

  has(policyId: string): boolean {
    return this.catalog.has(policyId);
  }

  list(): ReportPolicy[] {
    return [...this.catalog.values()].map((entry) => entry.policy);
  }
}
