/** Shared test helpers: temporary policy directories and fixture documents. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
