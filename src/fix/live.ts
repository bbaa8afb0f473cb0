/**
 * `audit --fix` has AWS at hand: the replication steps' `before` is swapped for the configuration
 * read from S3 now, so the plan (and fix.sh, fix.tf) carries every existing rule exactly as S3
 * holds it, not as rebuilt from the bucket document. Reads only.
 */
import pLimit from "p-limit";
import { readReplication } from "./ops.js";
import { applyChanges, sameConfiguration } from "./rules.js";
import { FixSession, type FixAwsOptions } from "./session.js";
import type { FixPlan } from "./types.js";

export async function refreshFromLive(plan: FixPlan, options: FixAwsOptions & { concurrency?: number }): Promise<FixPlan> {
  const session = new FixSession({ ...options, singleAccount: options.singleAccount ?? plan.mode === "single-account" });
  const limit = pLimit(options.concurrency ?? 8);
  try {
    const accounts = await Promise.all(
      plan.accounts.map(async (account) => ({
        ...account,
        buckets: await Promise.all(
          account.buckets.map(async (bucket) => ({
            ...bucket,
            steps: await Promise.all(
              bucket.steps.map((step) =>
                limit(async () => {
                  if (step.operation !== "PutBucketReplication") return step;
                  const live = await readReplication(session.s3(step.accountId, step.region), step.bucket, step.accountId);
                  // A bucket that changed since the scan keeps the scanned `before`: apply then reports the conflict.
                  if (!sameConfiguration(live, step.before)) return step;
                  return { ...step, before: live, after: applyChanges(live, step.changes), beforeSource: "live" as const };
                }),
              ),
            ),
          })),
        ),
      })),
    );
    return { ...plan, accounts };
  } finally {
    session.close();
  }
}
