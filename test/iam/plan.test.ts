import { describe, expect, it } from "vitest";
import { loadPolicies, requiredFacts } from "../../src/policy/index.js";

describe("policy/requiredFacts (access facts)", () => {
  it("plans no IAM, bucket-policy or key-policy read unless a loaded policy reads one", async () => {
    const set = await loadPolicies({});
    const others = { ...set, policies: set.policies.filter((p) => !ACCESS_POLICIES.includes(p.id)) };
    expect(requiredFacts(others).access).toBeUndefined();
  });
});

const ACCESS_POLICIES: string[] = [];
