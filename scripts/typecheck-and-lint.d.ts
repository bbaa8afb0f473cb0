import type { ESLint } from "eslint";
import type ts from "typescript";

export interface TypecheckAndLintOptions {
  /** The project folder: tsconfig, ESLint's cwd and the patterns are relative to it. */
  root: string;
  /** Default tsconfig.json. */
  tsconfig?: string;
  /** The folder the build emits (its declaration errors are reported too); none by default. */
  emitted?: string;
  /** Default ["."]. */
  patterns?: string[];
  eslintOptions?: ESLint.Options;
}

export function typecheckAndLint(options: TypecheckAndLintOptions): Promise<{ diagnostics: ts.Diagnostic[]; results: ESLint.LintResult[]; eslint?: ESLint }>;
