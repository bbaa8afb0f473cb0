/**
 * The JSON Schemas shipped in `schemas/` (config, scenario, snapshot, bucket document): compiled
 * once each with one ajv set-up, and a failed validation turned into a pointer and words. Policies
 * compile their own schemas (src/policy/ajv.ts): those are user data with parameters.
 */
import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { ajvErrorPointer } from "./json-pointer.js";
import { shippedPath } from "./paths.js";

const compiled = new Map<string, ValidateFunction>();

const readSchema = (file: string): object => JSON.parse(readFileSync(shippedPath("schemas", file), "utf8")) as object;

/**
 * The validator of `schemas/<file>`, compiled on first use. `references` are other shipped schemas
 * it `$ref`s by `$id` (the snapshot refers to the bucket document).
 */
export function shippedValidator(file: string, references: string[] = []): ValidateFunction {
  let validate = compiled.get(file);
  if (validate === undefined) {
    const ajv = new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true });
    addFormats.default(ajv); // ajv-formats is CommonJS: under NodeNext its function is `.default`
    for (const reference of references) ajv.addSchema(readSchema(reference));
    validate = ajv.compile(readSchema(file));
    compiled.set(file, validate);
  }
  return validate;
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
    case "enum":
      return { pointer: error.instancePath, message: `must be one of ${(params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}` };
    default:
      return { pointer: error.instancePath, message: error.message ?? "is invalid" };
  }
}
