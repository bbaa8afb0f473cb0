/**
 * An installation without its built-in policies must refuse to audit: with no policy to check, an
 * audit of a clean organization would exit 0 having verified nothing. The executable is copied into
 * a package root of its own (the built-in policies are found beside the code: src/paths.ts), whose
 * `policies/` is missing or empty, and run as a user runs it.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { cliCommand } from "../support/cli.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const copies: string[] = [];

/** A package root holding the executable (built or source, as cliCommand runs it) and all it ships but policies/. */
function installationWithout(): { dir: string; argv: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "replguard-install-"));
  copies.push(dir);
  const [node, ...entry] = cliCommand();
  const code = entry.at(-1)!.startsWith(join(root, "dist")) ? "dist" : "src";
  for (const part of [code, "schemas", "templates", "scenarios", "package.json"]) cpSync(join(root, part), join(dir, part), { recursive: true });
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  const main = code === "dist" ? join(dir, "dist", "cli", "main.js") : join(dir, "src", "cli", "main.ts");
  return { dir, argv: [node!, ...entry.slice(0, -1), main] };
}

function run(argv: string[], args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(argv[0]!, [...argv.slice(1), ...args], { timeout: 120_000 }, (error, _stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stderr });
    });
  });
}

afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

describe("policy/load: the built-in policies", () => {
  it("refuses to audit, exit 2 and one line naming the directory, when policies/ is missing or holds no policy", async () => {
    const { dir, argv } = installationWithout();
    const out = join(dir, "reports");
    const missing = await run(argv, ["audit", "--sandbox", "demo", "--out", out, "--quiet"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(missing.stderr).toContain(join(dir, "policies"));
    expect(missing.stderr).toContain("built-in policy directory");
    expect(missing.stderr).not.toMatch(/\n\s+at /);

    mkdirSync(join(dir, "policies"));
    const empty = await run(argv, ["audit", "--sandbox", "demo", "--out", out, "--quiet"]);
    expect(empty.code).toBe(2);
    expect(empty.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(empty.stderr).toContain("no policy to check");
    expect(empty.stderr).toContain(join(dir, "policies"));
  }, 120_000);
});
