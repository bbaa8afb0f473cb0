// `npm run check`'s type-check and lint in one process over one TypeScript program: what
// `tsc -p tsconfig.json --noEmit` and `eslint .` report, run separately, but the program is parsed,
// bound and checked once instead of twice (the type-aware lint rules otherwise build their own:
// ~37 → ~24 CPU-seconds here). It also reports the declaration-emit errors of src/ that
// `tsc -p tsconfig.build.json` would, since `check` builds with --noCheck (emit only).
// `npm run typecheck` and `npm run lint` stay the separate commands for everyday use.
import { relative, resolve } from "node:path";
import { ESLint } from "eslint";
import ts from "typescript";

const root = resolve(import.meta.dirname, "..");
const color = process.stdout.isTTY === true;

/** The program tsc builds for `-p tsconfig.json --noEmit`, and the diagnostics it would print. */
function typecheck() {
  const file = resolve(root, "tsconfig.json");
  const parsed = ts.getParsedCommandLineOfConfigFile(file, { noEmit: true }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d]) });
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, projectReferences: parsed.projectReferences, configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed) });
  // tsc's order: config and options, then syntax, then global and semantic errors, each stage only
  // if the one before found none (executeCommandLine's emitFilesAndReportErrors).
  let diagnostics = [...program.getConfigFileParsingDiagnostics(), ...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics()];
  if (diagnostics.length === 0) diagnostics = [...program.getGlobalDiagnostics(), ...program.getSemanticDiagnostics()];
  if (diagnostics.length === 0) {
    // What only the build's declaration emit reports (a type it cannot name), for the files it emits.
    const src = resolve(root, "src");
    for (const sourceFile of program.getSourceFiles()) {
      if (!sourceFile.isDeclarationFile && !relative(src, sourceFile.fileName).startsWith("..")) diagnostics.push(...program.getDeclarationDiagnostics(sourceFile));
    }
  }
  return { program, diagnostics };
}

function print(diagnostics) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" };
  process.stdout.write(color ? ts.formatDiagnosticsWithColorAndContext(diagnostics, host) : ts.formatDiagnostics(diagnostics, host));
}

function fail(diagnostics) {
  print(diagnostics);
  process.exit(1);
}

const { program, diagnostics } = typecheck();
if (diagnostics.length > 0) print(diagnostics);

// The same lint as `eslint .`, its type-aware rules reading the program checked above
// (typescript-eslint's `programs` replaces the one `parserOptions.project` would build).
const eslint = new ESLint({ cwd: root, overrideConfig: { files: ["**/*.ts"], languageOptions: { parserOptions: { programs: [program] } } } });
const results = await eslint.lintFiles(["."]);
const formatter = await eslint.loadFormatter("stylish");
const report = await formatter.format(results);
if (report !== "") process.stdout.write(report);

const lintErrors = results.reduce((sum, r) => sum + r.errorCount + r.fatalErrorCount, 0);
if (diagnostics.length > 0) console.log(`typecheck: ${diagnostics.length} error(s)`);
process.exitCode = diagnostics.length > 0 || lintErrors > 0 ? 1 : 0;
