/**
 * Sentence tidying: templates with {{#if}} blocks leave double spaces and line breaks; a sentence
 * has neither. Every result's sentence goes through `tidy`, and most need nothing, so the test for
 * "needs tidying" must be cheap. The ends are two char codes; the inside is one regular expression
 * without anchors or alternatives that start elsewhere, which irregexp scans natively: about half
 * the cost of a char-code loop in JavaScript over a freshly concatenated sentence (and the old
 * single expression, whose `^\s|\s$` alternatives were tried at every position, cost more still).
 */

/** Inside the sentence: a whitespace followed by whitespace or `,.;:`, or any whitespace but a plain space. */
const UNTIDY_INSIDE = /\s[\s,.;:]|[^\S ]/;

/**
 * What the old test `/^\s|\s$|\s[\s,.;:]|[^\S ]/` found, exactly: whitespace at either end, a
 * whitespace followed by whitespace or `,.;:`, or any whitespace but a plain space. `\s` is
 * ECMAScript's WhiteSpace and LineTerminator set, one UTF-16 code unit at a time (no `u` flag).
 */
export function untidy(text: string): boolean {
  const n = text.length;
  if (n === 0) return false;
  return isSpace(text.charCodeAt(0)) || isSpace(text.charCodeAt(n - 1)) || UNTIDY_INSIDE.test(text);
}

/** `\s` for one UTF-16 code unit. */
export function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** The sentence with whitespace runs collapsed, none before punctuation, none at either end. */
export const tidy = (text: string): string => (untidy(text) ? text.replace(/\s+/g, " ").replace(/\s+([,.;:])/g, "$1").trim() : text);
