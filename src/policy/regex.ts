/**
 * Policy patterns (`pattern`, `patternProperties`, and `pattern` under `propertyNames`) run on
 * RE2 (re2js), whose matching time is linear in the input: a backtracking pattern such as
 * `^(x+)+y$` would otherwise hang the audit at 100% CPU on one 40-character bucket name. RE2 has no
 * lookaround and no backreferences; such a pattern is refused when the policy is loaded, naming
 * the file and pointer, rather than evaluated by another engine.
 */
import type { RegExpEngine, RegExpLike } from "ajv/dist/types/index.js";
import { RE2JS } from "re2js";

/** Thrown by the engine while ajv compiles a schema; compileSchema turns it into a PolicyError. */
export class UnsupportedPatternError extends Error {
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`pattern ${JSON.stringify(pattern)} is not supported: ${reason}`);
    this.name = "UnsupportedPatternError";
  }
}

/** ECMAScript pattern syntax (`\u00e9`, `(?<name>…)`) translated to RE2's, then compiled. */
export function compileLinear(pattern: string): RegExpLike {
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(pattern));
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^error parsing regexp: /, "") : String(error);
    throw new UnsupportedPatternError(pattern, `${detail} (lookahead, lookbehind and backreferences cannot run in linear time)`);
  }
  // ajv shares compiled patterns by `toString()`: it must be unique per pattern.
  return { test: literalTest(pattern) ?? ((text: string) => re.test(text)), toString: () => `re2:${pattern}` } as RegExpLike;
}

/** ASCII that means itself in both syntaxes outside a class, and the metacharacters a backslash makes literal. */
const PLAIN = /[A-Za-z0-9 _:;,!@#%&='"<>~`-]/;
const ESCAPED = /[.^$*+?()[\]{}|\\/]/;

/**
 * The same answer without a regular-expression engine for a pattern that is only literal text,
 * optionally anchored (`^aws:kms`, `\.json$`): a prefix, suffix, equality or substring test. RE2's
 * matcher costs a microsecond or so a call, and such a pattern (the default kms-replica-encryption's
 * is one) runs on every document; what a pattern means is still decided by RE2, which compiled it.
 * Null for anything else.
 */
export function literalTest(pattern: string): ((text: string) => boolean) | null {
  const start = pattern.startsWith("^") ? 1 : 0;
  let end = pattern.length;
  let literal = "";
  let i = start;
  for (; i < end; i++) {
    const c = pattern[i] as string;
    if (c === "\\") {
      const next = pattern[i + 1];
      if (next === undefined || !ESCAPED.test(next)) return null;
      literal += next;
      i++;
    } else if (c === "$" && i === end - 1) {
      end = i;
    } else if (PLAIN.test(c)) {
      literal += c;
    } else {
      return null;
    }
  }
  const anchoredEnd = end < pattern.length;
  if (start === 1 && anchoredEnd) return (text) => text === literal;
  if (start === 1) return (text) => text.startsWith(literal);
  if (anchoredEnd) return (text) => text.endsWith(literal);
  return (text) => text.includes(literal);
}

/**
 * ajv's `code.regExp` option. `code` is the name the build's standalone validators call it by
 * (src/policy/precompiled.ts hands this engine to them under that name).
 */
export const linearRegExpEngine: RegExpEngine = Object.assign((pattern: string) => compileLinear(pattern), { code: "re2js" });
