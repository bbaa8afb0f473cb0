/**
 * Turns ajv's errors into evidence: the failing JSON pointers, the value found there, and what was
 * expected in words; grouped by the replication rule they are inside, so a message can name it.
 */
import type { ErrorObject } from "ajv/dist/2020.js";
import type { Evidence } from "../model/index.js";
import { ajvErrorPointer, valueAt } from "../json-pointer.js";

/** Errors that only say "a sub-schema failed"; their sub-schemas' errors carry the detail. */
const WRAPPERS = new Set(["anyOf", "oneOf", "allOf", "if", "contains", "false schema", "unevaluatedItems"]);

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
  for (; end < pointer.length; end++) {
    const c = pointer.charCodeAt(end);
    if (c < 48 || c > 57) break;
  }
  if (end === start || (end < pointer.length && pointer.charCodeAt(end) !== 47)) return null;
  return Number(pointer.slice(start, end));
}

export function groupEvidence(doc: unknown, errors: ErrorObject[]): EvidenceGroup[] {
  // Most failures are one error at one spot (often beside its wrapper): its group directly, without
  // the filtered copy, the maps and the sort.
  const only = onlyLeaf(errors);
  if (only !== undefined) return [oneGroup(doc, only)];
  const leaves = errors.filter((e) => !WRAPPERS.has(e.keyword));
  const used = leaves.length > 0 ? leaves : errors;
  if (used.length === 1) return [oneGroup(doc, used[0] as ErrorObject)];
  const byPointer = new Map<string, { expected: string[] }>();
  for (const error of used) {
    const pointer = ajvErrorPointer(error);
    const entry = byPointer.get(pointer) ?? { expected: [] };
    const words = expectedWords(error);
    if (!entry.expected.includes(words)) entry.expected.push(words);
    byPointer.set(pointer, entry);
  }
  const groups = new Map<string, EvidenceGroup>();
  for (const [pointer, { expected }] of byPointer) {
    const ruleIndex = ruleIndexOf(pointer);
    const key = ruleIndex === null ? "bucket" : String(ruleIndex);
    const group = groups.get(key) ?? { ruleIndex, evidence: [] };
    group.evidence.push({ pointer, actual: valueAt(doc, pointer) ?? null, expected: expected.join(" or ") });
    groups.set(key, group);
  }
  // Bucket-level findings first, then rules in document order.
  return [...groups.values()].sort((a, b) => (a.ruleIndex ?? -1) - (b.ruleIndex ?? -1));
}

/** The one error that is not a wrapper, when there is exactly one; else undefined. */
function onlyLeaf(errors: ErrorObject[]): ErrorObject | undefined {
  let found: ErrorObject | undefined;
  for (const error of errors) {
    if (WRAPPERS.has(error.keyword)) continue;
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

export function expectedWords(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "const":
      return `must be ${show(p["allowedValue"])}`;
    case "enum": {
      const values = (p["allowedValues"] as unknown[]) ?? [];
      return values.length === 1 ? `must be ${show(values[0])}` : `must be one of ${values.map(show).join(", ")}`;
    }
    case "type":
      return `must be ${String(p["type"]).split(",").join(" or ")}`;
    case "required":
      return "must be present";
    case "additionalProperties":
      return "must not be present";
    case "minItems":
      return `must have at least ${String(p["limit"])} item${p["limit"] === 1 ? "" : "s"}`;
    case "maxItems":
      return `must have at most ${String(p["limit"])} item${p["limit"] === 1 ? "" : "s"}`;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return `must be ${String(p["comparison"])} ${String(p["limit"])}`;
    case "pattern":
      return `must match /${String(p["pattern"])}/`;
    case "not":
      return `must not be ${describeNot(error.schema)}`;
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
