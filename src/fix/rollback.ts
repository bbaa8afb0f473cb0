/**
 * `replguard rollback FILE`: puts back what an apply changed, newest write first. Each bucket is
 * re-read first: if it no longer holds what replguard wrote, someone changed it since, and it is
 * skipped as a conflict rather than overwritten. Versioning cannot return to "never enabled" in
 * S3 (it becomes Suspended), Object Lock cannot be turned off, and replguard deletes no bucket:
 * those are reported as not reversible.
 */
import { readFile } from "node:fs/promises";
import { awsErrorCode, awsErrorMessage } from "../aws/index.js";
import { SnapshotError } from "../errors.js";
import { readCurrent, verify, write } from "./ops.js";
import { sameConfiguration } from "./rules.js";
import type { RollbackEntry, RollbackFile } from "./rollback-file.js";
import { FixSession, type FixAwsOptions } from "./session.js";
import type { ReplicationConfiguration } from "@aws-sdk/client-s3";
import type { FixStep } from "./types.js";

export type RollbackOutcome =
  | { status: "restored"; note?: string }
  | { status: "not-reversible"; detail: string }
  | { status: "skipped-conflict"; detail: string }
  | { status: "failed"; code: string; message: string };

export interface RollbackResult {
  declined: boolean;
  results: Array<{ entry: RollbackEntry; outcome: RollbackOutcome }>;
}

export interface RollbackOptions extends FixAwsOptions {
  confirm?: (entries: RollbackEntry[]) => Promise<boolean>;
  dryRun?: boolean;
}

export async function readRollbackFile(file: string): Promise<RollbackFile> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new SnapshotError(`cannot read rollback file ${file}: ${(error as Error).message}`, { file, cause: error });
  }
  const data = value as Partial<RollbackFile>;
  if (data.kind !== "replguard-rollback" || !Array.isArray(data.entries)) throw new SnapshotError(`${file} is not a replguard rollback file`, { file });
  return data as RollbackFile;
}

const NOT_REVERSIBLE: Partial<Record<FixStep["operation"], string>> = {
  CreateBucket: "replguard deletes no bucket: delete it by hand if it is not wanted",
  PutObjectLockConfiguration: "S3 cannot turn Object Lock off once it is enabled",
};

export async function rollback(file: string, options: RollbackOptions): Promise<RollbackResult> {
  const data = await readRollbackFile(file);
  const entries = data.entries.filter((e) => e.applied).reverse();
  if (options.dryRun === true) return { declined: false, results: [] };
  if (entries.length > 0 && (options.confirm === undefined || !(await options.confirm(entries)))) return { declined: true, results: [] };
  const session = new FixSession({ ...options });
  const results: RollbackResult["results"] = [];
  try {
    // One at a time, newest first: a bucket written twice is restored in reverse order.
    for (const entry of entries) results.push({ entry, outcome: await undo(entry, session) });
  } finally {
    session.close();
  }
  return { declined: false, results };
}

async function undo(entry: RollbackEntry, session: FixSession): Promise<RollbackOutcome> {
  const { step } = entry;
  const notReversible = NOT_REVERSIBLE[step.operation];
  if (notReversible !== undefined) return { status: "not-reversible", detail: notReversible };
  const s3 = session.s3(step.accountId, step.region);
  try {
    const current = await readCurrent(s3, step);
    const unchanged =
      step.operation === "PutBucketReplication"
        ? sameConfiguration(current as ReplicationConfiguration | null, entry.written as ReplicationConfiguration | null)
        : JSON.stringify(current) === JSON.stringify(entry.written);
    if (!unchanged) return { status: "skipped-conflict", detail: `${step.bucket} changed since replguard wrote it: found ${JSON.stringify(current)}` };
    let value = entry.previous;
    let note: string | undefined;
    if (step.operation === "PutBucketVersioning" && value === null) {
      value = { Status: "Suspended" };
      note = "versioning was never enabled before; S3 can only suspend it";
    }
    await write(s3, step, value);
    const problem = await verify(s3, step, value);
    if (problem !== null) return { status: "failed", code: "VerificationFailed", message: problem };
    return note === undefined ? { status: "restored" } : { status: "restored", note };
  } catch (error) {
    return { status: "failed", code: awsErrorCode(error), message: awsErrorMessage(error) };
  }
}
