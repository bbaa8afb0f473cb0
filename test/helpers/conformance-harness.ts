/**
 * The comparison harness of the sandbox conformance test: send one call to the sandbox and to
 * moto_server, and expect both to give the same (normalised) answer — which must also be the answer
 * AWS documents, so that two servers wrong in the same way still fail.
 */
import { expect } from "vitest";
import { answerOf, type LoopbackTarget } from "./aws-clients.js";
import { knownDifference, type KnownDifferenceId } from "./moto-known-differences.js";

export type Side = "sandbox" | "moto";
export type Answer = Awaited<ReturnType<typeof answerOf>>;
export type Call = (target: LoopbackTarget) => Promise<object>;

export interface Harness {
  /** The servers' targets (filled in by the suite's beforeAll). */
  target: Record<Side, LoopbackTarget>;
  /** Sends the same call to both servers. */
  both(call: Call): Promise<Record<Side, Answer>>;
  /** Both servers answer `expected`, after `prepare` (normalisation) is applied to each answer. */
  expectBoth(call: Call, expected: unknown, prepare?: (answer: Answer) => unknown): Promise<void>;
}

export function createHarness(): Harness {
  const target = {} as Record<Side, LoopbackTarget>;
  const both = async (call: Call): Promise<Record<Side, Answer>> => {
    const [sandbox, moto] = await Promise.all([answerOf(call(target.sandbox)), answerOf(call(target.moto))]);
    return { sandbox, moto };
  };
  return {
    target,
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
