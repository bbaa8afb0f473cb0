/**
 * Compliance drift per (policy, bucket): how each result moved between the snapshots. Passing
 * results that still pass (or still do not apply) are no drift and are left out; a failure that
 * persists is listed as `unchanged` so SARIF can mark it so. See ComplianceState for the states.
 */
import type { ComplianceChange, ComplianceState, PolicyChange, PolicyResult, ResultStatus, Snapshot } from "../model/index.js";
import { compareText, sortBy } from "./compare.js";

const key = (policyId: string, bucketArn: string): string => `${policyId}\u0000${bucketArn}`;

/** The state for a result that moved from `before` to `after` (null: no result), or null for no drift. */
export function complianceState(before: ResultStatus | null, after: ResultStatus | null): ComplianceState | null {
  if (after === "fail") return before === "fail" ? "unchanged" : "new";
  if (after === "error") return before === "error" ? null : "error";
  if (after === null) return before === "fail" || before === "error" ? "absent" : null;
  if (before === "fail") return "fixed";
  if (before === "error") return "recovered";
  return null;
}

/** Policies added, removed or edited (content hash) between the snapshots, by id. */
export function policyDrift(baseline: Snapshot, current: Snapshot): PolicyChange[] {
  const was = new Map(baseline.policies.map((p) => [p.id, p.hash]));
  const now = new Map(current.policies.map((p) => [p.id, p.hash]));
  const changes: PolicyChange[] = [];
  for (const id of [...new Set([...was.keys(), ...now.keys()])].sort(compareText)) {
    const beforeHash = was.get(id) ?? null;
    const afterHash = now.get(id) ?? null;
    if (beforeHash === afterHash) continue;
    changes.push({ change: beforeHash === null ? "added" : afterHash === null ? "removed" : "changed", policyId: id, beforeHash, afterHash });
  }
  return changes;
}

export function complianceDrift(baseline: Snapshot, current: Snapshot, policies: readonly PolicyChange[]): ComplianceChange[] {
  const changedPolicies = new Set(policies.map((p) => p.policyId));
  const was = new Map<string, PolicyResult>(baseline.results.map((r) => [key(r.policyId, r.bucketArn), r]));
  // A bucket whose account could not be read now has no results: unknown, so `error`, not `absent`.
  const unread = new Set(current.accounts.filter((a) => a.scan !== "scanned").map((a) => a.id));
  const changes: ComplianceChange[] = [];
  const add = (state: ComplianceState | null, result: PolicyResult, before: ResultStatus | null, after: ResultStatus | null): void => {
    if (state === null) return;
    const { policyId, bucketArn, bucket, accountId, region, severity, message } = result;
    changes.push({ state, policyId, policyChanged: changedPolicies.has(policyId), bucketArn, bucket, accountId, region, severity, before, after, message });
  };
  for (const result of current.results) {
    const before = was.get(key(result.policyId, result.bucketArn));
    was.delete(key(result.policyId, result.bucketArn));
    add(complianceState(before?.status ?? null, result.status), result, before?.status ?? null, result.status);
  }
  for (const result of was.values()) {
    const state = unread.has(result.accountId) && result.status !== "error" ? "error" : complianceState(result.status, null);
    add(state, result, result.status, null);
  }
  return sortBy(changes, (c) => c.bucketArn, (c) => c.policyId);
}
