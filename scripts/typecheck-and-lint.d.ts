export interface TypecheckAndLintOptions {
  /** The project folder: tsconfig, the oxlint config and the patterns are relative to it. */
  root: string;
  /** Default tsconfig.json. */
  tsconfig?: string;
  /** Default oxlint.config.js. */
  config?: string;
  /** What oxlint lints; default none given, i.e. the whole of `root`. */
  patterns?: string[];
  /** oxlint's JSON report instead of the human one. */
  json?: boolean;
  /** tsc's coloured output with context. */
  pretty?: boolean;
}

export interface ProcessResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface TscDiagnostic {
  file: string;
  line: number;
  column: number;
  code: number;
  message: string;
}

export interface OxlintDiagnostic {
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: string;
  message: string;
  /** A restricting rule's configured message. */
  help: string;
}

export function parseTsc(output: string): TscDiagnostic[];
export function parseOxlint(output: string): OxlintDiagnostic[];
export function typecheckAndLint(options: TypecheckAndLintOptions): Promise<{ typecheck: ProcessResult; lint: ProcessResult; ok: boolean }>;
