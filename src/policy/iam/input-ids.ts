/**
 * The number of a question's inputs (evaluate.ts): everything a simulation reads but the action and
 * the resource (principal, resource account, each policy's content, the context), one number per
 * distinct inputs, never given to two different ones (a forgotten input gets a new number).
 *
 * The inputs' key is JSON with a SHA-256 per policy; building it for each question was most of what
 * a remembered answer cost (issue #15). A caller that asks many questions with one identity policy
 * list and one context can hand them *frozen* (Object.freeze, as scan/iam-derive.ts does): those
 * cannot change, and nor can the policy documents (memo.ts), so their number is then found by the
 * objects themselves and a short key of the rest (principal, resource account, resource policy's
 * content). Unfrozen lists and contexts (any other caller) take the JSON key every time.
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

/** Numbers by frozen identity list, then frozen context, then `principal\nresource account\nresource policy`. */
let byObjects = new WeakMap<readonly PolicyDocument[], WeakMap<Context, Map<string, number>>>();
/** Past this many numbers under one list and context, that map starts again (bounded like the rest). */
const PER_OBJECTS = 1_024;

/** Frozen, and every value a string (an array value could still change inside a frozen context). */
const fixed = (context: Context): boolean => Object.isFrozen(context) && Object.values(context).every((value) => typeof value === "string");

export function inputsId(query: Inputs): number {
  const identity = query.identityPolicies;
  const context = query.context;
  if (identity === undefined || context === undefined || !Object.isFrozen(identity) || !fixed(context)) return byKey.get(inputsKey(query), () => next++);
  let contexts = byObjects.get(identity);
  if (contexts === undefined) byObjects.set(identity, (contexts = new WeakMap()));
  let ids = contexts.get(context);
  if (ids === undefined || ids.size >= PER_OBJECTS) contexts.set(context, (ids = new Map()));
  // JSON keeps principal and account apart from the lines around them (a content key is hex).
  const rest = `${JSON.stringify(query.principal)}\n${JSON.stringify(query.resourceAccount)}\n${query.resourcePolicy === undefined || query.resourcePolicy === null ? "" : contentKey(query.resourcePolicy)}`;
  let id = ids.get(rest);
  if (id === undefined) ids.set(rest, (id = byKey.get(inputsKey(query), () => next++)));
  return id;
}

/** Forgets every number (a bench round starts cold); numbers given later are still new ones. */
export function clearInputIds(): void {
  byKey.clear();
  byObjects = new WeakMap();
}
