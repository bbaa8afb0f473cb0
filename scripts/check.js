// `npm run check` in one Node process: the static half (scripts/typecheck-and-lint.js: tsc and
// oxlint, two native child processes) beside the build (scripts/build-emit.js, esbuild, in this
// process) followed by the tests (vitest, one child). Before, `run-p` started an `npm run` for each
// half and the test half two more (`npm run build:emit && npm run test`): four npm start-ups of
// ~0.3 CPU-seconds each, three of them one after the other on the tests' path, which is the
// check's wall time (the static half ends long before the tests).
// Either half failing fails the check; a failed build runs no test (as `&&` did). vitest keeps
// the terminal (its live progress); the static half's report follows the tests' (the end of a
// log is what gets read), printed whole, never interleaved with vitest's.
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { buildEmit } from "./build-emit.js";
import { precompileSchemas } from "./precompile-schemas.js";
import { typecheckAndLint } from "./typecheck-and-lint.js";

/**
 * Runs the halves: `staticHalf` from the start, `build` then (if it succeeded) `test`, and
 * `precompile` once the tests have started. Each step reports its own output through `print` (the
 * static half's after the tests end); resolves with the exit status: 0 when all passed, else 1.
 */
export async function runCheck({ staticHalf, build, test, print, precompile = async () => undefined }) {
  // Caught at once: a static half that could not even start is a failed check, not an unhandled rejection.
  const checked = staticHalf().catch((error) => ({ ok: false, output: `check: the static half failed: ${error instanceof Error ? error.message : String(error)}\n` }));
  const problem = (error) => (error instanceof Error ? error.message : String(error));
  let tested = false;
  let testsPassed = false;
  let precompiled = true;
  try {
    await build();
    tested = true;
    const tests = test();
    // The precompiled validators (scripts/precompile-schemas.js) are written beside the tests'
    // start-up instead of before it, off the check's path (~2 CPU-seconds): a test worker that
    // asks for a validator before its bundle is written compiles it, as without a build, with the
    // same answers (bundles appear whole, by rename).
    const besides = precompile().then(
      () => true,
      (error) => (print(`check: precompile-schemas failed: ${problem(error)}\n`), false),
    );
    testsPassed = (await tests) === 0;
    precompiled = await besides;
  } catch (error) {
    print(`check: ${tested ? "the tests" : "build:emit"} failed: ${problem(error)}\n`);
  }
  const { ok, output } = await checked;
  print(output);
  return ok && testsPassed && precompiled ? 0 : 1;
}

/** The static half as `npm run check:static` prints it. */
async function staticHalf(root) {
  const { typecheck, lint, ok } = await typecheckAndLint({ root, pretty: process.stdout.isTTY === true });
  let output = typecheck.stdout + typecheck.stderr;
  if (typecheck.status !== 0) output += `typecheck: tsc exited ${typecheck.status}\n`;
  output += lint.stdout + lint.stderr;
  if (lint.status !== 0) output += `lint: oxlint exited ${lint.status}\n`;
  return { ok, output };
}

/** `vitest run ...args` in `root` on this terminal; resolves with its exit status (a signal counts as 1). */
function vitest(root, args) {
  const entry = resolve(root, "node_modules/vitest/vitest.mjs");
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [entry, "run", ...args], { cwd: root, stdio: "inherit" });
    child.on("error", fail);
    child.on("close", (code) => done(code ?? 1));
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(import.meta.dirname, "..");
  process.exitCode = await runCheck({
    staticHalf: () => staticHalf(root),
    build: async () => console.log(`build:emit: ${(await buildEmit(root)).length} files of src/ → dist/ (esbuild)`),
    precompile: async () => console.log(`precompile-schemas: ${(await precompileSchemas(root)).length} bundles of validators → dist/precompiled/`),
    // `npm run check -- test/cli` passes its arguments on to vitest.
    test: () => vitest(root, process.argv.slice(2)),
    print: (text) => process.stdout.write(text),
  });
}
