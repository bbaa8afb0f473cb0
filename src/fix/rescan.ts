/**
 * After applying: the accounts the plan wrote are scanned again and the policies evaluated on the
 * changed buckets, so the before/after report states what S3 now holds, not what was meant.
 */
import type { PolicyResult, ResultStatus } from "../model/index.js";
import { evaluateBucket, requiredFacts, type PolicySet } from "../policy/index.js";
import { scan, type ScanOptions } from "../scan/index.js";
import type { FixPlan } from "./types.js";

export interface BeforeAfter {
  accountId: string;
  bucket: string;
  policyId: string;
  before: "fail";
  /** The result after the fix; `error` when the bucket could not be read again. */
  after: ResultStatus;
  message: string;
}

export async function rescanTargets(plan: FixPlan, policies: PolicySet, scanOptions: Omit<ScanOptions, "facts" | "accounts">): Promise<BeforeAfter[]> {
  if (plan.targets.length === 0) return [];
  const accounts = [...new Set(plan.accounts.map((a) => a.accountId).concat(plan.targets.map((t) => t.accountId)))];
  // Every account the plan touched, whatever shard the audit was: the changed buckets and their destinations.
  const { shard: _shard, ...unsharded } = scanOptions;
  const result = await scan({ ...unsharded, ...(plan.mode === "single-account" ? {} : { accounts }), facts: requiredFacts(policies) });
  const docs = new Map(result.buckets.map((d) => [d.arn, d]));
  const cache = new Map<string, PolicyResult[]>();
  return plan.targets.map((target) => {
    const doc = docs.get(target.bucketArn);
    if (doc === undefined) return { ...target, before: "fail" as const, after: "error" as const, message: `${target.bucket} was not found when scanned again` };
    let results = cache.get(doc.arn);
    if (results === undefined) {
      results = evaluateBucket(policies, doc, { suppressions: [] });
      cache.set(doc.arn, results);
    }
    const found = results.find((r) => r.policyId === target.policyId);
    return {
      accountId: target.accountId,
      bucket: target.bucket,
      policyId: target.policyId,
      before: "fail" as const,
      after: found?.status ?? "error",
      message: found?.message ?? `policy ${target.policyId} was not evaluated`,
    };
  });
}
