/**
 * Shards: a deterministic partition of the organization's accounts, so that the batch engines teams
 * already run (a Kubernetes Indexed Job, an AWS Batch array job, a CI matrix) can each scan a part
 * and `replguard merge` put the parts together (docs/scale.md).
 */
import { createHash } from "node:crypto";
import { UsageError } from "../errors.js";
import type { AccountRecord } from "../model/index.js";

export interface Shard {
  /** This shard, from 0. */
  index: number;
  /** Shards in the run. */
  count: number;
}

/**
 * The shard that scans an account: sha256 of the account id, first 48 bits, modulo the count. A hash
 * rather than the id itself, so accounts created in sequence spread evenly; the same for every
 * process and version, so shards and merge agree without talking to each other.
 */
export function shardOfAccount(accountId: string, count: number): number {
  const digest = createHash("sha256").update(accountId).digest();
  return digest.readUIntBE(0, 6) % count;
}

const INTEGER = /^(0|[1-9][0-9]*)$/;

function shardOrThrow(index: number, count: number, where: string): Shard {
  if (count < 1) throw new UsageError(`${where}: the shard count must be at least 1, got ${count}`);
  if (index >= count) throw new UsageError(`${where}: shard index ${index} is not below the count ${count} (indexes run from 0)`);
  return { index, count };
}

/** `INDEX/COUNT` as given to `--shard` (index from 0). */
export function parseShard(text: string, where = "--shard"): Shard {
  const [index, count, extra] = text.trim().split("/");
  if (index === undefined || count === undefined || extra !== undefined || !INTEGER.test(index) || !INTEGER.test(count)) {
    throw new UsageError(`${where}: expected INDEX/COUNT with INDEX from 0, e.g. 0/4, got ${JSON.stringify(text)}`);
  }
  return shardOrThrow(Number(index), Number(count), where);
}

/**
 * Where the index and the count come from when `--shard` is not given, first match wins:
 * - AWS Batch array job: `AWS_BATCH_JOB_ARRAY_INDEX` and `AWS_BATCH_JOB_ARRAY_SIZE`, both set by
 *   Batch (https://docs.aws.amazon.com/batch/latest/userguide/job_env_vars.html);
 * - Kubernetes Indexed Job: `JOB_COMPLETION_INDEX`, set by the Job controller
 *   (https://kubernetes.io/docs/tasks/job/indexed-parallel-processing-static); Kubernetes does not
 *   expose `.spec.completions` to the pod, so the count is `REPLGUARD_SHARD_COUNT`, set in the Job
 *   spec to the same number (examples/sharding/kubernetes).
 * `REPLGUARD_SHARD_COUNT` also overrides the Batch size. No variable: null (not sharded).
 */
export function shardFromEnvironment(env: NodeJS.ProcessEnv = process.env): Shard | null {
  const sources: Array<[indexVar: string, countVars: string[]]> = [
    ["AWS_BATCH_JOB_ARRAY_INDEX", ["REPLGUARD_SHARD_COUNT", "AWS_BATCH_JOB_ARRAY_SIZE"]],
    ["JOB_COMPLETION_INDEX", ["REPLGUARD_SHARD_COUNT"]],
  ];
  for (const [indexVar, countVars] of sources) {
    const index = env[indexVar];
    if (index === undefined || index === "") continue;
    const countVar = countVars.find((name) => (env[name] ?? "") !== "");
    if (countVar === undefined) {
      throw new UsageError(`${indexVar}=${index} is set but not ${countVars.join(" or ")}: set REPLGUARD_SHARD_COUNT to the number of shards, or pass --shard INDEX/COUNT`);
    }
    const count = env[countVar]!;
    if (!INTEGER.test(index) || !INTEGER.test(count)) {
      throw new UsageError(`${indexVar}=${JSON.stringify(index)} and ${countVar}=${JSON.stringify(count)} must be whole numbers`);
    }
    return shardOrThrow(Number(index), Number(count), `${indexVar}/${countVar}`);
  }
  return null;
}

/** Accounts of other shards leave this shard's scope, saying which shard scans them. */
export function assignShard(records: AccountRecord[], shard: Shard): void {
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new UsageError(`shard ${shard.index}/${shard.count}: the index must be a whole number from 0 to count - 1`);
  }
  for (const record of records) {
    const owner = shardOfAccount(record.id, shard.count);
    if (record.scope !== "in-scope" || owner === shard.index) continue;
    record.scope = "excluded";
    record.scopeReason = `scanned by shard ${owner}/${shard.count}`;
  }
}
