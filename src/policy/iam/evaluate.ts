/**
 * Access decisions under the IAM policy evaluation logic
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
 * an explicit Deny in any policy wins; otherwise a same-account request is allowed by an identity
 * or a resource policy, a cross-account one needs both. The evaluation is @cloud-copilot/iam-simulate's,
 * behind this one function so the simulator can be replaced; nothing else in replguard imports it.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { ValidatedPolicy } from "@cloud-copilot/iam-policy";
import { actionFitsFastPath, fastDecision, queryFitsFastPath, type SimulationResult } from "./fast-path.js";
import { clearInputIds, inputsId } from "./input-ids.js";
import { GroupedMemo, validated } from "./memo.js";
import { s3ResourceClass } from "./resource-class.js";
import type { AccessDecision, AccessQuery } from "./types.js";

export class IamEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IamEvaluationError";
  }
}

/**
 * Decisions already taken, by the whole query (memo.ts), grouped by question (inputs and resource)
 * with one answer per action: 4,096 questions of a few actions each, enough to hold what an
 * account's buckets have in common (their role's questions about shared destinations and keys)
 * while the scan goes through them. Values are answers, or promises while the answer needs the
 * simulator's data (or when it is `runSimulation`'s).
 */
const decisions = new GroupedMemo<AccessDecision | Promise<AccessDecision>>(4_096);

/**
 * Fast-path decisions by resource class (resource-class.ts): the same question about another bucket
 * of the same class. Its keys hold no ARN, so one entry serves every bucket of an account that a
 * role's policies treat alike.
 */
const byClass = new GroupedMemo<SimulationResult>(4_096);
let simulations = 0;

/**
 * A two-level key (issue #15: building a key of the whole query, with a SHA-256 per policy, for
 * each of the dozen questions a bucket asks cost more than answering most of them). Every input of
 * the simulation but the action and the resource, as one string (JSON), is given a number once; a
 * question's key is that number and the resource (or its class), on two lines, and in its group
 * each action's answer is found by the action's name. A number is never given to two different
 * inputs (a forgotten input gets a new one), so equal keys still mean equal simulations; a
 * question's key is built once for all the actions asked about one resource (`missingActions`),
 * and its number found without JSON when its identity policies and context are frozen (input-ids.ts).
 *
 * A question without its action, with what the simulation of any action needs, worked out once. */
interface Asked {
  query: Omit<AccessQuery, "action">;
  id: number;
  identity: ReadonlyArray<ValidatedPolicy<unknown>>;
  resourcePolicy: ValidatedPolicy<unknown> | undefined;
  /** `queryFitsFastPath`, once; and the resource's class for `s3:` actions (null: not worked out yet). */
  fits: boolean;
  s3Class: string | undefined | null;
  /** The question's remembered decisions, and its class's fast-path answers (null: not looked up yet). */
  decided: Map<string, AccessDecision | Promise<AccessDecision>>;
  classAnswers: Map<string, SimulationResult> | null;
}

function ask(query: Omit<AccessQuery, "action">): Asked {
  const id = inputsId(query);
  const identity = (query.identityPolicies ?? []).map((policy) => validated(policy, "identity"));
  const resourcePolicy = query.resourcePolicy === undefined || query.resourcePolicy === null ? undefined : validated(query.resourcePolicy, "resource");
  const fits = queryFitsFastPath(query, { identity, resourcePolicy });
  return { query, id, identity, resourcePolicy, fits, s3Class: null, decided: decisions.group(`${id}\n${query.resource}`), classAnswers: null };
}

let observer: ((query: AccessQuery) => void) | undefined;
/** For the access bench (bench/access-cpu.ts): every query asked, so that it can time the evaluation alone. */
export const observeQueries = (listener: ((query: AccessQuery) => void) | undefined): void => {
  observer = listener;
};

/** The decision on `action` for an asked question: at once when it is remembered or the fast path can answer now. */
function answer(asked: Asked, action: string): AccessDecision | Promise<AccessDecision> {
  observer?.({ ...asked.query, action } as AccessQuery);
  const found = decisions.find(asked.decided, action);
  return found !== undefined ? found : decisions.remember(asked.decided, action, decideNow(asked, action));
}

function decideNow(asked: Asked, action: string): AccessDecision | Promise<AccessDecision> {
  const fits = asked.fits && actionFitsFastPath(action, asked.query.resource);
  if (fits === false) return simulate(asked, action);
  if (fits !== true) return fits.then((applies) => (applies ? fast(asked, action) : simulate(asked, action)));
  try {
    return fast(asked, action);
  } catch (error) {
    // As when the fast path ran inside a promise: the failure is the remembered answer.
    return Promise.reject(error as Error);
  }
}

export function decide(query: AccessQuery): Promise<AccessDecision> {
  return Promise.resolve(answer(ask(query), query.action));
}

/** The memos' counts (the access bench prints them), and forgetting them (so a bench round starts cold). */
export const decisionMemoStats = (): { hits: number; misses: number; size: number; classHits: number; simulations: number } => ({
  hits: decisions.hits,
  misses: decisions.misses,
  size: decisions.size,
  classHits: byClass.hits,
  simulations,
});
export const clearDecisionMemo = (): void => {
  decisions.clear();
  byClass.clear();
  clearInputIds();
  simulations = 0;
};
/**
 * Forgets the remembered decisions (not the counts): the scan calls it once its access pass is over,
 * as the memos (a few MB at their bound) would otherwise stay through the handoff and the reports.
 */
export const releaseDecisionMemo = (): void => {
  decisions.release();
  byClass.release();
  // The inputs' numbers name nothing once no answer is kept (a number is never given twice).
  clearInputIds();
};

const decision = (result: string): AccessDecision => (result === "Allowed" ? "allowed" : result === "ExplicitlyDenied" ? "explicit-deny" : "implicit-deny");

/** The fast path's decision (fast-path.ts), for a question it applies to. */
function fast(asked: Asked, action: string): AccessDecision {
  // Remembered by class only here: this answer is a pure function of the class (resource-class.ts) and names no resource.
  if (!action.startsWith("s3:")) return decision(fastRun(asked, action));
  if (asked.s3Class === null) asked.s3Class = s3ResourceClass(asked.query);
  if (asked.s3Class === undefined) return decision(fastRun(asked, action));
  asked.classAnswers ??= byClass.group(`${asked.id}\n${asked.s3Class}`);
  return decision(byClass.find(asked.classAnswers, action) ?? byClass.remember(asked.classAnswers, action, fastRun(asked, action)));
}

function fastRun(asked: Asked, action: string): SimulationResult {
  simulations++;
  return fastDecision({ ...asked.query, action } as AccessQuery, asked);
}

async function simulate(asked: Asked, action: string): Promise<AccessDecision> {
  const query = asked.query;
  simulations++;
  const result = await runSimulation(
    {
      request: {
        principal: query.principal,
        action,
        resource: { resource: query.resource, accountId: query.resourceAccount },
        contextVariables: query.context ?? {},
      },
      identityPolicies: asked.identity.map((policy, i) => ({ name: `identity-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(asked.resourcePolicy === undefined ? {} : { resourcePolicy: asked.resourcePolicy }),
    },
    {},
  );
  if (result.resultType === "error") {
    throw new IamEvaluationError(`cannot evaluate ${action} on ${query.resource}: ${JSON.stringify(result.errors).slice(0, 300)}`);
  }
  return decision(result.overallResult);
}

export const isAllowed = async (query: AccessQuery): Promise<boolean> => (await decide(query)) === "allowed";

/** The actions of `actions` that `query` (without its action) is not allowed, in order: one question, asked once, about each action. */
export async function missingActions(query: Omit<AccessQuery, "action">, actions: readonly string[]): Promise<string[]> {
  const asked = ask(query);
  const answers = actions.map((action) => answer(asked, action));
  const decided = answers.every((a) => typeof a === "string") ? (answers as AccessDecision[]) : await Promise.all(answers);
  return actions.filter((_, i) => decided[i] !== "allowed");
}
