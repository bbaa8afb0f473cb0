import { describe, expect, it } from "vitest";
import { factsRead, loadPolicies, requiredFacts } from "../../src/policy/index.js";
import { appliesOnlyToReplicating } from "../../src/policy/facts.js";
import { minimalPolicy, policyDir } from "../support/policy.js";

const destination = (schema: object) => ({ properties: { replication: { properties: { rules: { items: { properties: { destination: schema } } } } } } });

describe("policy/factsRead", () => {
  it.each([
    ["top-level properties", { properties: { versioning: {}, encryption: {} } }, ["versioning", "encryption"], []],
    ["required names", { required: ["tags"] }, ["tags"], []],
    ["anyOf / not / if-then-else", { anyOf: [{ not: { properties: { objectLock: {} } } }, { if: true, then: { properties: { tags: {} } }, else: { properties: { encryption: {} } } }] }, ["objectLock", "encryption", "tags"], []],
    ["a local $ref into $defs", { $defs: { lock: { properties: { objectLock: { const: null } } } }, allOf: [{ $ref: "#/$defs/lock" }] }, ["objectLock"], []],
    ["additionalProperties on the document (reads everything)", { additionalProperties: false }, ["versioning", "replication", "objectLock", "encryption", "tags", "batchReplication"], []],
    ["destination Object Lock through items", destination({ properties: { objectLock: { type: "object" } } }), ["replication"], ["objectLock"]],
    ["destination versioning through contains and oneOf", { properties: { replication: { properties: { rules: { contains: { oneOf: [{ properties: { destination: { required: ["versioning"] } } }] } } } } } }, ["replication"], ["versioning"]],
    ["destination owner and region (learnt from the inventory or HeadBucket)", destination({ properties: { crossAccount: { const: true }, region: {} } }), ["replication"], ["destinationBucket"]],
    ["destination fields as written in the rule", destination({ properties: { ownerOverride: { const: true }, declaredAccount: {}, storageClass: {} } }), ["replication"], []],
    ["account and bucket identity only", { properties: { account: { properties: { tags: {} } }, name: {}, isReplicaDestination: {} } }, [], []],
  ])("finds the facts read by %s", (_what, schema, top, destinations) => {
    const found = factsRead(schema);
    expect([...found.top].sort()).toEqual([...top].sort());
    expect([...found.destinations].sort()).toEqual([...destinations].sort());
  });
});

describe("policy/requiredFacts", () => {
  it("needs encryption only on replicating buckets and Object Lock only on destinations for the default set", async () => {
    expect(requiredFacts(await loadPolicies())).toEqual({
      all: ["versioning", "replication"],
      // tags: the replication role's facts group its buckets by tag (replication-role-dedicated).
      replicating: ["encryption", "tags", "batchReplication"],
      destinations: ["objectLock"],
      access: ["replicationRole", "destinationPolicy", "destinationOwnership", "keyPolicies"],
    });
  });

  it("reads a fact on every bucket when one policy that reads it applies beyond replicating buckets", async () => {
    const check = { properties: { encryption: { type: "object" } }, required: ["encryption"] };
    const dir = policyDir({ "encrypted.json": minimalPolicy("encrypted", { check }) });
    const plan = requiredFacts(await loadPolicies({ dirs: [dir] }));
    expect(plan.all).toContain("encryption");
    expect(plan.replicating).not.toContain("encryption");
  });

  it("recognises an appliesTo limited to replicating buckets, directly or in allOf, and nothing looser", () => {
    const replicating = { properties: { replication: { type: "object", required: ["configured"], properties: { configured: { const: true } } } }, required: ["replication"] };
    expect(appliesOnlyToReplicating(replicating)).toBe(true);
    expect(appliesOnlyToReplicating({ allOf: [{ properties: { encryption: {} } }, replicating] })).toBe(true);
    expect(appliesOnlyToReplicating({ anyOf: [replicating, {}] })).toBe(false);
    // Without `type: "object"`, a null replication (its call failed) would match.
    const loose = structuredClone(replicating) as { properties: { replication: { type?: string } } };
    delete loose.properties.replication.type;
    expect(appliesOnlyToReplicating(loose)).toBe(false);
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
    expect(requiredFacts(set)).toEqual({ all: ["versioning", "replication"], replicating: [], destinations: [] });
  });

  it("collects tags for every bucket when a custom policy reads bucket tags", async () => {
    const check = { properties: { tags: { type: "object", required: ["data-classification"] } } };
    const set = await loadPolicies({ dirs: [policyDir({ "classified.json": minimalPolicy("classified", { check }) })], packs: [] });
    expect(requiredFacts(set).all).toContain("tags");
  });
});
