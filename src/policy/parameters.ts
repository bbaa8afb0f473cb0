/**
 * Parameters: named placeholders a policy declares, set from the config file, substituted into
 * the policy's schemas before they are compiled. Syntax, anywhere inside appliesTo or check:
 *
 *   { "$param": "name" }                                  → the value
 *   { "$param": "name", "ifEmpty": A, "ifSet": B }        → A when the value is empty ([], {}, "", null), else B
 *
 * `ifEmpty`/`ifSet` (each optional, default: the value) let an empty allow-list mean "anything",
 * which JSON Schema alone cannot say (`enum: []` rejects everything). They may hold placeholders.
 */
import type { Ajv2020 } from "ajv/dist/2020.js";
import { PolicyError } from "../errors.js";
import { escapePointer } from "../json-pointer.js";
import { compileSchema } from "./ajv.js";
import type { PolicyFile } from "./types.js";

const PLACEHOLDER_KEYS = new Set(["$param", "ifEmpty", "ifSet"]);

/** Effective values: configured, else default; each checked against the declared schema. */
export function resolveParameters(
  ajv: Ajv2020,
  policy: PolicyFile,
  file: string,
  configured: Record<string, unknown> | undefined,
  configFile: string | undefined,
): Record<string, unknown> {
  const declared = policy.parameters ?? {};
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(configured ?? {})) {
    if (!Object.hasOwn(declared, name)) {
      const known = Object.keys(declared).join(", ") || "none";
      throw new PolicyError(
        `parameters.${policy.id}.${name}: policy ${policy.id} declares no parameter "${name}" (declared: ${known})`,
        { file: configFile, pointer: `/parameters/${escapePointer(policy.id)}/${escapePointer(name)}`, policyId: policy.id },
      );
    }
  }
  for (const [name, declaration] of Object.entries(declared)) {
    const at = { file, policyId: policy.id, pointer: `/parameters/${escapePointer(name)}/schema` };
    const validate = compileSchema(ajv, declaration.schema, at);
    if (!validate(declaration.default)) {
      throw new PolicyError(`${file}: /parameters/${name}/default does not satisfy its schema: ${validate.errors?.[0]?.message ?? ""}`, {
        file,
        pointer: `/parameters/${escapePointer(name)}/default`,
        policyId: policy.id,
      });
    }
    const hasValue = configured !== undefined && Object.hasOwn(configured, name);
    const value = hasValue ? configured[name] : declaration.default;
    if (hasValue && !validate(value)) {
      const error = validate.errors?.[0];
      throw new PolicyError(
        `parameters.${policy.id}.${name}${error?.instancePath ?? ""} ${error?.message ?? "is invalid"}: ${JSON.stringify(value)}`,
        { file: configFile, pointer: `/parameters/${escapePointer(policy.id)}/${escapePointer(name)}${error?.instancePath ?? ""}`, policyId: policy.id },
      );
    }
    values[name] = structuredClone(value);
  }
  return values;
}

/** Replaces every placeholder in `schema`; an undeclared name is a PolicyError at the placeholder. */
export function substitute(schema: unknown, values: Record<string, unknown>, at: { file: string; policyId: string; pointer: string }): unknown {
  if (schema === null || typeof schema !== "object") return schema;
  if (Array.isArray(schema)) return schema.map((item, i) => substitute(item, values, { ...at, pointer: `${at.pointer}/${i}` }));
  const node = schema as Record<string, unknown>;
  if (Object.hasOwn(node, "$param")) return substitutePlaceholder(node, values, at);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node)) {
    out[key] = substitute(child, values, { ...at, pointer: `${at.pointer}/${escapePointer(key)}` });
  }
  return out;
}

function substitutePlaceholder(node: Record<string, unknown>, values: Record<string, unknown>, at: { file: string; policyId: string; pointer: string }): unknown {
  const name = node["$param"];
  const extra = Object.keys(node).find((key) => !PLACEHOLDER_KEYS.has(key));
  if (extra !== undefined) {
    const pointer = `${at.pointer}/${escapePointer(extra)}`;
    throw new PolicyError(`${at.file}: ${pointer}: a placeholder may only hold $param, ifEmpty and ifSet`, { ...at, pointer });
  }
  if (typeof name !== "string" || !Object.hasOwn(values, name)) {
    const pointer = `${at.pointer}/$param`;
    const known = Object.keys(values).join(", ") || "none";
    throw new PolicyError(`${at.file}: ${pointer}: unknown parameter ${JSON.stringify(name)} (declared: ${known})`, { ...at, pointer });
  }
  const value = values[name];
  const branch = isEmpty(value) ? "ifEmpty" : "ifSet";
  if (!Object.hasOwn(node, branch)) return structuredClone(value);
  return substitute(node[branch], values, { ...at, pointer: `${at.pointer}/${branch}` });
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.keys(value).length === 0;
}
