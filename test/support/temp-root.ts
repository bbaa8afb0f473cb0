/**
 * vitest's global setup: every temporary file of the run (the tests' own, and those of the CLIs,
 * sandboxes, moto and Chromium they start) goes under one directory made for the run, removed when
 * it ends, so a run leaves nothing in the machine's temporary directory (before, each run left a few
 * hundred `replguard-*` directories there). `os.tmpdir()` reads TMPDIR on every call, and the
 * test forks and their children inherit it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function useOneTemporaryRoot(): () => void {
  const root = mkdtempSync(join(tmpdir(), "replguard-test-run-"));
  process.env["TMPDIR"] = root;
  return () => rmSync(root, { recursive: true, force: true });
}
