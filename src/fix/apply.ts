/**
 * Applying a plan: confirmation, then the steps in dependency order with bounded concurrency.
 * Before each write the bucket is re-read (a change since the plan skips the bucket as a
 * conflict); after it, read back. A failure is the step's result and stops only what depends on
 * it. Everything written is recorded in the rollback file first.
 */
import pLimit from "p-limit";
import { awsErrorCode, awsErrorMessage } from "../aws/index.js";
import { stepsInOrder } from "./drafts.js";
import { matchesBefore, readCurrent, valueToWrite, verify, write } from "./ops.js";
import { RuleMissingError } from "./rules.js";
import { RollbackRecorder } from "./rollback-file.js";
import { FixSession, type FixAwsOptions } from "./session.js";
import { OPERATION_ORDER, type FixPlan, type FixStep, type StepOutcome, type StepResult } from "./types.js";

export interface ApplyOptions extends FixAwsOptions {
  /** Print and change nothing: no AWS call at all. */
  dryRun?: boolean;
  /** Asked once before any write; false = nothing is written. Required unless `dryRun`. */
  confirm?: (plan: FixPlan) => Promise<boolean>;
  /** Where the rollback file is written (required to write). */
  rollbackFile?: string;
  /** Buckets written at once (default 4). */
  concurrency?: number;
  onStep?: (result: StepResult) => void;
  now?: Date;
}

export interface ApplyResult {
  /** The user declined: nothing was written. */
  declined: boolean;
  results: StepResult[];
  rollbackFile: string | null;
  counts: Record<StepOutcome["status"], number>;
}

const emptyCounts = (): ApplyResult["counts"] => ({ applied: 0, "dry-run": 0, "skipped-conflict": 0, "skipped-dependency": 0, failed: 0 });

function summarise(results: StepResult[], declined: boolean, rollbackFile: string | null): ApplyResult {
  const counts = emptyCounts();
  for (const r of results) counts[r.outcome.status] += 1;
  return { declined, results, rollbackFile, counts };
}

export async function applyPlan(plan: FixPlan, options: ApplyOptions): Promise<ApplyResult> {
  const steps = stepsInOrder(plan.accounts);
  if (options.dryRun === true || steps.length === 0) {
    const results = steps.map((step) => ({ step, outcome: { status: "dry-run" } as const }));
    return summarise(results, false, null);
  }
  if (options.confirm === undefined || !(await options.confirm(plan))) return summarise([], true, null);
  if (options.rollbackFile === undefined) throw new Error("applyPlan: rollbackFile is required to write");
  const recorder = new RollbackRecorder(options.rollbackFile, options.now ?? new Date());
  await recorder.start();
  const session = new FixSession({ ...options, singleAccount: options.singleAccount ?? plan.mode === "single-account" });
  const outcomes = new Map<string, StepOutcome>();
  const conflicted = new Set<string>();
  const limit = pLimit(options.concurrency ?? 4);
  const results: StepResult[] = [];
  try {
    for (const operation of OPERATION_ORDER) {
      const phase = steps.filter((s) => s.operation === operation);
      await Promise.all(
        phase.map((step) =>
          limit(async () => {
            const outcome = await runStep(step, session, recorder, outcomes, conflicted);
            outcomes.set(step.id, outcome);
            const result = { step, outcome };
            results.push(result);
            options.onStep?.(result);
          }),
        ),
      );
    }
  } finally {
    session.close();
  }
  // Report in plan order, whatever order the writes finished in.
  const order = new Map(steps.map((s, i) => [s.id, i]));
  results.sort((a, b) => (order.get(a.step.id) ?? 0) - (order.get(b.step.id) ?? 0));
  return summarise(results, false, recorder.file);
}

async function runStep(
  step: FixStep,
  session: FixSession,
  recorder: RollbackRecorder,
  outcomes: ReadonlyMap<string, StepOutcome>,
  conflicted: Set<string>,
): Promise<StepOutcome> {
  const bucketKey = `${step.accountId}/${step.bucket}`;
  if (conflicted.has(bucketKey)) return { status: "skipped-conflict", detail: `an earlier step found ${step.bucket} changed since the plan` };
  const blocker = step.dependsOn.find((id) => outcomes.get(id)?.status !== "applied");
  if (blocker !== undefined) return { status: "skipped-dependency", detail: `needs ${blocker}, which was not applied (${outcomes.get(blocker)?.status ?? "not run"})` };
  const s3 = session.s3(step.accountId, step.region);
  try {
    const current = await readCurrent(s3, step);
    if (!matchesBefore(step, current)) {
      conflicted.add(bucketKey);
      return { status: "skipped-conflict", detail: `${step.bucket} changed since the plan: expected ${JSON.stringify(step.before)}, found ${JSON.stringify(current)}` };
    }
    const value = valueToWrite(step, current);
    const entry = await recorder.before(step, current, value);
    await write(s3, step, value);
    await recorder.applied(entry);
    const problem = await verify(s3, step, value);
    return problem === null ? { status: "applied" } : { status: "failed", code: "VerificationFailed", message: problem };
  } catch (error) {
    if (error instanceof RuleMissingError) {
      conflicted.add(bucketKey);
      return { status: "skipped-conflict", detail: `${step.bucket}: ${error.message}` };
    }
    return { status: "failed", code: awsErrorCode(error), message: awsErrorMessage(error) };
  }
}
