/**
 * Optional external tools the tests compare against (moto_server, the AWS CLI): found on PATH, or
 * skipped with the command that installs them — except under CI=true, where a missing reference
 * tool fails the run, so CI never passes without having checked against it.
 */
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { basename, delimiter, join, sep } from "node:path";
import { promisify } from "node:util";

/** The first executable named `command` on PATH, if any. */
export function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * The path of `command`, or undefined (after printing why the tests that need it are skipped).
 * Under CI=true a missing tool throws instead.
 */
export function requireToolOrSkip(command: string, installHint: string): string | undefined {
  const found = findOnPath(command);
  if (found !== undefined) return found;
  const message = `${command} is not on PATH (install it with: ${installHint})`;
  if (process.env.CI === "true") throw new Error(`${message}; CI=true requires it`);
  console.warn(`Skipping the tests that need ${command}: ${message}`);
  return undefined;
}

/**
 * The real executable behind a pyenv shim (`pyenv which <name>`), else `path` itself. A shim runs
 * bash and pyenv before Python: over a second per call on a loaded machine, which a test that
 * spawns the AWS CLI ten times cannot afford.
 */
export async function resolvePyenvShim(path: string): Promise<string> {
  if (!path.includes(`${sep}shims${sep}`)) return path;
  try {
    const { stdout } = await promisify(execFile)("pyenv", ["which", basename(path)], { timeout: 20_000 });
    const resolved = stdout.trim();
    return resolved === "" ? path : resolved;
  } catch {
    // pyenv itself missing or the tool not installed in the active version: let the shim report it.
    return path;
  }
}
