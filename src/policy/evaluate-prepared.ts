/**
 * What evaluate.ts prepares once per policy and once per policy array, and what it remembers for
 * the length of one document: each policy's renderers, the facts the set reads, and the answers
 * several policies share (an appliesTo validator, ajv.ts; a sentence read from the document alone,
 * template-shared.ts), asked once a document instead of once a (document, policy) pair.
 */
import type { BucketDocument, FactName } from "../model/index.js";
import { renderWithPolicy } from "./messages.js";
import type { LoadedPolicy } from "./types.js";

export interface Compiled {
  /** The policy whose `parameters` the message context carries (read at each render, as they are then). */
  owner: LoadedPolicy;
  /** The context's `policy`, last, when the templates take it ready-made (messages.ts `policyOf`); else undefined. */
  policy: object | undefined;
  pass: (context: object) => string;
  fail: (context: object) => string;
  not_applicable: (context: object) => string;
  /** The shared renderer of the pass (not_applicable) sentence when it depends on the document alone (messages.ts `sameFor`). */
  passSame: object | undefined;
  notApplicableSame: object | undefined;
}

/** Per loaded policy: its templates' renderers that skip the per-result copy of the context (messages.ts). */
const compiledPolicies = new WeakMap<LoadedPolicy, Compiled>();

export function compiled(policy: LoadedPolicy): Compiled {
  const cached = compiledPolicies.get(policy);
  if (cached) return cached;
  const { pass, fail, not_applicable } = policy.messages;
  const [p, f, n] = [renderWithPolicy(pass), renderWithPolicy(fail), renderWithPolicy(not_applicable)];
  const shared = p?.policy;
  const made: Compiled =
    p && f && n && shared && f.policy === shared && n.policy === shared
      ? {
          owner: policy,
          policy: shared,
          pass: p.render,
          fail: f.render,
          not_applicable: n.render,
          passSame: p.sameFor,
          notApplicableSame: n.sameFor,
        }
      : {
          owner: policy,
          policy: undefined,
          pass,
          fail,
          not_applicable,
          passSame: undefined,
          notApplicableSame: undefined,
        };
  compiledPolicies.set(policy, made);
  return made;
}

/**
 * The message context, `{ bucket, account, params }`, plus `policy` last when the templates take it
 * ready-made. One function for every policy, not a closure each: the call was a megamorphic one per
 * rendered sentence.
 */
export function contextOf(fast: Compiled, doc: BucketDocument): Record<string, unknown> {
  const params = fast.owner.parameters;
  return fast.policy === undefined ? { bucket: doc, account: doc.account, params } : { bucket: doc, account: doc.account, params, policy: fast.policy };
}

/** Where a policy's shared answers are kept in a document's memo; -1: not shared, asked each time. */
export interface Slots {
  scope: number;
  pass: number;
  notApplicable: number;
}

/** One document's shared answers: appliesTo (UNASKED, APPLIES, OUT_OF_SCOPE) and sentences (undefined until rendered). */
export interface DocumentMemo {
  scopes: number[];
  sentences: (string | undefined)[];
}

export const UNASKED = 0;
const APPLIES = 1;
const OUT_OF_SCOPE = 2;

/** For evaluatePolicy, which prepares nothing: every answer asked afresh. */
export const UNSHARED: Slots = { scope: -1, pass: -1, notApplicable: -1 };
export const NO_MEMO: DocumentMemo = { scopes: [], sentences: [] };

/** appliesTo's answer for the document, asked of a shared validator at most once a document. */
export function inScope(policy: LoadedPolicy, doc: BucketDocument, memo: DocumentMemo, slot: number): boolean {
  if (slot < 0) return policy.validators.appliesTo(doc);
  const known = memo.scopes[slot];
  if (known !== UNASKED) return known === APPLIES;
  const applies = policy.validators.appliesTo(doc);
  memo.scopes[slot] = applies ? APPLIES : OUT_OF_SCOPE;
  return applies;
}

/**
 * A pass or not_applicable sentence, rendered once a document when it depends on the document
 * alone (its context is made only to render). A render that throws is not kept.
 */
export function sentence(render: (context: object) => string, fast: Compiled, doc: BucketDocument, memo: DocumentMemo, slot: number): string {
  if (slot < 0) return render(contextOf(fast, doc));
  const known = memo.sentences[slot];
  if (known !== undefined) return known;
  const made = render(contextOf(fast, doc));
  memo.sentences[slot] = made;
  return made;
}

export interface PreparedSet {
  /** The set's policies when prepared: the entry serves only while the array still holds them. */
  policies: LoadedPolicy[];
  compiled: Compiled[];
  /** Every fact some policy's appliesTo or check reads (the bucket facts of FACTS: a handful); bit i stands for facts[i]. */
  facts: FactName[];
  /** Every bit of `facts`. */
  allBits: number;
  /** Per policy: the bits of the facts its appliesTo or check reads. */
  readBits: number[];
  slots: Slots[];
  /** Reset for each document (evaluation is synchronous: one document at a time). */
  memo: DocumentMemo;
}

/**
 * Per policy array: each policy's renderers and the facts the set reads, looked up once a document
 * rather than once a (document, policy) pair (a WeakMap lookup each was a few percent of evaluation).
 */
const preparedSets = new WeakMap<readonly LoadedPolicy[], PreparedSet>();

export function preparedSet(policies: readonly LoadedPolicy[]): PreparedSet {
  const cached = preparedSets.get(policies);
  if (cached && cached.policies.length === policies.length && cached.policies.every((policy, i) => policy === policies[i])) return cached;
  const made = prepare(policies);
  preparedSets.set(policies, made);
  return made;
}

function prepare(policies: readonly LoadedPolicy[]): PreparedSet {
  const all = policies.map(compiled);
  const validators: unknown[] = [];
  const sentences: object[] = [];
  // A slot only for what two or more policies share: the rest is asked directly.
  const count = (items: unknown[]) => (item: unknown) => items.filter((x) => x === item).length;
  const scopeCount = count(policies.map((policy) => policy.validators.appliesTo));
  const sentenceCount = count(all.flatMap((c) => [c.passSame, c.notApplicableSame].filter((x) => x !== undefined)));
  const slotOf = (list: unknown[], item: unknown, shared: boolean): number => {
    if (item === undefined || !shared) return -1;
    const at = list.indexOf(item);
    return at >= 0 ? at : list.push(item) - 1;
  };
  const slots = policies.map((policy, i) => {
    const c = all[i] as Compiled;
    const validator = policy.validators.appliesTo;
    return {
      scope: slotOf(validators, validator, scopeCount(validator) > 1),
      pass: slotOf(sentences, c.passSame, c.passSame !== undefined && sentenceCount(c.passSame) > 1),
      notApplicable: slotOf(sentences, c.notApplicableSame, c.notApplicableSame !== undefined && sentenceCount(c.notApplicableSame) > 1),
    };
  });
  const facts = [...new Set(policies.flatMap(readsOf))];
  // The bits are a small integer's: FACTS would need 31 bucket facts to overflow them.
  if (facts.length > 30) throw new Error(`evaluate-prepared: ${facts.length} facts do not fit the bits of a small integer`);
  const bitsOf = (read: FactName[]): number => read.reduce((bits, fact) => bits | (1 << facts.indexOf(fact)), 0);
  return {
    policies: [...policies],
    compiled: all,
    facts,
    allBits: bitsOf(facts),
    readBits: policies.map((policy) => bitsOf(readsOf(policy))),
    slots,
    memo: { scopes: validators.map(() => UNASKED), sentences: sentences.map(() => undefined) },
  };
}

const readsOf = (policy: LoadedPolicy): FactName[] => [...policy.facts.appliesTo, ...policy.facts.check];

/** The memo cleared for the next document (by loops: `fill` is a call into C++, dearer for a few slots). */
export function freshMemo(prepared: PreparedSet): DocumentMemo {
  const { scopes, sentences } = prepared.memo;
  for (let i = 0; i < scopes.length; i++) scopes[i] = UNASKED;
  for (let i = 0; i < sentences.length; i++) sentences[i] = undefined;
  return prepared.memo;
}
