/**
 * Whether a bucket is in a policy's scope although some fact appliesTo reads is unknown (its call
 * failed or it was not collected). appliesTo is split into conjuncts (members of a top-level
 * allOf, and the rest), and a conjunct that is a bare anyOf into its branches. Then, soundly:
 * - a conjunct that reads no unknown fact and fails → not_applicable whatever the unknown facts are;
 * - every conjunct passing without reading an unknown fact (or through an anyOf branch that reads
 *   none) → applies whatever the unknown facts are;
 * - otherwise the verdict depends on the unknown fact → the caller reports `error`.
 * So a bucket whose GetBucketReplication was denied is still checked by a policy whose scope is
 * "not a replica destination, or replicating", and one whose GetBucketEncryption was denied is
 * still not_applicable to an "SSE-KMS and replicating" policy when it does not replicate.
 */
import type { Ajv2020 } from "ajv/dist/2020.js";
import type { FactName } from "../model/index.js";
import { compileSchema } from "./ajv.js";
import { factsRead } from "./facts.js";
import type { SchemaValidator } from "./types.js";

export interface SchemaPart {
  facts: FactName[];
  validate: SchemaValidator;
  /** For a conjunct that is a bare anyOf: its branches. */
  branches: { facts: FactName[]; validate: SchemaValidator }[];
}

const SHARED = ["$defs", "definitions", "$id", "$schema"];
const ANNOTATIONS = ["$comment", "description", "title"];

export function splitAppliesTo(ajv: Ajv2020, schema: unknown, whole: SchemaValidator, at: { file: string; policyId: string; pointer: string }): SchemaPart[] {
  const compile = (part: unknown): { facts: FactName[]; validate: SchemaValidator } => ({
    facts: [...factsRead(part).top],
    validate: part === schema ? whole : compileSchema(ajv, part, at),
  });
  if (!schema || typeof schema !== "object") return [{ ...compile(schema), branches: [] }];
  const { allOf, ...rest } = schema as { allOf?: unknown } & Record<string, unknown>;
  const shared = Object.fromEntries(Object.entries(rest).filter(([key]) => SHARED.includes(key)));
  const withShared = (part: unknown): unknown => (part && typeof part === "object" && !Array.isArray(part) ? { ...shared, ...part } : part);
  const restKeys = Object.keys(rest).filter((key) => !SHARED.includes(key) && !ANNOTATIONS.includes(key));
  const conjuncts = Array.isArray(allOf) ? [...allOf.map(withShared), ...(restKeys.length > 0 ? [rest] : [])] : [schema];
  return conjuncts.map((conjunct) => {
    const node = conjunct as Record<string, unknown>;
    const own = node && typeof node === "object" ? Object.keys(node).filter((key) => !SHARED.includes(key) && !ANNOTATIONS.includes(key)) : [];
    const isBareAnyOf = own.length === 1 && own[0] === "anyOf" && Array.isArray(node["anyOf"]);
    return { ...compile(conjunct), branches: isBareAnyOf ? (node["anyOf"] as unknown[]).map((branch) => compile(withShared(branch))) : [] };
  });
}

/** `unknown`: the facts appliesTo reads that are unknown on this document (one to three: a list, not a set). */
export function scopeDespite(parts: SchemaPart[], doc: unknown, unknown: readonly { fact: FactName }[]): "applies" | "not_applicable" | "depends" {
  if (parts.some((part) => independent(part.facts, unknown) && !part.validate(doc))) return "not_applicable";
  const robust = parts.every((part) =>
    independent(part.facts, unknown) ? part.validate(doc) : part.branches.some((b) => independent(b.facts, unknown) && b.validate(doc)),
  );
  return robust ? "applies" : "depends";
}

/** Whether a part reads none of the unknown facts. (A module function: a named closure per call costs a property definition under tsx.) */
function independent(facts: FactName[], unknown: readonly { fact: FactName }[]): boolean {
  for (const { fact } of unknown) if (facts.includes(fact)) return false;
  return true;
}
