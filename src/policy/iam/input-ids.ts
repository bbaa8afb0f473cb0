/**
 * The number of a question's inputs (evaluate.ts): everything a simulation reads but the action and
 * the resource (principal, resource account, each policy's content, the context), one number per
 * distinct inputs, never given to two different ones (a forgotten input gets a new number).
 *
 * The inputs' key is JSON with a SHA-256 per policy; building it for each question was most of what
 * a remembered answer cost (issue #15). A caller that asks many questions with one identity policy
 * list and one context can hand them *frozen* (Object.freeze, as scan/iam-derive.ts does): those
 * cannot change, and nor can the policy documents (memo.ts), so their number is then found by the
 * objects themselves, then the principal, resource account and resource policy object, with no key
 * built (issue #15: the short key of those three was a large part of what a question cost once its answer
 * came from the class memo). Unfrozen lists and contexts (any other caller) take the JSON key every time.
 */
import { BoundedMemo, contentKey } from "./memo.js";
import type { AccessQuery, PolicyDocument } from "./types.js";

type Inputs = Omit<AccessQuery, "action">;
type Context = NonNullable<AccessQuery["context"]>;

const byKey = new BoundedMemo<number>(4_096);
let next = 0;

const inputsKey = (query: Inputs): string =>
  JSON.stringify([
    query.principal,
    query.resourceAccount,
    (query.identityPolicies ?? []).map(contentKey),
    query.resourcePolicy === undefined || query.resourcePolicy === null ? null : contentKey(query.resourcePolicy),
    query.context ?? {},
  ]);

/**
 * Numbers by frozen identity list, then frozen context, then principal, resource account and
 * resource policy (the document object, or `NO_POLICY`): maps all the way down, so that a question
 * asked again builds no key at all. A document is found by the object here; another object of the
 * same content is numbered by its content (`byKey`), so it gets the same number while that is
 * remembered.
 */
interface Numbers {
  size: number;
  principals: Map<string, Map<string, WeakMap<PolicyDocument, number>>>;
}
let byObjects = new WeakMap<readonly PolicyDocument[], WeakMap<Context, Numbers>>();
/** Past this many numbers under one list and context, that map starts again (bounded like the rest). */
const PER_OBJECTS = 1_024;
/** The resource policy of a question without one, as a key. */
const NO_POLICY: PolicyDocument = Object.freeze({ Statement: [] });

/** Contexts found frozen with every value a string (an array value could still change inside a frozen context): they stay so. */
const fixedContexts = new WeakSet<Context>();
function fixed(context: Context): boolean {
  if (fixedContexts.has(context)) return true;
  if (!Object.isFrozen(context) || !Object.values(context).every((value) => typeof value === "string")) return false;
  fixedContexts.add(context);
  return true;
}

export function inputsId(query: Inputs): number {
  const identity = query.identityPolicies;
  const context = query.context;
  if (identity === undefined || context === undefined || !Object.isFrozen(identity) || !fixed(context)) return byKey.get(inputsKey(query), () => next++);
  let contexts = byObjects.get(identity);
  if (contexts === undefined) byObjects.set(identity, (contexts = new WeakMap()));
  let numbers = contexts.get(context);
  if (numbers === undefined || numbers.size >= PER_OBJECTS) contexts.set(context, (numbers = { size: 0, principals: new Map() }));
  let accounts = numbers.principals.get(query.principal);
  if (accounts === undefined) numbers.principals.set(query.principal, (accounts = new Map()));
  let policies = accounts.get(query.resourceAccount);
  if (policies === undefined) accounts.set(query.resourceAccount, (policies = new WeakMap()));
  const policy = query.resourcePolicy ?? NO_POLICY;
  let id = policies.get(policy);
  if (id === undefined) {
    policies.set(policy, (id = byKey.get(inputsKey(query), () => next++)));
    numbers.size++;
  }
  return id;
}

/** Forgets every number (a bench round starts cold); numbers given later are still new ones. */
export function clearInputIds(): void {
  byKey.clear();
  byObjects = new WeakMap();
}
