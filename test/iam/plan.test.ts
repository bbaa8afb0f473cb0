import { describe, expect, it } from "vitest";
import { loadPolicies, requiredFacts } from "../../src/policy/index.js";

describe("policy/requiredFacts (access facts)", () => {
  it("plans no IAM, bucket-policy or key-policy read unless a loaded policy reads one", async () => {
    const set = await loadPolicies({});
    const others = { ...set, policies: set.policies.filter((p) => !ACCESS_POLICIES.includes(p.id)) };
    expect(requiredFacts(others).access).toBeUndefined();
  });
});

const ACCESS_POLICIES = ["replication-role-trusts-s3-only", "replication-role-least-privilege", "replication-role-can-replicate", "destination-policy-grants-role", "destination-denies-source-account", "replication-role-dedicated"];

describe("policy/requiredFacts (the access policies)", () => {
  it("plans the role, the destination's bucket policy and Object Ownership and the key policies for the default set, tags and encryption for replicating buckets", async () => {
    const plan = requiredFacts(await loadPolicies({}));
    expect(plan.access).toEqual(["replicationRole", "destinationPolicy", "destinationOwnership", "keyPolicies"]);
    expect(plan.replicating).toContain("tags");
  });

  it("plans only the role for a trust-policy check", async () => {
    const set = await loadPolicies({});
    const trust = { ...set, policies: set.policies.filter((p) => p.id === "replication-role-trusts-s3-only") };
    expect(requiredFacts(trust).access).toEqual(["replicationRole"]);
  });
});
