/**
 * The result memo's key for one (document, policy): the values at the paths the policy's spec
 * reads (memo-spec.ts), each as much as it is read (a type, a truthiness, a size or the whole
 * value), written so that two different readings never give the same text; and the holes, the
 * printed-only values, as "a clean string" (their text is put back into the sentence) or, when
 * they are anything else, whole. The bucket document is JSON data: a tree of plain objects,
 * arrays, strings, finite numbers, booleans and null.
 */
import { isSpace, untidy } from "./tidy.js";
import { SIZE, TRUTH, VALUE, type PolicySpec, type SpecNode } from "./memo-spec.js";

/** The text a hole is rendered as when the memo records a sentence: private-use characters no clean hole value may hold. */
export const MARK_OPEN = "\uE000";
export const MARK_CLOSE = "\uE001";

/** The whole value, every type and key order told apart (JSON's text would take NaN for null). */
export function canonical(value: unknown): string {
  if (value === null) return "z";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Object.is(value, -0) ? "n-0" : `n${value}`;
    case "boolean":
      return value ? "T" : "F";
    case "undefined":
      return "u";
    case "object": {
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) out += `${canonical(value[i])},`;
        return `${out}]`;
      }
      let out = "{";
      for (const key of Object.keys(value)) out += `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])},`;
      return `${out}}`;
    }
    default: {
      const text = String(value);
      return `?${typeof value}${text.length}:${text}`;
    }
  }
}

/**
 * A whole value as one token of a key: a string by its length and text (no escaping to do), an
 * array or object by its canonical text, which its brackets delimit.
 */
function whole(value: unknown): string {
  if (typeof value === "string") return stringToken(value);
  if (value === null) return "Wz|";
  if (typeof value === "object") return Array.isArray(value) && value.length === 0 ? "[]" : canonical(value);
  if (typeof value === "boolean") return value ? "WT|" : "WF|";
  return "W" + canonical(value) + "|";
}

/**
 * A string's token: `S<n>|` for the n-th string seen. The same few values (`Enabled`, `resolved`…)
 * recur in every document; a number is shorter to hash than the text. Numbers are never given
 * twice, so letting the table go when it is full only makes later keys differ from earlier ones
 * (a miss), never equal for different strings.
 */
const STRING_TOKENS = new Map<string, string>();
const STRING_TOKENS_MAX = 50_000;
let nextToken = 0;

function stringToken(value: string): string {
  let token = STRING_TOKENS.get(value);
  if (token === undefined) {
    if (STRING_TOKENS.size >= STRING_TOKENS_MAX) STRING_TOKENS.clear();
    token = "S" + nextToken++ + "|";
    STRING_TOKENS.set(value, token);
  }
  return token;
}

/** A primitive's token where its type (and, with TRUTH, its truthiness) is read. */
function primitive(value: unknown, truth: boolean): string {
  switch (typeof value) {
    case "string":
      return truth && value !== "" ? "s1|" : "s|";
    case "boolean":
      return truth && value ? "b1|" : "b|";
    case "number":
      return (Number.isInteger(value) ? "i" : Number.isFinite(value) ? "n" : "N") + (truth && value !== 0 && !Number.isNaN(value) ? "1|" : "|");
    case "undefined":
      return "u|";
    default:
      return value === null ? "z|" : "?" + whole(value);
  }
}

/** The key function of a spec: the values the spec reads, as one string. */
export type KeyFunction = (doc: unknown) => string;

/**
 * The spec written out as straight code (as template-codegen.ts does for templates): a walk through
 * a tree of nodes spent most of its time on the walk. Every token ends where it can be told to end
 * (a `|`, a length, a bracket), and each spec node gives exactly one token before its children, so
 * two different documents never give the same key. Names enter the code only as JSON string literals.
 */
export function keyFunction(spec: PolicySpec): KeyFunction {
  let n = 0;
  const node = (expr: string, spec: SpecNode): string => {
    if (spec.need & VALUE) return `k += WH(${expr});\n`;
    const v = `v${n++}`;
    const children = spec.names.map((name, i) => node(`${v}[${JSON.stringify(name)}]`, spec.children[i] as SpecNode)).join("");
    const i = `i${n++}`;
    const items = spec.items === undefined ? "" : `if (Array.isArray(${v})) for (let ${i} = 0; ${i} < ${v}.length; ${i}++) {\n${node(`${v}[${i}]`, spec.items)}}\n`;
    const hasChildren = children !== "" || items !== "";
    const object = spec.need & SIZE ? `"o" + Object.keys(${v}).length + "|"` : `"o|"`;
    // A primitive where the spec reads below it (a string's `length`): all of it.
    const other = hasChildren ? `${v} === null ? "z|" : ${v} === undefined ? "u|" : "?" + WH(${v})` : `PR(${v}, ${spec.need & TRUTH ? "true" : "false"})`;
    return (
      `const ${v} = ${expr};\n` +
      `if (${v} !== null && typeof ${v} === "object") {\n` +
      `k += Array.isArray(${v}) ? "a" + ${v}.length + "|" : ${object};\n${children}${items}` +
      `} else k += ${other};\n`
    );
  };
  const source = `"use strict";\nreturn function key(doc) {\nlet k = "";\n${node("doc", spec.root)}return k;\n};`;
  const make = new Function("WH", "PR", source) as (...runtime: unknown[]) => KeyFunction;
  return make(whole, primitive);
}

/** The last strings found clean: a document's name is asked by every policy in turn. */
const lastClean: (string | undefined)[] = [undefined, undefined, undefined, undefined];
let lastCleanAt = 0;

/** A value that may stand for a hole: printed as it is, tidy around any template text (template-tidy.ts), and holding no mark. */
export function clean(value: unknown): value is string {
  if (typeof value !== "string") return false;
  if (value === lastClean[0] || value === lastClean[1] || value === lastClean[2] || value === lastClean[3]) return true;
  if (!cleanText(value)) return false;
  lastClean[lastCleanAt] = value;
  lastCleanAt = (lastCleanAt + 1) & 3;
  return true;
}

function cleanText(value: string): boolean {
  if (value.length === 0) return false;
  const first = value.charCodeAt(0);
  if (first === 44 || first === 46 || first === 59 || first === 58 || isSpace(first)) return false;
  return !untidy(value) && value.indexOf(MARK_OPEN) < 0 && value.indexOf(MARK_CLOSE) < 0;
}

/** Every place a hole's path names in `doc` (own properties, each rule for `*`), in the spec's order. */
export function holePlaces(doc: unknown, holes: string[][]): (string | number)[][] {
  const places: (string | number)[][] = [];
  const visit = (value: unknown, hole: string[], at: number, path: (string | number)[]): void => {
    if (at === hole.length) {
      places.push(path);
      return;
    }
    if (value === null || typeof value !== "object") return;
    const segment = hole[at] as string;
    if (segment === "*") {
      if (Array.isArray(value)) value.forEach((item, i) => visit(item, hole, at + 1, [...path, i]));
    } else if (Object.hasOwn(value, segment)) visit((value as Record<string, unknown>)[segment], hole, at + 1, [...path, segment]);
  };
  for (const hole of holes) visit(doc, hole, 0, []);
  return places;
}

/** The value at a place (own properties only, as the templates read them); undefined when there is none. */
export function valueAtPlace(doc: unknown, place: readonly (string | number)[]): unknown {
  let value = doc;
  for (let i = 0; i < place.length; i++) {
    const segment = place[i] as string | number;
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** A copy of `doc` with each hole's value replaced by its mark (`\uE000<index>\uE001`), copying only the objects on the way. */
export function markedDocument<T>(doc: T, paths: (string | number)[][]): T {
  const copies = new Map<object, object>();
  const copyOf = (value: object): object => {
    let copy = copies.get(value);
    if (copy === undefined) {
      copy = Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) };
      copies.set(value, copy);
      copies.set(copy, copy);
    }
    return copy;
  };
  const root = copyOf(doc as object);
  paths.forEach((path, index) => {
    let at = root as Record<string | number, unknown>;
    for (let i = 0; i < path.length - 1; i++) {
      const segment = path[i] as string | number;
      const next = copyOf(at[segment] as object);
      at[segment] = next;
      at = next as Record<string | number, unknown>;
    }
    at[path[path.length - 1] as string | number] = `${MARK_OPEN}${index}${MARK_CLOSE}`;
  });
  return root as T;
}

/** A sentence rendered with marks, as its texts and the indexes of the holes between them; null when a mark is malformed. */
export function sentencePieces(sentence: string, holes: number): (string | number)[] | null {
  const pieces: (string | number)[] = [];
  let from = 0;
  for (;;) {
    const open = sentence.indexOf(MARK_OPEN, from);
    if (open < 0) break;
    const close = sentence.indexOf(MARK_CLOSE, open);
    const index = Number(sentence.slice(open + 1, close));
    if (close < 0 || !/^\d+$/.test(sentence.slice(open + 1, close)) || index >= holes) return null;
    const text = sentence.slice(from, open);
    if (text.includes(MARK_CLOSE)) return null;
    pieces.push(text, index);
    from = close + 1;
  }
  if (sentence.indexOf(MARK_CLOSE, from) >= 0) return null;
  pieces.push(sentence.slice(from));
  return pieces;
}

/** The sentence for a document: the pieces with its holes' values. */
export function assemble(pieces: (string | number)[], values: string[]): string {
  if (pieces.length === 1) return pieces[0] as string;
  let out = "";
  for (const piece of pieces) out += typeof piece === "number" ? (values[piece] as string) : piece;
  return out;
}
