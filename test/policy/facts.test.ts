import { describe, expect, it } from "vitest";
import { factsRead, loadPolicies, requiredFacts } from "../../src/policy/index.js";
import { minimalPolicy, policyDir } from "./helpers.js";

const destination = (schema: object) => ({ properties: { replication: { properties: { rules: { items: { properties: { destination: schema } } } } } } });

describe("policy/factsRead", () => {
  it.each([
    ["top-level properties", { properties: { versioning: {}, encryption: {} } }, ["versioning", "encryption"], []],
    ["required names", { required: ["tags"] }, ["tags"], []],
    ["anyOf / not / if-then-else", { anyOf: [{ not: { properties: { objectLock: {} } } }, { if: true, then: { properties: { tags: {} } }, else: { properties: { encryption: {} } } }] }, ["objectLock", "encryption", "tags"], []],
    ["a local $ref into $defs", { $defs: { lock: { properties: { objectLock: { const: null } } } }, allOf: [{ $ref: "#/$defs/lock" }] }, ["objectLock"], []],
    ["additionalProperties on the document (reads everything)", { additionalProperties: false }, ["versioning", "replication", "objectLock", "encryption", "tags"], []],
    ["destination Object Lock through items", destination({ properties: { objectLock: { type: "object" } } }), ["replication"], ["objectLock"]],
    ["destination versioning through contains and oneOf", { properties: { replication: { properties: { rules: { contains: { oneOf: [{ properties: { destination: { required: ["versioning"] } } }] } } } } } }, ["replication"], ["versioning"]],
    ["destination fields that are not facts", destination({ properties: { crossAccount: { const: true }, region: {} } }), ["replication"], []],
    ["account and bucket identity only", { properties: { account: { properties: { tags: {} } }, name: {}, isReplicaDestination: {} } }, [], []],
  ])("finds the facts read by %s", (_what, schema, top, destinations) => {
    const found = factsRead(schema);
    expect([...found.top].sort()).toEqual([...top].sort());
    expect([...found.destinations].sort()).toEqual([...destinations].sort());
  });
});

describe("policy/requiredFacts", () => {
  it("needs Object Lock only on destinations for the default set", async () => {
    expect(requiredFacts(await loadPolicies())).toEqual({ all: ["versioning", "replication", "encryption"], destinations: ["objectLock"] });
  });

  it("needs no Object Lock for a set without Object Lock policies", async () => {
    const plan = requiredFacts(await loadPolicies({ packs: ["resilience"] }));
    expect(plan.all).not.toContain("objectLock");
    expect(plan.destinations).not.toContain("objectLock");
  });

  it("always collects versioning and replication, even when no policy reads them", async () => {
    const dir = policyDir({ "prod-ou.json": minimalPolicy("prod-ou", { check: { properties: { account: { properties: { ouPath: { pattern: "^Root/" } } } } } }) });
    const set = await loadPolicies({ dirs: [dir] });
    set.policies = set.policies.filter((p) => p.id === "prod-ou");
    expect(requiredFacts(set)).toEqual({ all: ["versioning", "replication"], destinations: [] });
  });

  it("collects tags for every bucket when a custom policy reads bucket tags", async () => {
    const check = { properties: { tags: { type: "object", required: ["data-classification"] } } };
    const set = await loadPolicies({ dirs: [policyDir({ "classified.json": minimalPolicy("classified", { check }) })], packs: [] });
    expect(requiredFacts(set).all).toContain("tags");
  });
});
