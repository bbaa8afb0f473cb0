/**
 * Compliance drift per (policy, bucket): how each result moved between the snapshots. Passing
 * results that still pass (or still do not apply) are no drift and are left out; a failure that
 * persists is listed as `unchanged` so SARIF can mark it so. See ComplianceState for the states.
 */
import type { AccountRecord, ComplianceChange, ComplianceState, PolicyChange, PolicyResult, ResultStatus, Snapshot } from "../model/index.js";
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
export function policyDrift(baseline: Pick<Snapshot, "policies">, current: Pick<Snapshot, "policies">): PolicyChange[] {
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
  const matcher = new ComplianceMatcher(policies, current.accounts);
  return matcher.finish(matcher.match(baseline.results, current.results));
}

/**
 * Matching results by (policy, bucket), a group at a time: `match` pairs what it can and returns
 * the results it could not pair, and `finish` pairs those across groups (a bucket that moved to
 * another account) and words the rest: gone, or unknown when its account was not read now.
 */
export class ComplianceMatcher {
  private readonly changedPolicies: Set<string>;
  /** A bucket whose account could not be read now has no results: unknown, so `error`, not `absent`. */
  private readonly unread: Set<string>;
  readonly changes: ComplianceChange[] = [];

  constructor(policies: readonly PolicyChange[], accountsNow: readonly AccountRecord[]) {
    this.changedPolicies = new Set(policies.map((p) => p.policyId));
    this.unread = new Set(accountsNow.filter((a) => a.scan !== "scanned").map((a) => a.id));
  }

  private add(state: ComplianceState | null, result: PolicyResult, before: ResultStatus | null, after: ResultStatus | null): void {
    if (state === null) return;
    const { policyId, bucketArn, bucket, accountId, region, severity, message } = result;
    this.changes.push({ state, policyId, policyChanged: this.changedPolicies.has(policyId), bucketArn, bucket, accountId, region, severity, before, after, message });
  }

  /** Pairs the group's results; returns the unpaired ones of each side. */
  match(beforeResults: readonly PolicyResult[], afterResults: readonly PolicyResult[]): { before: PolicyResult[]; after: PolicyResult[] } {
    const was = new Map<string, PolicyResult>(beforeResults.map((r) => [key(r.policyId, r.bucketArn), r]));
    const unpaired: PolicyResult[] = [];
    for (const result of afterResults) {
      const before = was.get(key(result.policyId, result.bucketArn));
      if (before === undefined) {
        unpaired.push(result);
        continue;
      }
      was.delete(key(result.policyId, result.bucketArn));
      this.add(complianceState(before.status, result.status), result, before.status, result.status);
    }
    return { before: [...was.values()], after: unpaired };
  }

  /** Pairs the leftovers of every group, words the rest, and returns every change sorted. */
  finish(leftover: { before: PolicyResult[]; after: PolicyResult[] }): ComplianceChange[] {
    const rest = this.match(leftover.before, []);
    const was = new Map<string, PolicyResult>(rest.before.map((r) => [key(r.policyId, r.bucketArn), r]));
    for (const result of leftover.after) {
      const before = was.get(key(result.policyId, result.bucketArn));
      was.delete(key(result.policyId, result.bucketArn));
      this.add(complianceState(before?.status ?? null, result.status), result, before?.status ?? null, result.status);
    }
    for (const result of was.values()) {
      const state = this.unread.has(result.accountId) && result.status !== "error" ? "error" : complianceState(result.status, null);
      this.add(state, result, result.status, null);
    }
    return sortBy(this.changes, (c) => c.bucketArn, (c) => c.policyId);
  }
}
