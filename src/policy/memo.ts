/**
 * Work shared between documents (issue #15): most buckets of an organization get the same
 * verdicts, evidence and sentences from a group of policies, apart from the bucket's own names. A
 * memo keyed on exactly what those policies read of a document (memo-spec.ts, memo-key.ts)
 * remembers each one's status, evidence pointers and sentence as pieces around its holes, and a
 * document with the same key gets them back with its own names put in, its own `actual` values
 * read at those pointers and its own suppressions looked up. Sound or not at all:
 * - only for documents where every fact was collected and no call failed (evaluate.ts's
 *   `readable`): then evaluation reads the document alone;
 * - only for policies whose schemas and templates the spec can key (others are evaluated directly);
 * - an entry is recorded only after the group was evaluated twice, on the document and on a copy
 *   with each hole marked, and both agree: same statuses and evidence, and each marked sentence
 *   with the document's values put back is the document's sentence. Anything else (an `error`,
 *   several failing groups, a mark in the wrong place) records "evaluate directly" for that key;
 * - a printed value that is not a clean string (template-tidy.ts) on a later document: that policy
 *   is evaluated directly.
 * Which policies form the group is measured on the first CALIBRATION readable documents: a policy
 * whose reads vary with each account (a role's grants, its buckets) would make every key new, so
 * policies join while the group's distinct keys stay few. Bounded: MAX_ENTRIES keys (cleared when
 * full); a memo whose keys rarely repeat stops after a window.
 */
import type { BucketDocument, Evidence, PolicyResult } from "../model/index.js";
import { valueAt } from "../json-pointer.js";
import { assemble, clean, holePlaces, keyFunction, markedDocument, sentencePieces, valueAtPlace, type KeyFunction } from "./memo-key.js";
import { policyReads, unionSpec, type PolicyReads, type PolicySpec } from "./memo-spec.js";
import { templateTree } from "./messages.js";
import type { LoadedPolicy } from "./types.js";

/** One policy's remembered result. */
export interface Slot {
  status: "pass" | "fail" | "not_applicable";
  /** The sentence's texts, and between them the index in `places` of the value printed there. */
  pieces: (string | number)[];
  /** The places of the holes the sentence prints: each document's values there must be clean strings. */
  places: (string | number)[][];
  /** Pointers and expectations of a failure's evidence, in order; `actual` is read from each document. */
  evidence: { pointer: string; expected: string }[];
}

/** A key whose results are not remembered: evaluated directly every time. */
export const DIRECT = Symbol("direct");

export interface SetMemo {
  /** Each policy's reads (null: not keyable). */
  reads: (PolicyReads | null)[];
  /** Until the group is chosen: each keyable policy's key on the first documents. */
  calibration: { keys: (KeyFunction | null)[]; numbers: Map<string, number>[]; seen: number[][] } | null;
  /** The group (indexes into the set), its spec and key; empty until calibrated. */
  group: number[];
  spec: PolicySpec | null;
  key: KeyFunction | null;
  /** By key: each group policy's slot, null where that policy is evaluated directly. */
  entries: Map<string, (Slot | null)[] | typeof DIRECT>;
  lookups: number;
  hits: number;
  off: boolean;
}

export const MAX_ENTRIES = 4096;
export const CALIBRATION = 256;
/** The most distinct keys the group may give on the calibration documents. */
const DISTINCT = CALIBRATION / 8;
const WINDOW = 4096;

/** The memo of a policy set, or null when no policy can be keyed. */
export function setMemo(policies: readonly LoadedPolicy[]): SetMemo | null {
  const reads = policies.map((policy) => {
    const [pass, fail, notApplicable] = [policy.messages.pass, policy.messages.fail, policy.messages.not_applicable].map(templateTree);
    if (pass === undefined || fail === undefined || notApplicable === undefined) return null;
    return policyReads({ appliesTo: policy.schemas.appliesTo, check: policy.schemas.check, templates: { pass, fail, not_applicable: notApplicable } });
  });
  if (reads.every((r) => r === null)) return null;
  const keys = reads.map((r) => {
    const spec = r === null ? null : unionSpec([r]);
    return spec === null ? null : keyFunction(spec);
  });
  return { reads, calibration: { keys, numbers: [], seen: [] }, group: [], spec: null, key: null, entries: new Map(), lookups: 0, hits: 0, off: false };
}

/**
 * Notes a readable document while the group is not chosen; chooses it after CALIBRATION of them.
 * Greedy: the policies whose own keys vary least first, each kept while the group's keys stay
 * under DISTINCT.
 */
export function calibrate(memo: SetMemo, doc: BucketDocument): void {
  const calibration = memo.calibration;
  if (calibration === null) return;
  // Each policy's key as the number of distinct keys seen before it: short to join and compare.
  calibration.seen.push(
    calibration.keys.map((key, i) => {
      if (key === null) return -1;
      const numbers = (calibration.numbers[i] ??= new Map());
      const text = key(doc);
      let number = numbers.get(text);
      if (number === undefined) numbers.set(text, (number = numbers.size));
      return number;
    }),
  );
  if (calibration.seen.length < CALIBRATION) return;
  memo.calibration = null;
  const { seen } = calibration;
  const candidates = calibration.keys
    .flatMap((key, i) => (key === null ? [] : [i]))
    .sort((a, b) => (calibration.numbers[a]?.size ?? 0) - (calibration.numbers[b]?.size ?? 0));
  // The group's key on each calibration document so far, extended one policy at a time.
  let keys = seen.map(() => "");
  const group: number[] = [];
  for (const i of candidates) {
    const extended = keys.map((key, d) => `${key},${(seen[d] as number[])[i]}`);
    if (new Set(extended).size > DISTINCT) continue;
    keys = extended;
    group.push(i);
  }
  const spec = group.length === 0 ? null : unionSpec(group.map((i) => memo.reads[i] as PolicyReads));
  if (spec === null) {
    memo.off = true;
    return;
  }
  memo.group = group.sort((a, b) => a - b);
  memo.spec = spec;
  memo.key = keyFunction(spec);
}

/** The document's values at the places, or null when one is not a clean string. */
export function holeValues(doc: BucketDocument, places: (string | number)[][]): string[] | null {
  const values: string[] = [];
  for (const place of places) {
    const value = valueAtPlace(doc, place);
    if (!clean(value)) return null;
    values.push(value);
  }
  return values;
}

/** Counts a lookup, and turns the memo off when a window hit too rarely. */
export function counted(memo: SetMemo, hit: boolean): void {
  if (hit) memo.hits++;
  if (++memo.lookups === WINDOW) {
    if (memo.hits * 2 < WINDOW) memo.off = true;
    memo.lookups = memo.hits = 0;
  }
}

/** Stores what a key gives, clearing the memo when full. */
export function remember(memo: SetMemo, key: string, slots: (Slot | null)[]): void {
  if (memo.entries.size >= MAX_ENTRIES) memo.entries.clear();
  memo.entries.set(key, slots.every((slot) => slot === null) ? DIRECT : slots);
}

/** The places of every hole in `doc`, and the copy with each marked. */
export function marked(memo: SetMemo, doc: BucketDocument): { places: (string | number)[][]; copy: BucketDocument } {
  const places = holePlaces(doc, (memo.spec as PolicySpec).holes);
  return { places, copy: markedDocument(doc, places) };
}

/**
 * The slot `real` makes, checked against the run on the marked copy; null when they do not agree.
 * `groups`: how many failing groups the real run found.
 */
export function slotOf(real: PolicyResult, copy: PolicyResult, groups: number, doc: BucketDocument, places: (string | number)[][]): Slot | null {
  const status = real.status === "suppressed" ? "fail" : real.status;
  if (status === "error" || copy.status !== status) return null;
  // Several groups: their sentences are deduplicated as rendered, which marks could tell apart where the names do not.
  if (status === "fail" && groups !== 1) return null;
  const pieces = sentencePieces(copy.message, places.length);
  if (pieces === null) return null;
  // Only the places the sentence prints, numbered in the order first printed.
  const printed: number[] = [];
  const renumbered = pieces.map((piece) => {
    if (typeof piece !== "number") return piece;
    const at = printed.indexOf(piece);
    return at >= 0 ? at : printed.push(piece) - 1;
  });
  const used = printed.map((index) => places[index] as (string | number)[]);
  const values = holeValues(doc, used);
  if (values === null || assemble(renumbered, values) !== real.message) return null;
  if (copy.evidence.length !== real.evidence.length) return null;
  const evidence: Slot["evidence"] = [];
  for (let i = 0; i < real.evidence.length; i++) {
    const mine = real.evidence[i] as Evidence;
    const theirs = copy.evidence[i] as Evidence;
    if (mine.pointer !== theirs.pointer || mine.expected !== theirs.expected || !Object.is(mine.actual, valueAt(doc, mine.pointer) ?? null)) return null;
    evidence.push({ pointer: mine.pointer, expected: mine.expected });
  }
  return { status, pieces: renumbered, places: used, evidence };
}
