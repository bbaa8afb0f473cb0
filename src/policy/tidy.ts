/**
 * Sentence tidying: templates with {{#if}} blocks leave double spaces and line breaks; a sentence
 * has neither. Every result's sentence goes through `tidy`, and most need nothing, so the test for
 * "needs tidying" is a loop over char codes (one comparison for most characters) rather than a
 * regular expression tried at every position: the regex was ~10% of evaluation time.
 */

/**
 * What the old test `/^\s|\s$|\s[\s,.;:]|[^\S ]/` found, exactly: whitespace at either end, a
 * whitespace followed by whitespace or `,.;:`, or any whitespace but a plain space. `\s` is
 * ECMAScript's WhiteSpace and LineTerminator set, one UTF-16 code unit at a time (no `u` flag).
 */
export function untidy(text: string): boolean {
  const n = text.length;
  if (n === 0) return false;
  if (isSpace(text.charCodeAt(0)) || isSpace(text.charCodeAt(n - 1))) return true;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 32 && c < 0xa0) continue; // printable ASCII and C1 controls: never \s
    if (c === 32) {
      const next = text.charCodeAt(i + 1); // NaN past the end: not a match (the end was checked above)
      if (next === 32 || next === 44 || next === 46 || next === 59 || next === 58 || isSpace(next)) return true;
      continue;
    }
    if (isSpace(c)) return true; // whitespace other than a plain space
  }
  return false;
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
