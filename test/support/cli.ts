/** Runs the real `replguard` executable (from source through tsx) and captures its exit code and output. */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", `${root}src/cli/main.ts`, ...args],
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
 * executable minus the process start (~2 s per case). Use runCli for what only a process shows:
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
