/**
 * The comparison harness of the sandbox conformance test: send one call to the sandbox and to
 * moto_server, and expect both to give the same (normalised) answer — which must also be the answer
 * AWS documents, so that two servers wrong in the same way still fail.
 */
import { expect } from "vitest";
import { observe, type answerOf, type LoopbackTarget } from "./aws-clients.js";
import { knownDifference, type KnownDifferenceId } from "./known-differences.js";

export type Side = "sandbox" | "moto";
export type Answer = Awaited<ReturnType<typeof answerOf>>;
export type Call = (target: LoopbackTarget) => Promise<object>;

export interface Harness {
  /** The servers' targets (filled in by the suite's beforeAll). */
  target: Record<Side, LoopbackTarget>;
  /** Sends the same call to both servers (and notes whether each answer carried a request id). */
  both(call: Call): Promise<Record<Side, Answer>>;
  /** Both servers answer `expected`, after `prepare` (normalisation) is applied to each answer. */
  expectBoth(call: Call, expected: unknown, prepare?: (answer: Answer) => unknown): Promise<void>;
  /**
   * Calls where moto's answer carried a request id and the sandbox's did not (or the reverse).
   * Checked by one test at the end rather than by every comparison, so that a missing header does
   * not hide every other difference.
   */
  requestIdMismatches: Array<{ operation: string; sandbox: boolean; moto: boolean }>;
  /** The AWS operation names (from the SDK command names) that `both` has sent. */
  operationsSent: Set<string>;
}

/** The operation a call sends, read from its source (`new s3.GetBucketVersioningCommand(...)`). */
const operationOf = (call: Call): string => /(\w+)Command\b/.exec(call.toString())?.[1] ?? call.toString().slice(0, 80);

export function createHarness(): Harness {
  const target = {} as Record<Side, LoopbackTarget>;
  const requestIdMismatches: Harness["requestIdMismatches"] = [];
  const operationsSent = new Set<string>();
  const both = async (call: Call): Promise<Record<Side, Answer>> => {
    operationsSent.add(operationOf(call));
    const [sandbox, moto] = await Promise.all([observe(call(target.sandbox)), observe(call(target.moto))]);
    if (sandbox.hasRequestId !== moto.hasRequestId) {
      requestIdMismatches.push({ operation: operationOf(call), sandbox: sandbox.hasRequestId, moto: moto.hasRequestId });
    }
    return { sandbox: sandbox.answer, moto: moto.answer };
  };
  return {
    target,
    requestIdMismatches,
    operationsSent,
    both,
    async expectBoth(call, expected, prepare = (answer) => answer) {
      const answers = await both(call);
      expect({ sandbox: prepare(answers.sandbox), moto: prepare(answers.moto) }).toEqual({ sandbox: expected, moto: expected });
    },
  };
}

/** Test title for a known difference: its id, the deciding documentation, and what moto does instead. */
export function knownDifferenceTitle(id: KnownDifferenceId): string {
  const entry = knownDifference(id);
  return `${id}: follows ${entry.docs[0] ?? ""} where moto 5.2.1 ${entry.moto}`;
}

/** The status of an error answer (undefined for a success). */
export const statusOf = (answer: Answer): number | undefined => (answer as { status?: number }).status;
