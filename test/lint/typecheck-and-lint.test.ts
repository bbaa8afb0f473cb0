/**
 * `npm run check` type-checks and lints through scripts/typecheck-and-lint.js (TypeScript 7's tsc
 * and oxlint beside it): on a small fixture project it must report what `tsc --noEmit` reports, what
 * a type-aware lint rule reports (so the rule really reads TypeScript's types), and the declaration
 * errors that only a declaration emit reveals (check builds with esbuild, emit only), and fail.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseOxlint, parseTsc, typecheckAndLint } from "../../scripts/typecheck-and-lint.js";

const project = fileURLToPath(new URL("./fixtures/typed-project", import.meta.url));

describe("scripts/typecheck-and-lint", () => {
  it("reports the type errors, the type-aware lint errors, and the declaration errors, and fails", async () => {
    // The fixture is linted with only the type-aware rule, not the project's own config.
    const { typecheck, lint, ok } = await typecheckAndLint({ root: project, config: "oxlint.json", json: true });
    // TS4094 is a declaration-emit error: TypeScript 5's `tsc --noEmit` did not report it, the build
    // did; TypeScript 7 reports it with --noEmit under `declaration: true`.
    expect(parseTsc(typecheck.stdout).map((d) => [d.file, d.code])).toEqual([
      ["broken.ts", 2322],
      ["src/anonymous-class.ts", 4094],
    ]);
    expect(typecheck.status).not.toBe(0);
    expect(parseOxlint(lint.stdout).map((d) => [d.file, d.line, d.rule])).toEqual([["broken.ts", 7, "typescript(no-floating-promises)"]]);
    expect(lint.status).not.toBe(0);
    expect(ok).toBe(false);
  });
});
