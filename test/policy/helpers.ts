/** Shared test helpers: temporary policy directories and fixture documents. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import type { BucketDocument } from "../../src/model/index.js";
import { fixtureDocument as mergedFixture, readFixture } from "../policies/fixture.js";

/** A valid minimal policy; tests break one field at a time. */
export function minimalPolicy(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    title: "Buckets have versioning enabled",
    severity: "low",
    description: "Every bucket has versioning Enabled.",
    rationale: "Versioning keeps overwritten objects recoverable.",
    remediation: { guidance: "Enable versioning on the bucket.", fix: "enable-versioning" },
    appliesTo: true,
    check: { properties: { versioning: { properties: { status: { const: "Enabled" } } } } },
    messages: { pass: "{{bucket.name}} is versioned", fail: "{{bucket.name}} is not versioned", not_applicable: "n/a" },
    ...overrides,
  };
}

/** Writes `files` (name → JSON value, or raw text) into a fresh temporary directory. */
export function policyDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "replguard-policies-"));
  for (const [name, content] of Object.entries(files)) {
    const file = join(dir, name);
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

/** The bucket document of a policy fixture, e.g. fixtureDocument("destination-exists/pass-resolved"). */
export function fixtureDocument(path: string): BucketDocument {
  return mergedFixture(readFixture(path));
}

export interface MainRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `replguard <argv>` in-process (src/cli/program.ts `main`), capturing what it prints. */
export async function runMain(argv: string[]): Promise<MainRun> {
  const { main } = await import("../../src/cli/program.js");
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** A single-line refusal naming `file`: exit 2, no stack trace. */
export function expectRefusal(run: MainRun, file: string, pointer?: string): void {
  expect(run.code).toBe(2);
  const lines = run.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(file);
  if (pointer !== undefined) expect(lines[0]).toContain(pointer);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}
