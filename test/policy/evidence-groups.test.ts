/**
 * groupEvidence's several-failure path (parallel arrays and an insertion sort) and expectedWords'
 * cached `const`/`enum` words, against the maps-and-sort implementation they replaced, kept here
 * as the reference: the same groups, the same evidence, in the same order, for any mix of errors.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ErrorObject } from "ajv/dist/2020.js";
import { ajvErrorPointer, valueAt } from "../../src/json-pointer.js";
import { expectedWords, groupEvidence, ruleIndexOf, type EvidenceGroup } from "../../src/policy/evidence.js";

const WRAPPERS = new Set(["anyOf", "oneOf", "allOf", "if", "contains", "false schema", "unevaluatedItems"]);

/** The reference: groupEvidence's several-error path as it was (maps, then a sort). */
function referenceGroups(doc: unknown, errors: ErrorObject[]): EvidenceGroup[] {
  const leaves = errors.filter((e) => !WRAPPERS.has(e.keyword));
  const used = leaves.length > 0 ? leaves : errors;
  const byPointer = new Map<string, { expected: string[] }>();
  for (const error of used) {
    const pointer = ajvErrorPointer(error);
    const entry = byPointer.get(pointer) ?? { expected: [] };
    const words = referenceWords(error);
    if (!entry.expected.includes(words)) entry.expected.push(words);
    byPointer.set(pointer, entry);
  }
  const groups = new Map<string, EvidenceGroup>();
  for (const [pointer, { expected }] of byPointer) {
    const ruleIndex = ruleIndexOf(pointer);
    const key = ruleIndex === null ? "bucket" : String(ruleIndex);
    const group = groups.get(key) ?? { ruleIndex, evidence: [] };
    group.evidence.push({ pointer, actual: valueAt(doc, pointer) ?? null, expected: expected.join(" or ") });
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => (a.ruleIndex ?? -1) - (b.ruleIndex ?? -1));
}

const show = (value: unknown): string => JSON.stringify(value ?? null);
function referenceWords(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  if (error.keyword === "const") return `must be ${show(p["allowedValue"])}`;
  if (error.keyword === "enum") {
    const values = (p["allowedValues"] as unknown[]) ?? [];
    return values.length === 1 ? `must be ${show(values[0])}` : `must be one of ${values.map(show).join(", ")}`;
  }
  if (error.keyword === "type") return `must be ${String(p["type"]).split(",").join(" or ")}`;
  if (error.keyword === "minItems") return `must have at least ${String(p["limit"])} item${p["limit"] === 1 ? "" : "s"}`;
  if (error.keyword === "maxItems") return `must have at most ${String(p["limit"])} item${p["limit"] === 1 ? "" : "s"}`;
  if (error.keyword === "not") {
    const s = error.schema as Record<string, unknown>;
    return `must not be ${"const" in s ? show(s["const"]) : Array.isArray(s["enum"]) ? `one of ${s["enum"].map(show).join(", ")}` : `matching ${JSON.stringify(s)}`}`;
  }
  return expectedWords(error);
}

const doc = {
  versioning: { status: "Suspended" },
  replication: {
    rules: [
      { id: "a", enabled: false, destination: { bucket: "x", versioning: null } },
      { id: "b", enabled: true, destination: { bucket: "y", versioning: "Suspended" } },
      { id: "c", enabled: true, destination: { bucket: "z", versioning: "Enabled" } },
    ],
  },
};

// Shared schema values, as ajv hands them over (the schema's own array), and fresh ones.
const ENUM = ["Enabled", "Suspended"];
const ONE = ["Enabled"];
const pointer = fc.constantFrom(
  "",
  "/versioning/status",
  "/replication",
  "/replication/rules/0/enabled",
  "/replication/rules/0/destination/versioning",
  "/replication/rules/1/destination/versioning",
  "/replication/rules/2/enabled",
  "/replication/rules/10",
);
// Schemas under `not`, as ajv hands them over: the same object every time, or another one.
const NOT_ENABLED = { const: "Enabled" };
const error = fc
  .record({
    keyword: fc.constantFrom("const", "enum", "type", "required", "anyOf", "if", "minItems", "maxItems", "not"),
    instancePath: pointer,
    value: fc.constantFrom<unknown>("Enabled", true, 1, null, ENUM, ONE, { a: 1 }),
    limit: fc.constantFrom(0, 1, 2),
    verbose: fc.boolean(),
  })
  .map(({ keyword, instancePath, value, limit, verbose }): ErrorObject => {
    const params: Record<string, unknown> =
      keyword === "const"
        ? { allowedValue: value }
        : keyword === "enum"
          ? { allowedValues: Array.isArray(value) ? value : [value, "x"] }
          : keyword === "type"
            ? { type: "string,null" }
            : keyword === "required"
              ? { missingProperty: "status" }
              : keyword === "minItems" || keyword === "maxItems"
                ? { limit }
                : {};
    const schema = keyword === "not" ? (limit === 0 ? NOT_ENABLED : { enum: ENUM }) : undefined;
    // With ajv's `verbose`, `data` is the value it judged at instancePath: several errors at one
    // pointer take the first one's (evidence.ts actualAt), which must be what the look-up finds.
    const data = verbose ? valueAt(doc, instancePath) : undefined;
    return { keyword, instancePath, schemaPath: "#", params, schema, ...(verbose ? { data } : {}) } as ErrorObject;
  });

describe("policy/evidence groupEvidence with several errors", () => {
  it("gives the groups the maps and the sort gave, for any mix of errors", () => {
    fc.assert(
      fc.property(fc.array(error, { minLength: 2, maxLength: 12 }), (errors) => {
        // Twice: the second time the words come from the cache.
        expect(groupEvidence(doc, errors)).toEqual(referenceGroups(doc, errors));
        expect(groupEvidence(doc, errors)).toEqual(referenceGroups(doc, errors));
      }),
      { numRuns: 300 },
    );
  });

  it("puts bucket-level evidence first, then rules in document order, whatever order the errors came in", () => {
    const at = (instancePath: string): ErrorObject => ({ keyword: "const", instancePath, schemaPath: "#", params: { allowedValue: "Enabled" } }) as ErrorObject;
    const groups = groupEvidence(doc, [at("/replication/rules/2/enabled"), at("/replication/rules/0/enabled"), at("/versioning/status"), at("/replication/rules/0/destination/versioning")]);
    expect(groups.map((g) => [g.ruleIndex, g.evidence.map((e) => e.pointer)])).toEqual([
      [null, ["/versioning/status"]],
      [0, ["/replication/rules/0/enabled", "/replication/rules/0/destination/versioning"]],
      [2, ["/replication/rules/2/enabled"]],
    ]);
  });
});

describe("policy/evidence expectedWords, cached by schema value", () => {
  it("spells the words afresh for a different value, cached or not", () => {
    const word = (keyword: string, params: object) => expectedWords({ keyword, instancePath: "", schemaPath: "#", params } as ErrorObject);
    expect(word("const", { allowedValue: "Enabled" })).toBe('must be "Enabled"');
    expect(word("const", { allowedValue: "Enabled" })).toBe('must be "Enabled"');
    expect(word("const", { allowedValue: 1 })).toBe("must be 1");
    expect(word("const", { allowedValue: "1" })).toBe('must be "1"');
    expect(word("const", { allowedValue: null })).toBe("must be null");
    expect(word("enum", { allowedValues: ENUM })).toBe('must be one of "Enabled", "Suspended"');
    expect(word("enum", { allowedValues: ENUM })).toBe('must be one of "Enabled", "Suspended"');
    expect(word("enum", { allowedValues: ["Enabled", "Suspended", null] })).toBe('must be one of "Enabled", "Suspended", null');
    expect(word("enum", { allowedValues: ONE })).toBe('must be "Enabled"');
  });

  it("spells type, minItems, maxItems and not afresh for a different value, and the same for the same one", () => {
    const word = (keyword: string, params: object, schema?: object) => expectedWords({ keyword, instancePath: "", schemaPath: "#", params, schema } as ErrorObject);
    for (let twice = 0; twice < 2; twice++) {
      expect(word("type", { type: "string,null" })).toBe("must be string or null");
      expect(word("type", { type: "object" })).toBe("must be object");
      expect(word("minItems", { limit: 1 })).toBe("must have at least 1 item");
      expect(word("minItems", { limit: 2 })).toBe("must have at least 2 items");
      expect(word("maxItems", { limit: 1 })).toBe("must have at most 1 item");
      expect(word("maxItems", { limit: 0 })).toBe("must have at most 0 items");
      expect(word("not", {}, NOT_ENABLED)).toBe('must not be "Enabled"');
      expect(word("not", {}, { enum: ENUM })).toBe('must not be one of "Enabled", "Suspended"');
      expect(word("not", {}, { minimum: 3 })).toBe('must not be matching {"minimum":3}');
    }
  });
});
