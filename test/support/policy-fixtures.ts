/**
 * Policy fixtures as small patches over one complete base document per shape
 * (`_bases/source.json`, `_bases/replica.json`, `_bases/unversioned.json`), so a fixture shows only
 * what it is about and adding a field to the bucket document touches no fixture that does not use it.
 *
 * A fixture's document is built in three steps:
 * 1. `patch` is applied to its base as an RFC 7396 JSON Merge Patch (objects merge, arrays and
 *    scalars replace, `null` removes the key);
 * 2. `rules`, when present, replaces `replication.rules`: each entry is itself an RFC 7396 merge
 *    patch over the source base's first rule (arrays replace whole in RFC 7396, so without this a
 *    fixture about one rule field would repeat every field of every rule);
 * 3. the bucket document has no optional key (a fact is `null`, never absent), so every key the
 *    schema requires that step 1 or 2 removed is put back as `null`: `"account": null` in a patch
 *    reads, and means, "the account is null". Inside tag maps a removed key stays removed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import type { BucketDocument, ReplicationRule } from "../../src/model/index.js";
import { BUCKET_DOCUMENT_SCHEMA_FILE } from "../../src/policy/index.js";

export const BASES = ["source", "replica", "unversioned"] as const;
export type BaseName = (typeof BASES)[number];

export interface PatchFixture {
  description: string;
  message: string;
  pointers?: string[];
  parameters?: Record<string, unknown>;
  base: BaseName;
  patch?: Record<string, unknown>;
  rules?: Record<string, unknown>[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** RFC 7396 MergePatch(Target, Patch), without mutating either. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

export const documentValidator: ValidateFunction = new Ajv2020({ allErrors: true, strict: true }).compile(
  JSON.parse(readFileSync(BUCKET_DOCUMENT_SCHEMA_FILE, "utf8")) as object,
);

/** Step 3: every required key that is missing becomes null (repeated, since a null can unmask another level). */
export function restoreNulls(doc: unknown): unknown {
  for (let pass = 0; pass < 10; pass++) {
    documentValidator(doc);
    const missing = (documentValidator.errors ?? []).filter((e) => e.keyword === "required");
    if (missing.length === 0) break;
    for (const error of missing) {
      const parent = error.instancePath
        .split("/")
        .slice(1)
        .reduce<unknown>((node, segment) => (node as Record<string, unknown>)[segment.replaceAll("~1", "/").replaceAll("~0", "~")], doc);
      (parent as Record<string, unknown>)[(error.params as { missingProperty: string }).missingProperty] = null;
    }
  }
  return doc;
}

/** test/policy/fixtures: `_bases/` and one folder of fixtures per policy id. */
export const FIXTURES_DIR = join(import.meta.dirname, "..", "policy", "fixtures");
const root = FIXTURES_DIR;
const bases = new Map<BaseName, BucketDocument>(BASES.map((name) => [name, JSON.parse(readFileSync(join(root, "_bases", `${name}.json`), "utf8")) as BucketDocument]));

export function baseDocument(name: BaseName): BucketDocument {
  const base = bases.get(name);
  if (base === undefined) throw new Error(`unknown fixture base "${name}"; known: ${BASES.join(", ")}`);
  return structuredClone(base);
}

/** The rule every `rules[]` entry patches: the source base's first rule. */
export const baseRule = (): Json => structuredClone((bases.get("source") as BucketDocument).replication?.rules[0]) as unknown as Json;

/** The complete bucket document a fixture describes (steps 1 to 3 above). */
export function fixtureDocument(fixture: PatchFixture): BucketDocument {
  const doc = mergePatch(baseDocument(fixture.base), fixture.patch ?? {}) as BucketDocument;
  if (fixture.rules !== undefined) {
    if (doc.replication === null) throw new Error("a fixture with rules needs a replication object");
    doc.replication.rules = fixture.rules.map((rule) => mergePatch(baseRule(), rule)) as ReplicationRule[];
  }
  return restoreNulls(doc) as BucketDocument;
}

/** Reads test/policy/fixtures/<policyId>/<name>.json. */
export function readFixture(path: string): PatchFixture {
  return JSON.parse(readFileSync(join(root, `${path}.json`), "utf8")) as PatchFixture;
}
