/**
 * Runs replguard as a command: `runCli` starts the real executable, `runMain` calls `main(argv)`
 * in this process. Prefer runMain; spawn only for what a process alone shows (the status a shell
 * sees, signals, resource limits, the bin entry itself).
 */
import { execFile, spawn } from "node:child_process";
import { readdirSync, statSync, watch } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Every .ts file under `root`/src/ has its compiled .js in `root`/dist/, written after the source last changed. */
export function distIsFresh(root: string): boolean {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []));
  try {
    return walk(join(root, "src")).every((source) => {
      const built = join(root, "dist", relative(join(root, "src"), source).replace(/\.ts$/, ".js"));
      return statSync(built).mtimeMs >= statSync(source).mtimeMs;
    });
  } catch {
    return false; // no dist/, or a file missing from it
  }
}

let command: string[] | undefined;

/**
 * The argv that starts the executable: the built `dist/cli/main.js` (the file `bin` points at)
 * when it is up to date with src/, else `src/cli/main.ts` through tsx. `npm run check` builds
 * before the tests, so they spawn the built file: ~0.5 CPU-seconds per start instead of ~2.5 for
 * tsx compiling the whole program again. A plain `npx vitest run` after editing src/ still tests
 * the edited code (through tsx), never a stale build.
 */
export function cliCommand(): string[] {
  command ??= distIsFresh(root) ? [process.execPath, join(root, "dist", "cli", "main.js")] : [process.execPath, "--import", "tsx", join(root, "src", "cli", "main.ts")];
  return command;
}

/**
 * `src/<path>` (a .ts module) as a spawned Node imports it: its build in dist/ when that is up to
 * date (as `cliCommand` decides), no loader needed, else the source through tsx (~0.3 CPU-seconds
 * more a start, tsx and its transform).
 */
export function importable(path: string): { nodeArgs: string[]; file: string } {
  return cliCommand()[1]!.endsWith(".js")
    ? { nodeArgs: [], file: join(root, "dist", path.replace(/\.ts$/, ".js")) }
    : { nodeArgs: ["--import", "tsx"], file: join(root, "src", path) };
}

/** `nodeArgs`: Node options before the entry (e.g. `--import` of a loader hook, test/support/module-log.ts). */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}): Promise<CliRun> {
  const [node, ...entry] = cliCommand();
  return new Promise((resolve) => {
    execFile(
      node!,
      // After tsx's `--import` (when there is one): a hook registered later runs first, so it sees every module.
      [...entry.slice(0, -1), ...(options.nodeArgs ?? []), ...entry.slice(-1), ...args],
      { cwd: options.cwd ?? root, env: { ...process.env, ...options.env }, timeout: 120_000, maxBuffer: 32 * 2 ** 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * Runs `main(argv)` in this process with stdout and stderr captured: the same program as the
 * executable minus the process start. Use runCli for what only a process shows:
 * the exit status itself, signals, `--debug` stacks. Runs must not overlap (they swap the global
 * writers), which holds within one test file; `process.exitCode` and `cwd` are restored.
 */
export async function runMain(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const { main } = await import("../../src/cli/program.js");
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const saved = { exitCode: process.exitCode, env: { ...process.env } };
  const capture =
    (append: (text: string) => void) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      append(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      const callback = rest.find((arg): arg is () => void => typeof arg === "function");
      callback?.();
      return true;
    };
  process.stdout.write = capture((text) => (stdout += text)) as typeof process.stdout.write;
  process.stderr.write = capture((text) => (stderr += text)) as typeof process.stderr.write;
  Object.assign(process.env, options.env ?? {});
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    for (const key of Object.keys(process.env)) if (!(key in saved.env)) delete process.env[key];
    Object.assign(process.env, saved.env);
    process.exitCode = saved.exitCode;
  }
}

/**
 * Runs the real executable with `args` writing into `out` (made here, empty), and sends it SIGINT
 * as soon as its first temporary report appears there (inotify: the signal follows the event, not a
 * clock). Should the command end first, its exit code says so.
 */
export async function interruptWhileWriting(args: string[], out: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stderr: string }> {
  await mkdir(out);
  const watcher = watch(out);
  const writing = new Promise<void>((resolve) => watcher.on("change", (_event, name) => String(name).includes(".tmp-") && resolve()));
  const [node, ...entry] = cliCommand();
  const child = spawn(node!, [...entry, ...args], { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env } });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await Promise.race([writing, exited]);
  watcher.close();
  child.kill("SIGINT");
  return { code: await exited, stderr };
}
