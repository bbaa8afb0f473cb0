/**
 * The build's precompiled validators (src/precompiled.ts, src/policy/precompiled.ts, written by
 * scripts/precompile-schemas.js): ajv's standalone code loaded instead of compiling at start-up.
 * Here bundles are generated into a temporary folder from the same instances the build uses, then:
 * - a loaded validator answers exactly as the compiled one (verdict and every error object), for
 *   shipped schemas (one with a `$ref` to another) and for the default policies' schemas on both
 *   instance kinds, over the policy fixtures' documents;
 * - a bundle is found only under the key of the text it was generated from: a schema (or a schema
 *   it refers to) whose text changed since is compiled afresh and validates as it now reads, never
 *   by the stale code, and a policy schema text not in the bundle (a user's) compiles at run time.
 */
import { readFileSync, readdirSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import standalone from "ajv/dist/standalone/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleFile } from "../../src/precompiled.js";
import { loadPolicies } from "../../src/policy/index.js";
import { policyAjvOptions } from "../../src/policy/ajv-options.js";
import { POLICY_DEPS, policyBundle, precompiledPolicySchema, schemaName, type PolicyAjvKind } from "../../src/policy/precompiled.js";
import { compileShipped, loadShipped, shippedAjv, shippedBundle } from "../../src/schemas.js";
import { shippedPath } from "../../src/paths.js";
import { bundleSource } from "../../scripts/precompile-schemas.js";
import { FIXTURES_DIR, baseDocument, fixtureDocument, readFixture } from "./policy-fixtures.js";
import { tempDir } from "./temp-dir.js";

let dir: string;
let cleanup: () => Promise<void>;
/** The schema files' text, read once. */
const texts = new Map<string, string>();
const realText = (file: string): string => texts.get(file) ?? readFileSync(shippedPath("schemas", file), "utf8");

/** Every policy fixture's document, and the three bases. */
function documents(): unknown[] {
  const fixtures = readdirSync(FIXTURES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== "_bases")
    .flatMap((policy) => readdirSync(join(FIXTURES_DIR, policy.name)).filter((name) => name.endsWith(".json")).map((name) => `${policy.name}/${name.replace(/\.json$/, "")}`));
  return [...(["source", "replica", "unversioned"] as const).map(baseDocument), ...fixtures.map((path) => fixtureDocument(readFixture(path)))];
}

/** What a validator says of `data`: its verdict and its errors (deep-compared: schema, parentSchema and data included). */
const answer = (validate: ValidateFunction, data: unknown) => ({ valid: validate(data), errors: structuredClone(validate.errors ?? null) });

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("precompiled"));
  for (const file of ["config.schema.json", "snapshot.schema.json", "bucket-document.schema.json"]) texts.set(file, await readFile(shippedPath("schemas", file), "utf8"));
});
afterAll(() => cleanup());

describe("precompiled shipped schemas", () => {
  const generating = new Map<string, Promise<ValidateFunction>>();
  /** Generates `file`'s bundle into `dir` as the build does (once); returns the validator ajv compiled on the way. */
  const generate = (file: string, references: string[]): Promise<ValidateFunction> =>
    generating.get(file) ?? (generating.set(file, generateOnce(file, references)), generating.get(file)!);
  async function generateOnce(file: string, references: string[]): Promise<ValidateFunction> {
    const ajv = shippedAjv(true);
    const validate = compileShipped(ajv, file, references, realText);
    const { name, key } = shippedBundle(file, references, realText);
    await writeFile(bundleFile(name, key, dir), bundleSource([{ name: "validate", code: standalone.default(ajv, validate) }]));
    return validate;
  }

  it("loads a snapshot validator (with its $ref to the bucket document) that answers as the compiled one", async () => {
    const compiled = await generate("snapshot.schema.json", ["bucket-document.schema.json"]);
    const loaded = loadShipped("snapshot.schema.json", ["bucket-document.schema.json"], realText, dir);
    expect(loaded.precompiled).toBe(true);
    expect(loaded.validate).not.toBe(compiled);
    const snapshot = JSON.parse(await readFile(new URL("../report/fixtures/snapshot.json", import.meta.url), "utf8")) as { buckets: { region: unknown }[] };
    const broken = structuredClone(snapshot);
    broken.buckets[0]!.region = 42;
    const missing = { ...snapshot, buckets: undefined };
    for (const data of [snapshot, broken, missing, { ...snapshot, extra: 1 }, null, "text"]) expect(answer(loaded.validate, data)).toEqual(answer(compiled, data));
    expect(answer(loaded.validate, snapshot).valid).toBe(true);
    expect(answer(loaded.validate, broken).valid).toBe(false);
  });

  it("never uses a bundle whose schema, or a schema it refers to, has changed since: it compiles the text as it now reads", async () => {
    const compiled = await generate("config.schema.json", []);
    expect(loadShipped("config.schema.json", [], realText, dir).precompiled).toBe(true);
    // The same file with failOn limited to "critical": the stale code would accept "high".
    const config = JSON.parse(realText("config.schema.json")) as { properties: { failOn: { enum?: unknown[] } } };
    expect(config.properties.failOn.enum).toContain("high");
    config.properties.failOn.enum = ["critical"];
    const edited = (file: string): string => (file === "config.schema.json" ? JSON.stringify(config) : realText(file));
    const fresh = loadShipped("config.schema.json", [], edited, dir);
    expect(fresh.precompiled).toBe(false);
    expect(compiled({ failOn: "high" })).toBe(true);
    expect(fresh.validate({ failOn: "high" })).toBe(false);
    expect(fresh.validate({ failOn: "critical" })).toBe(true);
    // A referenced schema is part of the key too.
    await generate("snapshot.schema.json", ["bucket-document.schema.json"]);
    const document = (file: string): string => (file === "bucket-document.schema.json" ? `${realText(file)}\n` : realText(file));
    expect(shippedBundle("snapshot.schema.json", ["bucket-document.schema.json"], document).key).not.toBe(shippedBundle("snapshot.schema.json", ["bucket-document.schema.json"], realText).key);
    expect(loadShipped("snapshot.schema.json", ["bucket-document.schema.json"], document, dir).precompiled).toBe(false);
  });
});

describe("precompiled policy schemas", () => {
  it("answers as the compiled validators on every policy fixture, for each default policy's appliesTo and check on both instance kinds; a schema text not in the bundle is not found", async () => {
    const set = await loadPolicies();
    const schemas = set.policies.flatMap((p) => [p.schemas.appliesTo, p.schemas.check]);
    const compiled = new Map<string, ValidateFunction>();
    for (const kind of ["full", "scope"] as PolicyAjvKind[]) {
      const ajv = new Ajv2020(policyAjvOptions(kind === "full", true));
      const entries = new Map<string, string>();
      for (const schema of schemas) {
        const text = JSON.stringify(schema);
        const validate = ajv.compile(schema as object);
        compiled.set(`${kind} ${text}`, validate);
        entries.set(schemaName(text), standalone.default(ajv, validate));
      }
      const { name, key } = policyBundle(kind);
      await writeFile(bundleFile(name, key, dir), bundleSource([...entries].map(([entry, code]) => ({ name: entry, code })), Object.keys(POLICY_DEPS)));
    }
    const docs = documents();
    expect(docs.length).toBeGreaterThan(50);
    let failures = 0;
    for (const [id, validate] of compiled) {
      const [kind, text] = [id.slice(0, id.indexOf(" ")) as PolicyAjvKind, id.slice(id.indexOf(" ") + 1)];
      const loaded = precompiledPolicySchema(kind, text, dir);
      expect(loaded, id).toBeDefined();
      expect(loaded).not.toBe(validate);
      for (const doc of docs) {
        const expected = answer(validate, doc);
        if (!expected.valid) failures++;
        expect(answer(loaded!, doc)).toEqual(expected);
      }
    }
    expect(failures).toBeGreaterThan(100); // the errors compared above are many, not none
    // A user's schema (or a default one edited) compiles at run time: the bundle has no such text.
    const custom = JSON.stringify({ ...(set.policies[0]!.schemas.check as object), required: ["name"] });
    expect(precompiledPolicySchema("full", custom, dir)).toBeUndefined();
  });
});
