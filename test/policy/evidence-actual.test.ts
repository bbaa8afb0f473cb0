/**
 * Evidence's `actual`: the value at the failing pointer. For a primitive, evidence.ts takes the
 * value ajv judged (its verbose `data`) instead of looking the pointer up again; it must be what
 * the look-up finds, and the look-up must still serve where ajv's data is something else (a
 * missing property, an extra property, a property name, an object).
 */
import { describe, expect, it } from "vitest";
import type { ErrorObject } from "ajv/dist/2020.js";
import { valueAt } from "../../src/json-pointer.js";
import { createPolicyAjv } from "../../src/policy/ajv.js";
import { groupEvidence } from "../../src/policy/evidence.js";

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
