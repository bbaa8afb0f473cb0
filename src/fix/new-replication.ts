/**
 * Buckets an apply just started replicating (a rule added or enabled): replication copies only
 * objects written from now on, so these are the buckets whose existing objects need an S3 Batch
 * Replication job. The hook `--replicate-existing` hands them to `replicateExisting(buckets,
 * context)` of src/fix/batch.
 */
import type { ApplyResult } from "./apply.js";

export interface NewlyReplicated {
  accountId: string;
  bucket: string;
  region: string;
  /** IDs of the rules that started replicating. */
  ruleIds: string[];
}

export function newlyReplicatedBuckets(result: Pick<ApplyResult, "results">): NewlyReplicated[] {
  const buckets: NewlyReplicated[] = [];
  for (const { step, outcome } of result.results) {
    if (outcome.status !== "applied" || step.operation !== "PutBucketReplication") continue;
    const ruleIds = step.changes.flatMap((c) => (c.kind === "add-rule" ? [c.rule.ID ?? ""] : c.kind === "enable-rule" ? [c.ruleId] : []));
    if (ruleIds.length > 0) buckets.push({ accountId: step.accountId, bucket: step.bucket, region: step.region, ruleIds });
  }
  return buckets;
}
