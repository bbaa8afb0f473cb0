/**
 * Batch jobs a scenario describes as already there (ScenarioAccount.batchOperations.jobs): filed
 * in the status given, with their counts, so a scan finds a completed (or failed) replication job
 * as it would in an account where someone ran one.
 */
import { createHash } from "node:crypto";
import type { AccountState, BatchJobState, World } from "../core/contracts.js";
import type { ScenarioBatchOperations } from "../types.js";

const DEFAULT_CREATED = "2024-01-01T00:00:00.000Z";

const seededId = (accountId: string, index: number): string => {
  const hex = createHash("sha256").update(`seeded-batch-job:${accountId}:${index}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-b${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

export function seedBatchOperations(world: World, account: AccountState, settings: ScenarioBatchOperations | undefined): void {
  if (settings === undefined) return;
  if (settings.deny !== undefined) account.batchDeny = new Set(settings.deny);
  (settings.jobs ?? []).forEach((spec, index) => {
    const created = new Date(spec.createdAt ?? DEFAULT_CREATED);
    const total = spec.tasks ?? world.buckets.get(spec.sourceBucket)?.objects ?? 0;
    const failed = Math.min(total, spec.failed ?? 0);
    const finished = spec.status === "Complete" || spec.status === "Failed" || spec.status === "Cancelled";
    const done = finished || spec.status === "Active";
    const id = spec.id ?? seededId(account.id, index);
    const job: BatchJobState = {
      id,
      accountId: account.id,
      region: spec.region,
      status: spec.status,
      operation: spec.operation ?? "S3ReplicateObject",
      confirmationRequired: spec.status === "Suspended",
      priority: 10,
      roleArn: `arn:aws:iam::${account.id}:role/batch-replication`,
      ...(spec.description === undefined ? {} : { description: spec.description }),
      echo:
        `<Operation><${spec.operation ?? "S3ReplicateObject"}/></Operation>` +
        `<ManifestGenerator><S3JobManifestGenerator><SourceBucket>arn:aws:s3:::${spec.sourceBucket}</SourceBucket>` +
        "<EnableManifestOutput>false</EnableManifestOutput></S3JobManifestGenerator></ManifestGenerator>",
      sourceBucket: spec.sourceBucket,
      report: { enabled: false },
      totalTasks: total,
      succeeded: done ? total - failed : 0,
      failed: done ? failed : 0,
      createdAt: created,
      activeSeconds: finished ? 60 : 0,
      ...(finished ? { terminatedAt: new Date(created.getTime() + 60_000) } : {}),
      ...(spec.status === "Active" ? { activeSince: created } : {}),
      ...(spec.status === "Suspended" ? { suspendedAt: created, suspendedCause: "AwaitingConfirmation" } : {}),
      failureReasons: spec.status === "Failed" ? [{ code: "TaskFailureThresholdExceeded", reason: `${failed} of ${total} tasks failed` }] : [],
      step: spec.status === "Active" ? 1 : 0,
    };
    world.batchJobs.set(id, job);
  });
}
