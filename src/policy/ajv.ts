/**
 * Ajv instances. The meta-schema (policy files, packs) is compiled in full strict mode. Policy
 * schemas are compiled with `strictSchema` (an unknown keyword, usually a typo such as `propertes`,
 * is a PolicyError) but without `strictTypes`/`strictRequired`, so users need not repeat
 * `"type": "object"` around every `properties` they write. `allErrors` gives every failing pointer.
 * Patterns run on a linear-time engine (regex.ts).
 */
import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { PolicyError } from "../errors.js";
import { ajvErrorPointer, appendPointer, escapePointer } from "../json-pointer.js";
import { shippedPath } from "../paths.js";
import { META_OPTIONS, policyAjvOptions } from "./ajv-options.js";
import { UnsupportedPatternError } from "./regex.js";
import { generated, generating, precompiledMeta, precompiledPolicySchema, type PolicyAjvKind } from "./precompiled.js";

export const POLICY_META_SCHEMA_FILE = shippedPath("schemas", "policy.schema.json");
export const BUCKET_DOCUMENT_SCHEMA_FILE = shippedPath("schemas", "bucket-document.schema.json");

/** Which instance an ajv is (its precompiled validators are that kind's). */
const kinds = new WeakMap<Ajv2020, PolicyAjvKind>();

function policyAjv(kind: PolicyAjvKind): Ajv2020 {
  const ajv = new Ajv2020(policyAjvOptions(kind === "full", generating()));
  kinds.set(ajv, kind);
  return ajv;
}

export function createPolicyAjv(): Ajv2020 {
  return policyAjv("full");
}

/**
 * An instance for schemas whose answer is only yes or no (appliesTo): the same options but neither
 * `allErrors` nor `verbose`, so a bucket out of scope stops at the first mismatch instead of
 * building an error object (schema, data and all) for each. Half of all evaluations are
 * not_applicable, and those objects were thrown away unread. Validity is the same either way.
 */
export function createScopeAjv(): Ajv2020 {
  return policyAjv("scope");
}

interface MetaValidators {
  policy: ValidateFunction;
  pack: ValidateFunction;
}

let meta: MetaValidators | undefined;

/** The meta-schema validators, once per process: precompiled by the build for this text of the meta-schema, else compiled. */
export function metaValidators(): MetaValidators {
  if (meta) return meta;
  const text = readFileSync(POLICY_META_SCHEMA_FILE, "utf8");
  meta = (generating() ? undefined : precompiledMeta(text)) ?? compileMeta(text, metaAjv());
  return meta;
}

/** The meta-schema's instance; `source` keeps the generated code (for the build). */
export const metaAjv = (source = false): Ajv2020 => new Ajv2020({ ...META_OPTIONS, code: { source } });

/** The meta-schema's validators compiled from `text` on `ajv`. */
export function compileMeta(text: string, ajv: Ajv2020): MetaValidators {
  const schema = JSON.parse(text) as { $id: string };
  ajv.addSchema(schema);
  return {
    policy: ajv.getSchema(schema.$id) as ValidateFunction,
    pack: ajv.getSchema(`${schema.$id}#/$defs/pack`) as ValidateFunction,
  };
}

/** The first meta-schema error as a PolicyError naming the file and the JSON pointer. */
export function metaError(file: string, errors: ErrorObject[] | null | undefined, policyId?: string): PolicyError {
  const sorted = [...(errors ?? [])].sort((a, b) => b.instancePath.length - a.instancePath.length);
  const first = sorted.find((e) => e.keyword !== "anyOf" && e.keyword !== "oneOf" && e.keyword !== "if") ?? sorted[0];
  const pointer = first ? ajvErrorPointer(first) : "";
  const message = first ? `${first.message ?? "is invalid"}${paramsText(first)}` : "is invalid";
  return new PolicyError(`${file}: ${pointer || "/"} ${message}`, { file, pointer, policyId });
}

function paramsText(error: ErrorObject): string {
  if (error.keyword === "enum") return `: ${JSON.stringify(error.params["allowedValues"])}`;
  if (error.keyword === "pattern") return ` (${String(error.params["pattern"])})`;
  return "";
}

/**
 * Validators already compiled, by the schema's JSON text, per instance kind (every instance of a
 * kind has the same options, so a validator compiled on one answers as the other's would; an
 * instance of no known kind keeps its own). The default policies share schemas (eleven have the
 * same appliesTo, "an enabled rule"): one function for each distinct schema is less code for V8 to
 * compile and optimise while the first documents are evaluated, and lets evaluate.ts answer a
 * shared appliesTo once a document. Per kind rather than per instance: a policy set made partly of
 * policies compiled earlier (compile-cache.ts, on an earlier load's instances) shares them too. A
 * schema that fails to compile is never stored (each policy that has it gets its own error). At most
 * MAX_SCHEMAS a kind (the oldest is let go first): a process that loads many generated policies
 * (the property tests) does not keep them all.
 */
const compiledByKind = new Map<PolicyAjvKind, Map<string, ValidateFunction>>();
const compiledByInstance = new WeakMap<Ajv2020, Map<string, ValidateFunction>>();
const MAX_SCHEMAS = 4096;

function compiledSchemasOf(ajv: Ajv2020): Map<string, ValidateFunction> {
  const kind = kinds.get(ajv);
  let known = kind === undefined ? compiledByInstance.get(ajv) : compiledByKind.get(kind);
  if (known === undefined) {
    known = new Map();
    if (kind === undefined) compiledByInstance.set(ajv, known);
    else compiledByKind.set(kind, known);
  }
  return known;
}

/**
 * Compiles a policy schema, once per distinct schema and instance kind (see compiledByKind); a compile
 * failure becomes a PolicyError whose pointer is found by looking for the offending keyword or
 * `$ref` in the schema (ajv's compile errors carry no path).
 */
export function compileSchema(ajv: Ajv2020, schema: unknown, at: { file: string; policyId: string; pointer: string }): ValidateFunction {
  const known = compiledSchemasOf(ajv);
  const key = JSON.stringify(schema) ?? "undefined";
  let validate = known.get(key);
  if (validate === undefined) {
    const kind = kinds.get(ajv);
    // A precompiled validator was generated from this very text on an instance of this kind.
    validate = (kind === undefined || generating() ? undefined : precompiledPolicySchema(kind, key)) ?? compileSchemaOnce(ajv, schema, at);
    if (kind !== undefined && generating()) generated.push({ kind, text: key, validate, ajv });
    if (known.size >= MAX_SCHEMAS) known.delete(known.keys().next().value as string);
    known.set(key, validate);
  }
  return validate;
}

function compileSchemaOnce(ajv: Ajv2020, schema: unknown, at: { file: string; policyId: string; pointer: string }): ValidateFunction {
  if (!ajv.validateSchema(schema as object)) {
    const error = [...(ajv.errors ?? [])].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
    const pointer = at.pointer + (error?.instancePath ?? "");
    throw new PolicyError(`${at.file}: ${pointer} is not a valid JSON Schema: ${error?.message ?? "invalid"}`, { ...at, pointer });
  }
  try {
    return ajv.compile(schema as object);
  } catch (error) {
    if (error instanceof UnsupportedPatternError) {
      const { pattern } = error;
      const keyed = findPointer(schema, (node) => isObject(node["patternProperties"]) && Object.hasOwn(node["patternProperties"], pattern), "patternProperties");
      const inner = findPointer(schema, (node) => node["pattern"] === pattern, "pattern") ?? (keyed === undefined ? undefined : appendPointer(keyed, pattern));
      const pointer = at.pointer + (inner ?? "");
      throw new PolicyError(`${at.file}: ${pointer}: ${error.message}`, { ...at, pointer, cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    const inner = locateCompileError(schema, message);
    const pointer = at.pointer + (inner ?? "");
    throw new PolicyError(`${at.file}: ${pointer} does not compile: ${message}`, { ...at, pointer, cause: error });
  }
}

function locateCompileError(schema: unknown, message: string): string | undefined {
  const keyword = /unknown keyword: "([^"]+)"/.exec(message)?.[1];
  if (keyword) return findPointer(schema, (node) => Object.hasOwn(node, keyword), keyword);
  const ref = /can't resolve reference (\S+)/.exec(message)?.[1];
  if (ref) return findPointer(schema, (node) => node["$ref"] === ref, "$ref");
  const format = /unknown format "([^"]+)"/.exec(message)?.[1];
  if (format) return findPointer(schema, (node) => node["format"] === format, "format");
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** Depth-first search for the first object matching `test`; returns the pointer to its `key`. */
export function findPointer(node: unknown, test: (node: Record<string, unknown>) => boolean, key: string, path = ""): string | undefined {
  if (node === null || typeof node !== "object") return undefined;
  if (!Array.isArray(node) && test(node as Record<string, unknown>)) return `${path}/${escapePointer(key)}`;
  for (const [k, child] of Object.entries(node)) {
    const found = findPointer(child, test, key, `${path}/${escapePointer(k)}`);
    if (found !== undefined) return found;
  }
  return undefined;
}
