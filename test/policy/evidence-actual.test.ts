/**
 * Evidence's `actual`: the value at the failing pointer. For a primitive, evidence.ts takes the
 * value ajv judged (its verbose `data`) instead of looking the pointer up again; it must be what
 * the look-up finds, and the look-up must still serve where ajv's data is something else (a
 * missing property, an extra property, a property name, an object).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ErrorObject } from "ajv/dist/2020.js";
import { valueAt } from "../../src/json-pointer.js";
import { createPolicyAjv } from "../../src/policy/ajv.js";
import { groupEvidence, ruleIndexOf } from "../../src/policy/evidence.js";

const doc = {
  versioning: { status: "Suspended" },
  tags: { "bad key": "x" },
  replication: { rules: [{ id: "a", enabled: false, destination: { account: null, extra: 1 } }] },
};

function evidenceOf(schema: object) {
  const validate = createPolicyAjv().compile(schema);
  expect(validate(doc)).toBe(false);
  return groupEvidence(doc, validate.errors ?? []).flatMap((group) => group.evidence);
}

describe("policy/evidence actual values", () => {
  it("takes a primitive from ajv's verbose data: the value ajv judged, not a second look-up", () => {
    const error = { keyword: "const", instancePath: "/versioning/status", schemaPath: "#", params: { allowedValue: "Enabled" }, data: "judged" } as ErrorObject;
    expect(groupEvidence(doc, [error])[0]!.evidence[0]).toEqual({ pointer: "/versioning/status", actual: "judged", expected: 'must be "Enabled"' });
  });

  it("finds what the pointer look-up finds, for every kind of failure", () => {
    const cases: object[] = [
      { properties: { versioning: { properties: { status: { const: "Enabled" } } } } },
      { properties: { replication: { properties: { rules: { items: { properties: { enabled: { const: true } } } } } } } },
      { properties: { replication: { properties: { rules: { items: { properties: { destination: { properties: { account: { type: "string" } } } } } } } } } },
      { properties: { replication: { properties: { rules: { items: { properties: { destination: { required: ["region"] } } } } } } } },
      { properties: { replication: { properties: { rules: { items: { properties: { destination: { properties: { account: true }, additionalProperties: false } } } } } } } },
      { properties: { tags: { propertyNames: { pattern: "^[a-z]+$" } } } },
      { properties: { replication: { properties: { rules: { maxItems: 0 } } } } },
    ];
    for (const schema of cases) {
      const evidence = evidenceOf(schema);
      expect(evidence.length, JSON.stringify(schema)).toBeGreaterThan(0);
      for (const e of evidence) expect(e.actual, e.pointer).toEqual(valueAt(doc, e.pointer) ?? null);
    }
    // A property name's failure points at the object, not at the key ajv judged.
    expect(evidenceOf({ properties: { tags: { propertyNames: { pattern: "^[a-z]+$" } } } })[0]!.actual).toEqual({ "bad key": "x" });
  });
});

describe("policy/evidence ruleIndexOf", () => {
  it("reads the rule of a pointer exactly as the regular expression it replaces", () => {
    const RULE_POINTER = /^\/replication\/rules\/(\d+)(?:\/|$)/;
    // Long digit runs too: the index is read as the digits are, exact up to 15 of them, then by Number().
    const piece = fc.constantFrom("/replication", "/rules", "/", "0", "1", "12", "007", "x", "~1", "a", "", "123456789012345", "9007199254740993", "18446744073709551617");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), (parts) => {
        const pointer = parts.join("");
        const match = RULE_POINTER.exec(pointer);
        expect(ruleIndexOf(pointer)).toBe(match ? Number(match[1]) : null);
      }),
      { numRuns: 3000 },
    );
    expect([ruleIndexOf("/replication/rules/3/destination"), ruleIndexOf("/replication/rules/3"), ruleIndexOf("/replication/rules/3x"), ruleIndexOf("/replication/rules/")]).toEqual([3, 3, null, null]);
  });
});
