// `npm run check`'s static half: what `npm run typecheck` (TypeScript 7's native tsc) and
// `npm run lint` (oxlint, its type-aware rules on TypeScript 7's checker through oxlint-tsgolint)
// report, run side by side as two native processes (TypeScript 5.9's checker plus typed ESLint over
// one shared program took ~42 CPU-seconds here; these take ~10, tsc about half of it).
// tsc also reports the declaration-emit errors (a type the declaration file cannot name) that
// `tsc -p tsconfig.build.json` would, since `check` builds with esbuild (emit only): TypeScript 7
// reports them with --noEmit when the project has `declaration: true`, as tsconfig.json does, for
// every file of the program (src/ and the rest).
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const TSC = resolve(import.meta.dirname, "../node_modules/typescript/bin/tsc");
const OXLINT = resolve(import.meta.dirname, "../node_modules/oxlint/bin/oxlint");

/** Runs a package's Node entry point in `cwd`; resolves with its exit status and output. */
function run(entry, args, cwd) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [entry, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
    child.on("error", fail);
    // A signal is a failure too: status 1 unless the process said otherwise.
    child.on("close", (code) => done({ status: code ?? 1, stdout, stderr }));
  });
}

/** `file(line,col): error TSnnnn: message` lines of `tsc --pretty false`, as records. */
export function parseTsc(output) {
  return [...output.matchAll(/^(.+?)\((\d+),(\d+)\): error TS(\d+): (.*)$/gm)].map(([, file, line, column, code, message]) => ({
    file,
    line: Number(line),
    column: Number(column),
    code: Number(code),
    message,
  }));
}

/**
 * oxlint's `-f json` report, as records in source order (`rule` as oxlint names it, e.g.
 * `typescript(no-floating-promises)`; `help` carries a restricting rule's configured message).
 */
export function parseOxlint(output) {
  const records = JSON.parse(output).diagnostics.map((d) => ({
    file: d.filename,
    line: d.labels?.[0]?.span.line ?? 0,
    column: d.labels?.[0]?.span.column ?? 0,
    rule: d.code,
    severity: d.severity,
    message: d.message,
    help: d.help ?? "",
  }));
  return records.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

/**
 * Type-checks the project of `tsconfig` and lints `patterns` with the oxlint `config`, both in
 * `root`, concurrently. `json` asks oxlint for its JSON report (tests parse it) instead of the
 * human one; `pretty` gives tsc's coloured output with context. Each result is the process's exit
 * status and output; either status non-zero fails the check.
 */
export async function typecheckAndLint({ root, tsconfig = "tsconfig.json", config = "oxlint.config.js", patterns = [], json = false, pretty = false }) {
  // One checker thread: `check` runs the tests beside this on every core, so CPU-seconds are what
  // count (single-threaded: ~4.5 instead of ~6 CPU-seconds here, the same diagnostics).
  const tscArgs = ["-p", tsconfig, "--noEmit", "--singleThreaded", "--pretty", String(pretty)];
  const oxlintArgs = ["-c", config, ...(json ? ["-f", "json"] : []), ...patterns];
  const [typecheck, lint] = await Promise.all([run(TSC, tscArgs, root), run(OXLINT, oxlintArgs, root)]);
  return { typecheck, lint, ok: typecheck.status === 0 && lint.status === 0 };
}

async function main() {
  const root = resolve(import.meta.dirname, "..");
  const { typecheck, lint, ok } = await typecheckAndLint({ root, pretty: process.stdout.isTTY === true });
  process.stdout.write(typecheck.stdout + typecheck.stderr);
  if (typecheck.status !== 0) console.log(`typecheck: tsc exited ${typecheck.status}`);
  process.stdout.write(lint.stdout + lint.stderr);
  if (lint.status !== 0) console.log(`lint: oxlint exited ${lint.status}`);
  process.exitCode = ok ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
