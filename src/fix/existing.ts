/**
 * `--replicate-existing`: after an apply, the buckets that just started replicating get an S3
 * Batch Replication job for the objects they already held (src/fix/batch), through the same fix
 * role sessions as the writes.
 */
import type { RemediationSettings } from "../config/index.js";
import { replicateExisting, type BatchResult, type JobProgress, type PendingJob } from "./batch/index.js";
import type { ApplyResult } from "./apply.js";
import { newlyReplicatedBuckets } from "./new-replication.js";
import { FixSession, type FixAwsOptions } from "./session.js";
import { expandPattern } from "./settings.js";

export interface ExistingObjectsOptions extends FixAwsOptions {
  batch: NonNullable<RemediationSettings["batch"]>;
  confirm: (job: PendingJob) => Promise<boolean>;
  onProgress?: (progress: JobProgress) => void;
  /** Between status reads; 0 against the sandbox. */
  pollIntervalMs?: number;
}

/**
 * `also`: buckets whose objects the audit found unreplicated (existing-objects-replicated failed)
 * although their replication was not just added: they get a job too, once.
 */
export async function replicateExistingObjects(
  result: Pick<ApplyResult, "results">,
  options: ExistingObjectsOptions,
  also: readonly { accountId: string; bucket: string; region: string }[] = [],
): Promise<BatchResult[]> {
  const targets = [...newlyReplicatedBuckets(result).map(({ accountId, bucket, region }) => ({ accountId, bucket, region }))];
  for (const extra of also) if (!targets.some((t) => t.bucket === extra.bucket)) targets.push({ accountId: extra.accountId, bucket: extra.bucket, region: extra.region });
  if (targets.length === 0) return [];
  const session = new FixSession(options);
  const values = (t: { accountId: string; bucket: string; region: string }) => ({ bucket: t.bucket, account: t.accountId, region: t.region });
  try {
    return await replicateExisting(targets, {
      s3control: (accountId, region) => session.s3control(accountId, region),
      s3: (accountId, region) => session.s3(accountId, region),
      batchRoleArn: (t) => expandPattern(options.batch.roleArn, values(t)),
      reportLocation: (t) => ({ bucket: expandPattern(options.batch.reportBucket, values(t)), ...(options.batch.reportPrefix === undefined ? {} : { prefix: options.batch.reportPrefix }) }),
      confirm: options.confirm,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    });
  } finally {
    session.close();
  }
}
