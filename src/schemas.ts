/**
 * The JSON Schemas shipped in `schemas/` (config, scenario, snapshot, bucket document): compiled
 * once each with one ajv set-up (or loaded as the build precompiled them, src/precompiled.ts), and
 * a failed validation turned into a pointer and words. Policies compile their own schemas
 * (src/policy/ajv.ts): those are user data with parameters.
 */
import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { ajvErrorPointer } from "./json-pointer.js";
import { shippedPath } from "./paths.js";
import { loadBundle, precompiledKey } from "./precompiled.js";

const compiled = new Map<string, ValidateFunction>();

const SHIPPED_OPTIONS = { allErrors: false, strict: true, allowUnionTypes: true } as const;
/** ajv-formats' defaults, spelt out: they are part of a precompiled bundle's key. */
const FORMATS = { mode: "full", keywords: true } as const;

const readText = (file: string): string => readFileSync(shippedPath("schemas", file), "utf8");

/**
 * The ajv instance the shipped schemas compile on. `source` keeps the code ajv generates (the build
 * writes it out, scripts/precompile-schemas.js); the validators are the same.
 */
export function shippedAjv(source = false): Ajv2020 {
  const ajv = new Ajv2020({ ...SHIPPED_OPTIONS, ...(source ? { code: { source: true } } : {}) });
  addFormats.default(ajv, FORMATS); // ajv-formats is CommonJS: under NodeNext its function is `.default`
  return ajv;
}

/** The precompiled bundle of `schemas/<file>`: its name and its key (the options and the text of the schema and of its references). */
export function shippedBundle(file: string, references: readonly string[], texts: (file: string) => string = readText): { name: string; key: string } {
  return { name: `schema-${file.replace(/\.schema\.json$/, "")}`, key: precompiledKey([JSON.stringify(SHIPPED_OPTIONS), JSON.stringify(FORMATS), ...[file, ...references].flatMap((f) => [f, texts(f)])]) };
}

/** Compiles `schemas/<file>` with its `references` on `ajv`. */
export function compileShipped(ajv: Ajv2020, file: string, references: readonly string[], texts: (file: string) => string = readText): ValidateFunction {
  for (const reference of references) ajv.addSchema(JSON.parse(texts(reference)) as object);
  return ajv.compile(JSON.parse(texts(file)) as object);
}

/**
 * The validator of `schemas/<file>`: the build's precompiled one when its key matches the schema
 * files as they are, else compiled on first use. `references` are other shipped schemas it `$ref`s
 * by `$id` (the snapshot refers to the bucket document).
 */
export function shippedValidator(file: string, references: string[] = []): ValidateFunction {
  let validate = compiled.get(file);
  if (validate === undefined) compiled.set(file, (validate = loadShipped(file, references).validate));
  return validate;
}

/** `schemas/<file>`'s validator from the bundle in `dir` whose key is that of `texts` (the files as they are), else compiled from `texts`. */
export function loadShipped(file: string, references: readonly string[], texts: (file: string) => string = readText, dir?: string): { validate: ValidateFunction; precompiled: boolean } {
  const read = new Map<string, string>();
  const text = (f: string): string => read.get(f) ?? (read.set(f, texts(f)), read.get(f)!);
  const { name, key } = shippedBundle(file, references, text);
  const validate = loadBundle(name, key, dir)?.({})["validate"]?.();
  return validate ? { validate, precompiled: true } : { validate: compileShipped(shippedAjv(), file, references, text), precompiled: false };
}

/** Whether `schemas/<file>` has been compiled in this thread (tests check a path compiles nothing it does not use). */
export const isShippedValidatorCompiled = (file: string): boolean => compiled.has(file);

/** The most specific error (deepest pointer) as a JSON pointer and a phrase to follow it. */
export function schemaProblem(errors: ErrorObject[] | null | undefined): { pointer: string; message: string } {
  if (!errors || errors.length === 0) return { pointer: "", message: "does not match its schema" };
  const error = errors.reduce((best, e) => (e.instancePath.length > best.instancePath.length ? e : best));
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties":
      return { pointer: ajvErrorPointer(error), message: "is not an allowed property here" };
    case "required":
      return { pointer: ajvErrorPointer(error), message: "is required" };
    case "false schema":
      return { pointer: error.instancePath, message: "is not allowed here" };
    case "enum":
      return { pointer: error.instancePath, message: `must be one of ${(params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}` };
    default:
      return { pointer: error.instancePath, message: error.message ?? "is invalid" };
  }
}
