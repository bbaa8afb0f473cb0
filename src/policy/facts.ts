/**
 * Which bucket-document facts a policy reads, found by walking its schemas. The scanner calls S3
 * only for facts some loaded policy reads (issue 3: "derive that from the policies"), and the
 * evaluator turns a policy into `error` when a fact it reads could not be collected.
 *
 * The walk follows the document's shape: top-level `properties` (and `required`) name top-level
 * facts; `replication.rules[*].destination.<field>` names the destination fact that fills the field
 * (the FACTS table in model/facts.ts: `versioning`/`objectLock` copied from the destination bucket,
 * `destinationBucket` for owner, region and existence learnt from the inventory or HeadBucket).
 * Anything that could read every property (additionalProperties, patternProperties, a `const` on
 * the whole document, a `$ref` outside the schema) is counted as reading every fact: over-collecting
 * costs a call, under-collecting would turn a real finding into a false `fail`.
 */
import { DESTINATION_FACTS, FACT_NAMES as FACTS, FACTS as TABLE, destinationFieldFact, type AccessFact, type DestinationFact, type FactName, type FactPlan } from "../model/index.js";
import { removedField } from "./schema-paths.js";
import type { PolicyFacts, PolicySet } from "./types.js";

const ALWAYS: readonly FactName[] = ["versioning", "replication"];

type Context = "doc" | "replication" | "roleFacts" | "rules" | "rule" | "destination" | "other";

const IN_PLACE_ARRAYS = ["allOf", "anyOf", "oneOf"] as const;
const IN_PLACE_SINGLE = ["not", "if", "then", "else"] as const;
const OPEN_KEYWORDS = ["additionalProperties", "patternProperties", "unevaluatedProperties", "const", "enum"] as const;

interface Found {
  top: Set<FactName>;
  destinations: Set<DestinationFact>;
  /** Fields of older documents only that the schema reads (`replication.roleFacts.usedBy`), with what replaced them. */
  removed: Map<string, string>;
}

/** Facts read by one schema. */
export function factsRead(schema: unknown): Found {
  const found: Found = { top: new Set(), destinations: new Set(), removed: new Map() };
  walk(schema, "doc", schema, new Set(), found);
  return found;
}

export function policyFacts(appliesTo: unknown, check: unknown): PolicyFacts {
  const a = factsRead(appliesTo);
  const c = factsRead(check);
  return {
    appliesTo: ordered(a.top),
    check: ordered(c.top),
    destinations: DESTINATION_FACTS.filter((fact) => a.destinations.has(fact) || c.destinations.has(fact)),
  };
}

/**
 * The scan plan for a policy set: facts for every bucket, facts only buckets with replication
 * need (every policy reading them applies only to replicating buckets), and facts only
 * destinations need.
 */
export function requiredFacts(set: PolicySet): FactPlan {
  const all = new Set<FactName>(ALWAYS);
  const replicating = new Set<FactName>();
  const destinations = new Set<FactName>();
  const access = new Set<AccessFact>();
  const collectable = (fact: DestinationFact): fact is DestinationFact & FactName => TABLE[fact].kind === "bucket";
  const isAccess = (fact: DestinationFact): fact is AccessFact => TABLE[fact].kind === "access";
  for (const policy of set.policies) {
    const tier = appliesOnlyToReplicating(policy.schemas.appliesTo) ? replicating : all;
    for (const fact of [...policy.facts.appliesTo, ...policy.facts.check]) tier.add(fact);
    // A probe (HeadBucket) is made for every unresolved destination; only bucket facts are planned.
    for (const fact of policy.facts.destinations) if (collectable(fact)) destinations.add(fact);
    for (const fact of policy.facts.destinations) if (isAccess(fact)) access.add(fact);
  }
  // The role's facts group its buckets by tag (tagValues); the source's key comes from its default encryption.
  if (access.has("replicationRole")) replicating.add("tags");
  if (access.has("keyPolicies")) replicating.add("encryption");
  return {
    all: ordered(all),
    replicating: ordered(replicating).filter((fact) => !all.has(fact)),
    destinations: ordered(destinations).filter((fact) => !all.has(fact)),
    ...(access.size === 0 ? {} : { access: (Object.keys(TABLE) as AccessFact[]).filter((fact) => access.has(fact)) }),
  };
}

/**
 * True when the schema can only match a document whose `replication` is an object with
 * `configured: true` — directly or through one member of an `allOf`. Deliberately narrow: a
 * schema it does not recognise keeps its facts in the every-bucket tier.
 */
export function appliesOnlyToReplicating(schema: unknown): boolean {
  if (schema === null || typeof schema !== "object") return false;
  const node = schema as Record<string, unknown>;
  if (Array.isArray(node["allOf"]) && node["allOf"].some(appliesOnlyToReplicating)) return true;
  const replication = (node["properties"] as Record<string, unknown> | undefined)?.["replication"] as Record<string, unknown> | undefined;
  const configured = (replication?.["properties"] as Record<string, unknown> | undefined)?.["configured"] as Record<string, unknown> | undefined;
  return (
    Array.isArray(node["required"]) &&
    node["required"].includes("replication") &&
    replication?.["type"] === "object" &&
    Array.isArray(replication["required"]) &&
    replication["required"].includes("configured") &&
    configured?.["const"] === true
  );
}

const ordered = (facts: Set<FactName>): FactName[] => FACTS.filter((fact) => facts.has(fact));

function walk(schema: unknown, ctx: Context, root: unknown, seen: Set<string>, found: Found): void {
  if (ctx === "other" || schema === null || typeof schema !== "object" || Array.isArray(schema)) return;
  const node = schema as Record<string, unknown>;
  const ref = node["$ref"] ?? node["$dynamicRef"];
  if (typeof ref === "string") followRef(ref, ctx, root, seen, found);
  for (const key of IN_PLACE_ARRAYS) {
    const list = node[key];
    if (Array.isArray(list)) for (const sub of list) walk(sub, ctx, root, seen, found);
  }
  for (const key of IN_PLACE_SINGLE) walk(node[key], ctx, root, seen, found);
  const dependent = node["dependentSchemas"];
  if (dependent && typeof dependent === "object") for (const sub of Object.values(dependent)) walk(sub, ctx, root, seen, found);

  const properties = (node["properties"] ?? {}) as Record<string, unknown>;
  const open = OPEN_KEYWORDS.some((key) => key in node);
  switch (ctx) {
    case "doc": {
      if (open) FACTS.forEach((fact) => found.top.add(fact));
      const required = Array.isArray(node["required"]) ? (node["required"] as unknown[]) : [];
      for (const key of [...Object.keys(properties), ...required]) if (isFact(key)) found.top.add(key);
      walk(properties["replication"], "replication", root, seen, found);
      break;
    }
    case "replication":
      walk(properties["rules"], "rules", root, seen, found);
      walk(properties["roleFacts"], "roleFacts", root, seen, found);
      if ("roleFacts" in properties || (Array.isArray(node["required"]) && node["required"].includes("roleFacts"))) found.destinations.add("replicationRole");
      break;
    case "roleFacts": {
      // A policy that reads a field the document no longer has would pass or fail on its absence.
      const required = Array.isArray(node["required"]) ? (node["required"] as unknown[]) : [];
      for (const key of [...Object.keys(properties), ...required]) {
        const removed = typeof key === "string" ? removedField([{ $ref: "#/$defs/roleFacts" }], key) : undefined;
        if (removed !== undefined) found.removed.set(`replication.roleFacts.${key as string}`, removed);
      }
      break;
    }
    case "rules": {
      for (const key of ["items", "contains", "unevaluatedItems"]) walk(node[key], "rule", root, seen, found);
      if (Array.isArray(node["prefixItems"])) for (const sub of node["prefixItems"]) walk(sub, "rule", root, seen, found);
      break;
    }
    case "rule":
      walk(properties["destination"], "destination", root, seen, found);
      break;
    case "destination": {
      const required = Array.isArray(node["required"]) ? (node["required"] as unknown[]) : [];
      if (open) DESTINATION_FACTS.forEach((fact) => found.destinations.add(fact));
      for (const key of [...Object.keys(properties), ...required]) {
        const fact = typeof key === "string" ? destinationFieldFact(key) : undefined;
        if (fact !== undefined) found.destinations.add(fact);
        // What the role may not do rests on the destination's bucket policy and the key policies too.
        if (key === "roleMissingActions") ["destinationPolicy", "keyPolicies"].forEach((f) => found.destinations.add(f as DestinationFact));
      }
      break;
    }
  }
}

function followRef(ref: string, ctx: Context, root: unknown, seen: Set<string>, found: Found): void {
  const key = `${ctx} ${ref}`;
  if (seen.has(key)) return;
  seen.add(key);
  const target = ref.startsWith("#") ? resolveLocal(root, ref.slice(1)) : undefined;
  if (target !== undefined) {
    walk(target, ctx, root, seen, found);
    return;
  }
  // A reference we cannot follow: assume it reads everything at this level.
  if (ctx === "doc") FACTS.forEach((fact) => found.top.add(fact));
  if (ctx === "destination") DESTINATION_FACTS.forEach((fact) => found.destinations.add(fact));
  if (ctx === "replication" || ctx === "rules" || ctx === "rule") DESTINATION_FACTS.forEach((fact) => found.destinations.add(fact));
}

function resolveLocal(root: unknown, pointer: string): unknown {
  if (pointer === "") return root;
  if (!pointer.startsWith("/")) return undefined;
  let node: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

const isFact = (key: unknown): key is FactName => typeof key === "string" && (FACTS as readonly string[]).includes(key);
