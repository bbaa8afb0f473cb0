// `npm run check`'s type-check and lint in one process over one TypeScript program: what
// `tsc -p tsconfig.json --noEmit` and `eslint .` report, run separately, but the program is parsed,
// bound and checked once instead of twice (the type-aware lint rules otherwise build their own:
// ~37 → ~27 CPU-seconds here). It also reports the declaration-emit errors of src/ that
// `tsc -p tsconfig.build.json` would, since `check` builds with --noCheck (emit only).
// `npm run typecheck` and `npm run lint` stay the separate commands for everyday use.
import { relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ESLint } from "eslint";
import ts from "typescript";

/** The program tsc builds for `-p <tsconfig> --noEmit`, and the diagnostics it would print. */
function typecheck(root, tsconfig, emitted) {
  const unrecoverable = [];
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => unrecoverable.push(d) };
  const parsed = ts.getParsedCommandLineOfConfigFile(resolve(root, tsconfig), { noEmit: true }, host);
  if (parsed === undefined) return { program: undefined, diagnostics: unrecoverable };
  const program = ts.createProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    projectReferences: parsed.projectReferences,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
  });
  // tsc's order: config and options, then syntax, then global and semantic errors, each stage only
  // if the one before found none (executeCommandLine's emitFilesAndReportErrors).
  let diagnostics = [...program.getConfigFileParsingDiagnostics(), ...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics()];
  if (diagnostics.length > 0) return { program, diagnostics };
  diagnostics = [...program.getGlobalDiagnostics(), ...program.getSemanticDiagnostics()];
  if (emitted !== undefined) {
    // What only the build's declaration emit reports (a type it cannot name), for the files it
    // emits; the build reports them beside the semantic errors, as here.
    const folder = resolve(root, emitted);
    for (const sourceFile of program.getSourceFiles()) {
      if (!sourceFile.isDeclarationFile && !relative(folder, sourceFile.fileName).startsWith("..")) diagnostics.push(...program.getDeclarationDiagnostics(sourceFile));
    }
  }
  return { program, diagnostics };
}

/**
 * Type-checks the project of `tsconfig` and lints `patterns` with ESLint, its type-aware rules
 * reading that same program (typescript-eslint's `programs` replaces the one
 * `parserOptions.project` would build). `eslintOptions` are passed to ESLint (tests pass a config); no patterns, no lint.
 */
export async function typecheckAndLint({ root, tsconfig = "tsconfig.json", emitted, patterns = ["."], eslintOptions = {} }) {
  const { program, diagnostics } = typecheck(root, tsconfig, emitted);
  if (program === undefined) return { diagnostics, results: [] };
  const eslint = new ESLint({
    cwd: root,
    ...eslintOptions,
    overrideConfig: [...[eslintOptions.overrideConfig ?? []].flat(), { files: ["**/*.ts"], languageOptions: { parserOptions: { programs: [program] } } }],
  });
  return { diagnostics, results: patterns.length === 0 ? [] : await eslint.lintFiles(patterns), eslint };
}

async function main() {
  const root = resolve(import.meta.dirname, "..");
  const { diagnostics, results, eslint } = await typecheckAndLint({ root, emitted: "src" });
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" };
  if (diagnostics.length > 0) {
    const format = process.stdout.isTTY === true ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics;
    process.stdout.write(format(diagnostics, host));
    console.log(`typecheck: ${diagnostics.length} error(s)`);
  }
  const report = eslint === undefined ? "" : await (await eslint.loadFormatter("stylish")).format(results);
  if (report !== "") process.stdout.write(report);
  const lintErrors = results.reduce((sum, r) => sum + r.errorCount + r.fatalErrorCount, 0);
  process.exitCode = diagnostics.length > 0 || lintErrors > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
