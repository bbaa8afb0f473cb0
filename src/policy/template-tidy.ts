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
import { untidy } from "./tidy.js";

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

/**
 * Strings cleanValue found clean lately, in 256 slots chosen by a string's length and its first and
 * last characters: one comparison finds a string printed again, by another policy of the document or
 * by another document (a rule id, a region, an account id, `1 replication rule`, the actions list of
 * a role shared by many buckets). Over the 100 × 100 snapshot's 245,667 printed strings a round, the
 * expression below then runs 17,000 times where the last four strings by reference left 114,000 (and
 * each run of it, a call into the regular expression engine, costs about ten comparisons).
 */
const SLOTS = 256;
const recent: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
const slotOf = (value: string, n: number): number => (n * 31 + value.charCodeAt(0) * 7 + value.charCodeAt(n - 1) * 131) & (SLOTS - 1);

/**
 * What a slot keeps: the string itself when short, else a copy made of a fresh string (V8 makes a
 * string of 13 or more characters cut from a larger one a view that keeps the larger one alive, an
 * XML response's body, say; a view of the copy keeps only the copy, one character longer).
 */
const kept = (value: string, n: number): string => (n < 13 ? value : (value + " ").slice(0, n));

/**
 * A clean value as one anchored expression: a first character that is neither whitespace nor
 * `,.;:`, then words of non-whitespace, each after a single plain space and starting with neither.
 * That is exactly "non-empty, not starting with `,.;:`, and not `untidy`" (`\s` is untidy's set, one
 * UTF-16 code unit at a time: no `u` flag), and irregexp runs it as native code in one pass (`\S`
 * never matches the space that ends a word: nothing to backtrack). It replaced a charCodeAt loop
 * (~35 instructions a character) behind a set of the strings found clean, kept across documents:
 * bounded at 10,000 strings, the set overflowed with the names every bucket prints, and spent its
 * time copying strings into itself (sliced strings would have kept their parents alive). In a
 * profile of evaluation's warm rounds (100 × 100 snapshot) the loop, the set and the copies were
 * 18% of the time, this expression behind the four last strings 12%, behind the slots above 7%
 * (docs/scale.md, "Clean values by one expression").
 */
const CLEAN = /^[^\s,.;:]\S*(?: [^\s,.;:]\S*)*$/;

/** A printed value (a mustache's output) that keeps a sentence tidy around it (see above). */
export function cleanValue(value: unknown): boolean {
  if (typeof value === "string") {
    const n = value.length;
    if (n === 0) return false;
    const slot = slotOf(value, n);
    // `===` compares strings by content.
    if (recent[slot] === value) return true;
    if (!CLEAN.test(value)) return false;
    recent[slot] = kept(value, n);
    return true;
  }
  // A number or boolean prints as digits, signs, letters and a point, never first.
  return typeof value === "number" || typeof value === "boolean";
}
