import { describe, expect, it } from "vitest";
import { explainPolicy, loadPolicies } from "../../src/policy/index.js";

describe("policy/explainPolicy", () => {
  it("says what a policy checks in words, with its parameters and schemas", async () => {
    const set = await loadPolicies({ parameters: { "destination-different-region": { allowedDestinationRegions: ["eu-west-1"] } } });
    const text = explainPolicy(set.policies.find((p) => p.id === "destination-different-region")!);
    expect(text).toContain("destination-different-region: A replica is kept in another Region");
    expect(text).toContain("severity: medium");
    expect(text).toContain("  - bucket.replication.configured is true");
    expect(text).toContain('bucket.replication.rules[some].destination.crossRegion is true and bucket.replication.rules[some].destination.region is one of "eu-west-1"');
    expect(text).toContain('allowedDestinationRegions = ["eu-west-1"]  (default [])');
    expect(text).toContain("fix: manual");
    expect(text).toMatch(/check schema:\n {2}\{/);
  });

  it("words destination facts of every-rule policies", async () => {
    const set = await loadPolicies();
    const text = explainPolicy(set.policies.find((p) => p.id === "destination-versioning-enabled")!);
    expect(text).toContain('bucket.replication.rules[each].destination.versioning is "Enabled"');
    expect(text).toContain("Facts read: replication; of destination buckets: versioning");
  });
});
