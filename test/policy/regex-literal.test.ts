/**
 * A literal pattern (`^aws:kms`) is answered by a string test instead of RE2's matcher: the same
 * answer as RE2 for every such pattern and text (fast-check), and no answer for anything else.
 */
import fc from "fast-check";
import { RE2JS } from "re2js";
import { describe, expect, it } from "vitest";
import { literalTest } from "../../src/policy/regex.js";

const re2 = (pattern: string) => {
  const re = RE2JS.compile(RE2JS.translateRegExp(pattern));
  return (text: string) => re.test(text);
};

/** Pieces of literal patterns, escapes and anchors included, over a small alphabet so matches happen. */
const piece = fc.constantFrom("a", "b", "ab", ":", "-", " ", "kms", "\\.", "\\$", "\\^", "\\\\", "\\/", "\\(", "\\*");
const pattern = fc.tuple(fc.boolean(), fc.array(piece, { maxLength: 4 }), fc.boolean()).map(([start, body, end]) => `${start ? "^" : ""}${body.join("")}${end ? "$" : ""}`);
const text = fc.array(fc.constantFrom("a", "b", ":", "-", " ", "kms", ".", "$", "^", "\\", "/", "(", "*", "x"), { maxLength: 8 }).map((parts) => parts.join(""));

describe("policy/regex literalTest", () => {
  it("answers as RE2 does for every literal pattern", () => {
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        const fast = literalTest(p);
        expect(fast).not.toBeNull();
        expect(fast!(t)).toBe(re2(p)(t));
      }),
      { numRuns: 2000 },
    );
  });

  it("gives the default policies' prefix its answer", () => {
    const test = literalTest("^aws:kms")!;
    expect([test("aws:kms"), test("aws:kms:dsse"), test("AES256"), test("x-aws:kms")]).toEqual([true, true, false, false]);
  });

  it.each(["^a.b", "a+", "(ab)", "a|b", "[ab]", "\\d", "a{2}", "\\w", "a$b", "é", "\\u00e9", "\\"])("leaves %s to RE2", (p) => {
    expect(literalTest(p)).toBeNull();
  });
});
