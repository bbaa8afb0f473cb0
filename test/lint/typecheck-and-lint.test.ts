/**
 * `npm run check` type-checks and lints through scripts/typecheck-and-lint.js, one TypeScript
 * program for both: on a small fixture project it must report what `tsc --noEmit` reports, what a
 * type-aware lint rule reports (so the rule really reads the shared program), and the declaration
 * errors that only the build's emit would otherwise reveal (check builds with --noCheck).
 */
import { fileURLToPath } from "node:url";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import { typecheckAndLint } from "../../scripts/typecheck-and-lint.js";

const project = fileURLToPath(new URL("./fixtures/typed-project", import.meta.url));

describe("scripts/typecheck-and-lint", () => {
  it("reports the type errors, the type-aware lint errors, and the emitted folder's declaration errors", async () => {
    const { diagnostics, results } = await typecheckAndLint({
      root: project,
      emitted: "src",
      // The fixture is linted with only the type-aware rule, not the project's own config.
      eslintOptions: {
        overrideConfigFile: true,
        overrideConfig: [{ files: ["**/*.ts"], languageOptions: { parser: tseslint.parser }, plugins: { "@typescript-eslint": tseslint.plugin }, rules: { "@typescript-eslint/no-floating-promises": "error" } }],
      },
    });
    const where = (file: string | undefined): string => (file === undefined ? "" : file.slice(project.length + 1));
    // TS4094 is a declaration-emit error: `tsc --noEmit` does not report it, the build does.
    expect(diagnostics.map((d) => [where(d.file?.fileName), d.code])).toEqual([
      ["broken.ts", 2322],
      ["src/anonymous-class.ts", 4094],
    ]);
    const lint = results.flatMap((r) => r.messages.map((m) => [where(r.filePath), m.line, m.ruleId]));
    expect(lint).toEqual([["broken.ts", 7, "@typescript-eslint/no-floating-promises"]]);
  });
});
