/**
 * The planner's working state: what each bucket needs, gathered fix by fix, then turned into
 * ordered steps. Several failing results can ask the same of one bucket (two sources sharing an
 * unversioned destination): the bucket gets one step, with every reason.
 */
import type { ReplicationConfiguration } from "@aws-sdk/client-s3";
import { applyChanges } from "./rules.js";
import { OPERATION_ORDER, type FixStep, type ObjectLockValue, type PlannedAccount, type RuleChange, type VersioningValue } from "./types.js";

export interface Draft {
  accountId: string;
  bucket: string;
  region: string;
  create?: { objectLock: boolean; reason: string[] };
  versioning?: { before: VersioningValue; reason: string[] };
  objectLock?: { before: ObjectLockValue; reason: string[] };
  replication?: { before: ReplicationConfiguration | null; changes: RuleChange[]; reason: string[] };
  /** Keys of other drafts whose steps must be applied before this bucket's replication put. */
  needs: Set<string>;
}

export const draftKey = (accountId: string, bucket: string): string => `${accountId}/${bucket}`;

export class Drafts {
  private readonly drafts = new Map<string, Draft>();

  get(accountId: string, bucket: string, region: string): Draft {
    const key = draftKey(accountId, bucket);
    let draft = this.drafts.get(key);
    if (draft === undefined) {
      draft = { accountId, bucket, region, needs: new Set() };
      this.drafts.set(key, draft);
    }
    return draft;
  }

  versioning(accountId: string, bucket: string, region: string, before: VersioningValue, reason: string): Draft {
    const draft = this.get(accountId, bucket, region);
    draft.versioning ??= { before, reason: [] };
    addReason(draft.versioning.reason, reason);
    return draft;
  }

  replication(draft: Draft, before: ReplicationConfiguration | null, change: RuleChange, reason: string): void {
    draft.replication ??= { before, changes: [], reason: [] };
    draft.replication.changes.push(change);
    addReason(draft.replication.reason, reason);
  }

  /** Ordered steps per account and bucket; accounts and buckets sorted so a plan reads the same every run. */
  finish(beforeSource: "live" | "snapshot"): PlannedAccount[] {
    const stepIds = new Map<string, string[]>();
    const byAccount = new Map<string, PlannedAccount>();
    const sorted = [...this.drafts.values()].sort((a, b) => a.accountId.localeCompare(b.accountId) || a.bucket.localeCompare(b.bucket));
    const base = (d: Draft, operation: FixStep["operation"], reason: string[]) => ({
      id: `${d.accountId}/${d.bucket}/${operation}`,
      accountId: d.accountId,
      bucket: d.bucket,
      region: d.region,
      reason: [...reason],
      dependsOn: [] as string[],
    });
    const stepsOf = (d: Draft): FixStep[] => {
      const steps: FixStep[] = [];
      if (d.create) steps.push({ ...base(d, "CreateBucket", d.create.reason), operation: "CreateBucket", before: null, after: { ObjectLockEnabledForBucket: d.create.objectLock } });
      if (d.versioning) steps.push({ ...base(d, "PutBucketVersioning", d.versioning.reason), operation: "PutBucketVersioning", before: d.versioning.before, after: { Status: "Enabled" } });
      if (d.objectLock) steps.push({ ...base(d, "PutObjectLockConfiguration", d.objectLock.reason), operation: "PutObjectLockConfiguration", before: d.objectLock.before, after: { ObjectLockEnabled: "Enabled" } });
      if (d.replication) {
        const { before, changes, reason } = d.replication;
        steps.push({ ...base(d, "PutBucketReplication", reason), operation: "PutBucketReplication", before, after: applyChanges(before, changes), changes, beforeSource });
      }
      // Within a bucket each step waits for the ones before it (a bucket is created, then versioned, then locked).
      steps.forEach((step, i) => i > 0 && step.dependsOn.push(steps[i - 1]!.id));
      return steps;
    };
    const all = sorted.map((d) => ({ d, steps: stepsOf(d) }));
    for (const { d, steps } of all) stepIds.set(draftKey(d.accountId, d.bucket), steps.filter((s) => s.operation !== "PutBucketReplication").map((s) => s.id));
    for (const { d, steps } of all) {
      const put = steps.find((s) => s.operation === "PutBucketReplication");
      for (const key of d.needs) if (put && key !== draftKey(d.accountId, d.bucket)) put.dependsOn.push(...(stepIds.get(key) ?? []));
      if (steps.length === 0) continue;
      const account = byAccount.get(d.accountId) ?? { accountId: d.accountId, buckets: [] };
      byAccount.set(d.accountId, account);
      account.buckets.push({ accountId: d.accountId, bucket: d.bucket, region: d.region, steps });
    }
    return [...byAccount.values()];
  }
}

function addReason(reasons: string[], reason: string): void {
  if (!reasons.includes(reason)) reasons.push(reason);
}

/** Steps of a plan in the order the applier runs them: by operation, then as planned. */
export function stepsInOrder(accounts: readonly PlannedAccount[]): FixStep[] {
  const steps = accounts.flatMap((a) => a.buckets.flatMap((b) => b.steps));
  return OPERATION_ORDER.flatMap((operation) => steps.filter((s) => s.operation === operation));
}
