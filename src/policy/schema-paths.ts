/**
 * Which fields a path can reach in the bucket document, read from its JSON Schema
 * (schemas/bucket-document.schema.json), so a message template that names a field the document
 * does not have (`{{bucket.nmae}}`) is refused when the policy is loaded. Deliberately lenient:
 * where the schema does not constrain a value, any path below it is accepted, and whether a
 * nullable field has a value is left to the run-time check.
 */
import { readFileSync } from "node:fs";
import { valueAt } from "../json-pointer.js";
import { BUCKET_DOCUMENT_SCHEMA_FILE } from "./ajv.js";

/** The schemas a value may match (a union: oneOf/anyOf branches, several `$ref`s). `true`: anything. */
export type SchemaSet = unknown[];

let documentSchema: object | undefined;

/** The bucket-document schema, against which every `$ref` is resolved. */
export function bucketDocumentSchema(): object {
  documentSchema ??= JSON.parse(readFileSync(BUCKET_DOCUMENT_SCHEMA_FILE, "utf8")) as object;
  return documentSchema;
}

const MAX_EXPANSION = 32;

/** Resolves `$ref` and flattens oneOf/anyOf/allOf into the alternatives a value may match. */
function alternatives(set: SchemaSet): unknown[] {
  const out: unknown[] = [];
  const queue = [...set];
  let steps = 0;
  while (queue.length > 0 && steps++ < MAX_EXPANSION * 8) {
    const node = queue.shift();
    if (node === null || typeof node !== "object") {
      out.push(node === false ? false : true);
      continue;
    }
    const schema = node as Record<string, unknown>;
    if (typeof schema["$ref"] === "string") {
      const ref = schema["$ref"];
      queue.push(ref.startsWith("#") ? (valueAt(bucketDocumentSchema(), decodeURIComponent(ref.slice(1))) ?? true) : true);
    }
    for (const key of ["oneOf", "anyOf", "allOf"]) if (Array.isArray(schema[key])) queue.push(...(schema[key] as unknown[]));
    out.push(schema);
  }
  return out;
}

const SHAPE_KEYWORDS = ["type", "properties", "additionalProperties", "items", "enum", "const"];

/**
 * The schemas of `segment` below any of `set` (`*`: an item of an array, or a value of an
 * object), or undefined when none of the alternatives can have it.
 */
export function childSchemas(set: SchemaSet, segment: string): SchemaSet | undefined {
  const found: unknown[] = [];
  for (const alt of alternatives(set)) {
    if (alt === true) return [true];
    if (alt === false || typeof alt !== "object" || alt === null) continue;
    const schema = alt as Record<string, unknown>;
    // A node that only describes or combines (description, $ref, oneOf…) constrains nothing itself.
    if (!SHAPE_KEYWORDS.some((key) => Object.hasOwn(schema, key))) {
      if (!["$ref", "oneOf", "anyOf", "allOf"].some((key) => Object.hasOwn(schema, key))) return [true];
      continue;
    }
    const types = typeOf(schema);
    if (types.has("array") || Object.hasOwn(schema, "items")) {
      if (segment === "*" || /^\d+$/.test(segment)) found.push(schema["items"] ?? true);
      else if (segment === "length") found.push({ type: "integer" });
    }
    if (types.has("object") || Object.hasOwn(schema, "properties") || Object.hasOwn(schema, "additionalProperties")) {
      const properties = currentProperties(schema);
      if (segment !== "*" && Object.hasOwn(properties, segment)) found.push(properties[segment]);
      else if (schema["additionalProperties"] === undefined || schema["additionalProperties"] === true) found.push(true);
      else if (schema["additionalProperties"] !== false) found.push(schema["additionalProperties"]);
      else if (segment === "*") found.push(...Object.values(properties));
    }
  }
  return found.length > 0 ? found : undefined;
}

/**
 * Where a path names a field of older documents only (marked `deprecated` in the schema: 1.x's
 * `roleFacts.usedBy`), what its description says replaced it; undefined otherwise. Such a field is
 * not one `childSchemas` finds: the paths are checked against the current version's shape.
 */
export function removedField(set: SchemaSet, segment: string): string | undefined {
  for (const alt of alternatives(set)) {
    const properties = alt !== null && typeof alt === "object" ? (alt as Record<string, unknown>)["properties"] : undefined;
    const property = properties !== null && typeof properties === "object" ? (properties as Record<string, unknown>)[segment] : undefined;
    if (isDeprecated(property)) return String((property as { description?: unknown }).description ?? "a field of older bucket documents only");
  }
  return undefined;
}

const isDeprecated = (schema: unknown): boolean => schema !== null && typeof schema === "object" && (schema as { deprecated?: unknown }).deprecated === true;

/** A schema's properties but those of older documents only. */
function currentProperties(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = (schema["properties"] ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(properties).filter(([, value]) => !isDeprecated(value)));
}

function typeOf(schema: Record<string, unknown>): Set<string> {
  const type = schema["type"];
  if (typeof type === "string") return new Set([type]);
  if (Array.isArray(type)) return new Set(type.map(String));
  return new Set();
}
