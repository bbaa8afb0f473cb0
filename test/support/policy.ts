/** Policy test helpers: temporary policy directories, fixture documents, refusals of bad policies. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import type { BucketDocument } from "../../src/model/index.js";
import { fixtureDocument as mergedFixture, readFixture } from "./policy-fixtures.js";
import type { CliRun } from "./cli.js";

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

// One in-process runner for every test (the CLI tests' own, which also restores the environment).
export { runMain } from "./cli.js";
export type MainRun = CliRun;

/** A single-line refusal naming `file`: exit 2, no stack trace. */
export function expectRefusal(run: MainRun, file: string, pointer?: string): void {
  expect(run.code).toBe(2);
  const lines = run.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(file);
  if (pointer !== undefined) expect(lines[0]).toContain(pointer);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}
