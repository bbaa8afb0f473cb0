/**
 * Turns ajv's errors into evidence: the failing JSON pointers, the value found there, and what was
 * expected in words; grouped by the replication rule they are inside, so a message can name it.
 */
import type { ErrorObject } from "ajv/dist/2020.js";
import type { Evidence } from "../model/index.js";
import { ajvErrorPointer, valueAt } from "../json-pointer.js";

/**
 * Errors that only say "a sub-schema failed"; their sub-schemas' errors carry the detail. A switch
 * rather than a Set: ajv's keywords are string constants, compared by reference, where the Set's
 * lookup was a call per error (about 1% of the warm rounds).
 */
function isWrapper(keyword: string): boolean {
  switch (keyword) {
    case "anyOf":
    case "oneOf":
    case "allOf":
    case "if":
    case "contains":
    case "false schema":
    case "unevaluatedItems":
      return true;
    default:
      return false;
  }
}

export interface EvidenceGroup {
  /** Index in `replication.rules` when every pointer of the group is inside that rule. */
  ruleIndex: number | null;
  evidence: Evidence[];
}

const RULES = "/replication/rules/";

/**
 * The rule a pointer is inside: `/replication/rules/<digits>` followed by `/` or the end, as
 * `/^\/replication\/rules\/(\d+)(?:\/|$)/` reads it, without a match array for every failure
 * (that regular expression's exec was a twentieth of evaluation).
 */
export function ruleIndexOf(pointer: string): number | null {
  if (!pointer.startsWith(RULES)) return null;
  const start = RULES.length;
  let end = start;
  // The digits' value as they are read, instead of a slice and Number() (a substring and a
  // conversion per failure); exact while below 2^53, so up to 15 digits (more: Number's rounding).
  let index = 0;
  for (; end < pointer.length; end++) {
    const c = pointer.charCodeAt(end);
    if (c < 48 || c > 57) break;
    index = index * 10 + (c - 48);
  }
  if (end === start || (end < pointer.length && pointer.charCodeAt(end) !== 47)) return null;
  return end - start <= 15 ? index : Number(pointer.slice(start, end));
}

export function groupEvidence(doc: unknown, errors: ErrorObject[]): EvidenceGroup[] {
  // Most failures are one error at one spot (often beside its wrapper): its group directly, without
  // the filtered copy, the maps and the sort.
  const only = onlyLeaf(errors);
  if (only !== undefined) return [oneGroup(doc, only)];
  let used = errors.filter((e) => !isWrapper(e.keyword));
  if (used.length === 0) used = errors;
  if (used.length === 1) return [oneGroup(doc, used[0] as ErrorObject)];
  return manyGroups(doc, used);
}

/**
 * Several failing errors: one piece of evidence per distinct pointer (in the order first seen,
 * its distinct expectations joined by "or"), grouped by the rule it is inside, bucket-level first,
 * then rules in document order. Parallel arrays searched in a line instead of two maps and a sort
 * (a failure has a handful of pointers and fewer groups): the maps were a tenth of evaluation.
 */
function manyGroups(doc: unknown, used: ErrorObject[]): EvidenceGroup[] {
  const pointers: string[] = [];
  // The first error at each pointer: its value is the evidence's (actualAt, as for a single error).
  const firsts: ErrorObject[] = [];
  const expected: string[][] = [];
  for (const error of used) {
    const pointer = ajvErrorPointer(error);
    const at = pointers.indexOf(pointer);
    const words = expectedWords(error);
    if (at < 0) {
      pointers.push(pointer);
      firsts.push(error);
      expected.push([words]);
    } else if (!(expected[at] as string[]).includes(words)) (expected[at] as string[]).push(words);
  }
  const groups: EvidenceGroup[] = [];
  for (let i = 0; i < pointers.length; i++) {
    const pointer = pointers[i] as string;
    const ruleIndex = ruleIndexOf(pointer);
    const words = expected[i] as string[];
    const evidence: Evidence = { pointer, actual: actualAt(doc, pointer, firsts[i] as ErrorObject), expected: words.length === 1 ? (words[0] as string) : words.join(" or ") };
    const group = groups.find((g) => g.ruleIndex === ruleIndex);
    if (group === undefined) groups.push({ ruleIndex, evidence: [evidence] });
    else group.evidence.push(evidence);
  }
  // Bucket-level findings (ruleIndex null) first, then rules in document order: groups are few,
  // each ruleIndex once, so an insertion sort gives what the stable sort gave.
  for (let i = 1; i < groups.length; i++) {
    const group = groups[i] as EvidenceGroup;
    const rank = group.ruleIndex ?? -1;
    let j = i - 1;
    for (; j >= 0 && ((groups[j] as EvidenceGroup).ruleIndex ?? -1) > rank; j--) groups[j + 1] = groups[j] as EvidenceGroup;
    groups[j + 1] = group;
  }
  return groups;
}

/** The one error that is not a wrapper, when there is exactly one; else undefined. */
function onlyLeaf(errors: ErrorObject[]): ErrorObject | undefined {
  let found: ErrorObject | undefined;
  for (const error of errors) {
    if (isWrapper(error.keyword)) continue;
    if (found !== undefined) return undefined;
    found = error;
  }
  return found;
}

/** What groupEvidence makes of a single error: one group, one piece of evidence. */
function oneGroup(doc: unknown, error: ErrorObject): EvidenceGroup {
  const pointer = ajvErrorPointer(error);
  return { ruleIndex: ruleIndexOf(pointer), evidence: [{ pointer, actual: actualAt(doc, pointer, error), expected: expectedWords(error) }] };
}

/**
 * The value at the error's pointer (null when there is none). With `verbose`, ajv hands over the
 * value it judged (`data`): when that is a primitive, the pointer is its instancePath (not
 * `required` or `additionalProperties`, whose pointer names a property below, nor an error of
 * `propertyNames`, whose data is a key) and it is what valueAt would find there, without
 * looking the pointer up again (half a microsecond a failure). Objects and arrays, where an
 * inherited property could differ from an own one, are looked up as before.
 */
function actualAt(doc: unknown, pointer: string, error: ErrorObject): unknown {
  const data: unknown = error.data;
  const primitive = data === null || typeof data === "string" || typeof data === "number" || typeof data === "boolean";
  if (primitive && error.keyword !== "required" && error.keyword !== "additionalProperties" && error.propertyName === undefined) return data;
  return valueAt(doc, pointer) ?? null;
}

const show = (value: unknown): string => JSON.stringify(value ?? null);

/**
 * The words of `const` and `enum`, by the allowed value (the schema's own array for `enum`): every
 * failing bucket of a policy spells the same few, and the JSON and the joins were a few percent of
 * evaluation. Primitives by value, bounded like json-pointer.ts's segments; arrays and objects by
 * identity (ajv hands over the schema's own), so a schema edited in place is never read stale.
 */
interface WordCache {
  primitives: Map<unknown, string>;
  objects: WeakMap<object, string>;
}
/** One cache per keyword: the same array may be one schema's `const` and another's `enum`. */
const wordCache = (): WordCache => ({ primitives: new Map(), objects: new WeakMap() });
const CONST_WORDS = wordCache();
const ENUM_WORDS = wordCache();
// The same for the other words that are made of one schema value each (a type list, a limit, the
// schema under `not`, which describeNot writes as JSON): built once, not once a failure.
const TYPE_WORDS = wordCache();
const MIN_ITEMS_WORDS = wordCache();
const MAX_ITEMS_WORDS = wordCache();
const NOT_WORDS = wordCache();
const PRIMITIVE_WORDS_MAX = 10_000;

function cachedWords(cache: WordCache, value: unknown, words: (value: unknown) => string): string {
  if (value !== null && typeof value === "object") {
    let known = cache.objects.get(value);
    if (known === undefined) cache.objects.set(value, (known = words(value)));
    return known;
  }
  let known = cache.primitives.get(value);
  if (known === undefined) {
    known = words(value);
    if (cache.primitives.size >= PRIMITIVE_WORDS_MAX) cache.primitives.clear();
    cache.primitives.set(value, known);
  }
  return known;
}

const constWords = (value: unknown): string => `must be ${show(value)}`;
const enumWords = (list: unknown): string => {
  const values = (list as unknown[] | undefined) ?? [];
  return values.length === 1 ? `must be ${show(values[0])}` : `must be one of ${values.map(show).join(", ")}`;
};
const typeWords = (type: unknown): string => `must be ${String(type).split(",").join(" or ")}`;
const minItemsWords = (limit: unknown): string => `must have at least ${String(limit)} item${limit === 1 ? "" : "s"}`;
const maxItemsWords = (limit: unknown): string => `must have at most ${String(limit)} item${limit === 1 ? "" : "s"}`;
const notWords = (schema: unknown): string => `must not be ${describeNot(schema)}`;

export function expectedWords(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "const":
      return cachedWords(CONST_WORDS, p["allowedValue"], constWords);
    case "enum": {
      const values = p["allowedValues"];
      // Only an array is the schema's own (keyed by identity); anything else is spelt afresh.
      return Array.isArray(values) ? cachedWords(ENUM_WORDS, values, enumWords) : enumWords(values);
    }
    case "type":
      // ajv's type parameter is a string ("string" or "string,null"); anything else is spelt afresh.
      return typeof p["type"] === "string" ? cachedWords(TYPE_WORDS, p["type"], typeWords) : typeWords(p["type"]);
    case "required":
      return "must be present";
    case "additionalProperties":
      return "must not be present";
    case "minItems":
      return cachedWords(MIN_ITEMS_WORDS, p["limit"], minItemsWords);
    case "maxItems":
      return cachedWords(MAX_ITEMS_WORDS, p["limit"], maxItemsWords);
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return `must be ${String(p["comparison"])} ${String(p["limit"])}`;
    case "pattern":
      return `must match /${String(p["pattern"])}/`;
    case "not":
      // The schema under `not`, as ajv hands it over (`verbose`): an object by identity, as enum's arrays.
      return cachedWords(NOT_WORDS, error.schema, notWords);
    case "contains":
      return "must contain a matching item";
    case "false schema":
      return "must not be present";
    default:
      return error.message ?? `must satisfy ${error.keyword}`;
  }
}

function describeNot(schema: unknown): string {
  if (schema && typeof schema === "object") {
    const s = schema as Record<string, unknown>;
    if ("const" in s) return show(s["const"]);
    if (Array.isArray(s["enum"])) return `one of ${s["enum"].map(show).join(", ")}`;
  }
  return `matching ${JSON.stringify(schema)}`;
}
