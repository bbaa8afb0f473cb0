/**
 * JSON pointers (RFC 6901), written once: the config loader, the policy meta-schema check and the
 * policy evidence all name places with them, and a pointer that forgets to escape `~` or `/` names
 * the wrong place (a property `a/b` would read as two levels).
 */
import type { ErrorObject } from "ajv/dist/2020.js";

/** One reference token: `~` → `~0`, then `/` → `~1` (in that order, RFC 6901 §3). */
export const escapePointer = (segment: string): string => segment.replaceAll("~", "~0").replaceAll("/", "~1");

/** The inverse of escapePointer: `~1` → `/`, then `~0` → `~` (RFC 6901 §4: this order, so `~01` is `~1`). */
export const unescapePointer = (token: string): string => token.replaceAll("~1", "/").replaceAll("~0", "~");

/** `base` extended by one unescaped segment per argument. */
export const appendPointer = (base: string, ...segments: (string | number)[]): string =>
  segments.reduce<string>((pointer, segment) => `${pointer}/${escapePointer(String(segment))}`, base);

/** The unescaped segments of a pointer (`""` → `[]`). */
export const pointerSegments = (pointer: string): string[] => (pointer === "" ? [] : pointer.slice(1).split("/").map(unescapePointer));

/**
 * Segments by pointer, for valueAt: evidence reads the same few pointers (`/versioning/status`,
 * `/replication/rules/0/destination/versioning`…) on every failing bucket, and splitting and
 * unescaping each time was a tenth of policy evaluation. Bounded: cleared when full.
 */
const SEGMENTS = new Map<string, readonly string[]>();
const SEGMENTS_MAX = 10_000;

function segmentsOf(pointer: string): readonly string[] {
  let segments = SEGMENTS.get(pointer);
  if (segments === undefined) {
    segments = pointerSegments(pointer);
    if (SEGMENTS.size >= SEGMENTS_MAX) SEGMENTS.clear();
    SEGMENTS.set(pointer, segments);
  }
  return segments;
}

/** The value at a JSON pointer, or undefined when there is none. Own properties only. */
export function valueAt(doc: unknown, pointer: string): unknown {
  let node: unknown = doc;
  for (const segment of segmentsOf(pointer)) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/**
 * Where an ajv error is: its instancePath (already escaped by ajv), extended by the property it is
 * about for `required` (the missing one) and `additionalProperties` (the extra one), which ajv only
 * gives as a raw name in params.
 */
export function ajvErrorPointer(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "required") return appendPointer(error.instancePath, String(params["missingProperty"]));
  if (error.keyword === "additionalProperties") return appendPointer(error.instancePath, String(params["additionalProperty"]));
  return error.instancePath;
}

/**
 * The pointer of the first object or array nested deeper than `max` levels (the top-level value
 * is level 1), or undefined when there is none.
 */
export function pointerBeyondDepth(value: unknown, max: number): string | undefined {
  const stack: { node: unknown; depth: number; pointer: string }[] = [{ node: value, depth: 1, pointer: "" }];
  while (stack.length > 0) {
    const { node, depth, pointer } = stack.pop() as { node: unknown; depth: number; pointer: string };
    if (node === null || typeof node !== "object") continue;
    if (depth > max) return pointer;
    for (const [key, child] of Object.entries(node)) stack.push({ node: child, depth: depth + 1, pointer: appendPointer(pointer, key) });
  }
  return undefined;
}
