import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tidy, untidy } from "../../src/policy/tidy.js";

/** The test tidy used before: the loop must find exactly what it found. */
const UNTIDY = /^\s|\s$|\s[\s,.;:]|[^\S ]/;
const WHITESPACE = ["\t", "\n", "\v", "\f", "\r", " ", "\u00a0", "\u1680", "\u2000", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff"];
const NEAR = ["\u0085", "\u180e", "\u200b", "\u1fff", "\u200b", "\x1f", "\x7f", "\x9f", "a", ",", ".", ";", ":", "`", "é"];

describe("policy/tidy", () => {
  it("finds an untidy sentence exactly where the regular expression did", () => {
    const char = fc.constantFrom(...WHITESPACE, ...NEAR);
    fc.assert(
      fc.property(fc.array(char, { maxLength: 8 }).map((chars) => chars.join("")), (text) => {
        expect(untidy(text)).toBe(UNTIDY.test(text));
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 12 }), (text) => {
        expect(untidy(text)).toBe(UNTIDY.test(text));
      }),
      { numRuns: 500 },
    );
  });

  it("classifies every UTF-16 code unit as \\s does", () => {
    const differ: string[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const text = `a${String.fromCharCode(c)}b`;
      if (untidy(text) !== UNTIDY.test(text)) differ.push(`U+${c.toString(16)}`);
    }
    expect(differ).toEqual([]);
  });

  it("collapses whitespace, drops it before punctuation and at the ends", () => {
    expect(tidy("rule `a`  is\ndisabled , here ")).toBe("rule `a` is disabled, here");
    expect(tidy("already tidy.")).toBe("already tidy.");
  });
});
