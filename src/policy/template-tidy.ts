/**
 * When a rendered sentence needs no tidying, known without scanning it. `tidy` (tidy.ts) scans
 * every sentence of every result for whitespace to collapse: a fifth of evaluation, most of it
 * spent on the template's own text, which is the same every time. A template whose text is tidy
 * around any printed value (every way its blocks can choose, each value standing as "x") gives a
 * tidy sentence whenever each value it prints is "clean": non-empty, tidy itself, and not
 * starting with `,.;:`. Then only the values are scanned (template-codegen.ts), and a sentence
 * with any other value is tidied as before. Why that is exact: a sentence is untidy when it starts
 * or ends with whitespace, holds whitespace other than a space, or a space followed by whitespace
 * or `,.;:`; a clean value neither holds such a spot, nor starts with a character that completes
 * one after a space of the text, nor ends with whitespace that could start one; every other spot
 * is in the text, where the "x" skeleton already showed it tidy.
 */
import { isSpace, untidy } from "./tidy.js";

interface Node {
  type: string;
  [key: string]: unknown;
}

/** More ways through a template's blocks than this: not analysed (the sentence is tidied as before). */
const MAX_SKELETONS = 256;

/** Whether every sentence of the template is tidy when every value it prints is clean (see above). */
export function tidyAroundValues(program: Node): boolean {
  const all = skeletons(program);
  return all !== null && all.every((skeleton) => !untidy(skeleton));
}

/** Every text the program can give with each printed value as "x", or null when unknown. */
function skeletons(program: Node | undefined): string[] | null {
  let out = [""];
  if (program === undefined || program === null) return out;
  for (const node of program["body"] as Node[]) {
    const options = statementSkeletons(node);
    if (options === null) return null;
    const next = new Set<string>();
    for (const before of out) for (const option of options) next.add(before + option);
    if (next.size > MAX_SKELETONS) return null;
    out = [...next];
  }
  return out;
}

function statementSkeletons(node: Node): string[] | null {
  switch (node.type) {
    case "ContentStatement":
      return [node["value"] as string];
    case "CommentStatement":
      return [""];
    case "MustacheStatement":
      return ["x"];
    case "BlockStatement": {
      const name = (node["path"] as Node)["original"];
      // `#each` repeats its program: not a finite set of texts worth listing.
      if (name !== "if" && name !== "unless" && name !== "with") return null;
      const fn = skeletons(node["program"] as Node | undefined);
      const inverse = skeletons(node["inverse"] as Node | undefined);
      return fn === null || inverse === null ? null : [...new Set([...fn, ...inverse])];
    }
    default:
      return null;
  }
}

/** `,.;:`: what after a space of the text would make the sentence untidy. */
const isPunctuation = (c: number): boolean => c === 44 || c === 46 || c === 59 || c === 58;

/**
 * The last four strings cleanValue found clean, most recent first; undefined, which no string
 * equals, until found. A document's sentences print a handful of its strings policy after policy
 * (its name, its replication role's ARN, a rule id, a region), interleaved: the very same strings,
 * found here by reference before any lookup.
 */
let clean0: string | undefined;
let clean1: string | undefined;
let clean2: string | undefined;
let clean3: string | undefined;

/**
 * Strings cleanValue found clean, by content, across documents. A round of the 100 × 100 snapshot
 * (9,500 documents) prints 245,000 values of only 11,600 distinct texts (role ARNs, the grants and
 * actions lists of roles shared by many buckets, regions, rule ids, "1 replication rule"), and the
 * scan, a charCodeAt loop at ~35 instructions a character (V8 dispatches on the string's
 * representation at each one), read 4.0 million characters a round where a lookup hashes the string
 * once (in C++, a few instructions a character; JSON's short strings come hashed) and compares it
 * with one entry. Bounded, as json-pointer.ts's segments are: cleared when it holds 10,000 strings
 * or a million characters (a few MB at worst, a few hundred kB here). It keeps copies (`copied`): a
 * string sliced from a larger one (an XML response's text, say) keeps that whole string alive in V8.
 */
const CLEAN = new Set<string>();
const CLEAN_MAX = 10_000;
const CLEAN_CHARACTERS_MAX = 1_000_000;
let cleanCharacters = 0;

/**
 * A string of the same text that holds no other string alive, as a plain sequence of characters:
 * JSON's round trip. A slice (`(" " + s).slice(1)`) would be a view into a new string, which each
 * lookup then compares character by character through V8's slow path (about 3% of evaluation).
 */
const copied = (value: string): string => JSON.parse(JSON.stringify(value)) as string;

/**
 * A printed value (a mustache's output) that keeps a sentence tidy around it (see above): non-empty,
 * not starting with `,.;:`, and not `untidy` (no whitespace at either end, none but plain spaces,
 * no space before whitespace or `,.;:`). One pass over its characters rather than `untidy`'s
 * regular expression: a value is short, and calling the expression on each (about nine a document
 * were new, a document's sentences printing rule ids, regions, account ids and plurals policy after
 * policy) cost more than the scan (a tenth of evaluation with the expression).
 */
export function cleanValue(value: unknown): boolean {
  if (typeof value === "string") {
    // `===` and the set compare strings by content.
    if (value === clean0 || value === clean1 || value === clean2 || value === clean3 || CLEAN.has(value)) return true;
    const n = value.length;
    if (n === 0 || isPunctuation(value.charCodeAt(0))) return false;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      // Most characters: printable ASCII or Latin-1 letters, never whitespace.
      if ((c > 32 && c < 0xa0) || !isSpace(c)) continue;
      if (c !== 32 || i === 0 || i === n - 1) return false;
      const next = value.charCodeAt(i + 1);
      if (isSpace(next) || isPunctuation(next)) return false;
    }
    if (CLEAN.size >= CLEAN_MAX || cleanCharacters + n > CLEAN_CHARACTERS_MAX) {
      CLEAN.clear();
      cleanCharacters = 0;
    }
    CLEAN.add(copied(value));
    cleanCharacters += n;
    clean3 = clean2;
    clean2 = clean1;
    clean1 = clean0;
    clean0 = value;
    return true;
  }
  // A number or boolean prints as digits, signs, letters and a point, never first.
  return typeof value === "number" || typeof value === "boolean";
}
