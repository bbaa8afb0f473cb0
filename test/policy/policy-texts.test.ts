/**
 * `loadPolicyTexts`: what reports show of each policy (`replguard report`, `drift`), read and
 * checked like `loadPolicies` but never compiled, so those commands skip the compile's start-up.
 */
import { describe, expect, it } from "vitest";
import { PolicyError } from "../../src/errors.js";
import { loadPolicies, loadPolicyTexts } from "../../src/policy/index.js";
import { minimalPolicy, policyDir } from "../support/policy.js";

const TEXT_FIELDS = ["id", "title", "severity", "description", "rationale", "remediation", "frameworks", "links"] as const;
const textOf = (policy: Record<(typeof TEXT_FIELDS)[number], unknown>) => Object.fromEntries(TEXT_FIELDS.map((field) => [field, policy[field]]));

describe("policy/loadPolicyTexts", () => {
  it("gives exactly the text loadPolicies gives, for the defaults, a pack's severities and a minimal custom policy", async () => {
    const minimal = minimalPolicy("minimal-custom");
    delete minimal.rationale;
    delete minimal.remediation;
    const dir = policyDir({ "minimal-custom.json": minimal });
    for (const options of [{}, { packs: ["baseline"] }, { dirs: [dir] }]) {
      const [texts, set] = await Promise.all([loadPolicyTexts(options), loadPolicies(options)]);
      expect(texts).toEqual(set.policies.map(textOf));
    }
  });

  it("reads a policy whose schema would not compile (nothing is evaluated), and still refuses one the meta-schema refuses", async () => {
    const check = { properties: { replication: { propertes: { configured: { const: true } } } } };
    const dir = policyDir({ "typo.json": minimalPolicy("typo", { check }) });
    await expect(loadPolicies({ dirs: [dir] })).rejects.toBeInstanceOf(PolicyError);
    expect((await loadPolicyTexts({ dirs: [dir] })).find((p) => p.id === "typo")?.title).toBe("Buckets have versioning enabled");
    const bad = policyDir({ "no-title.json": minimalPolicy("no-title", { title: 42 }) });
    await expect(loadPolicyTexts({ dirs: [bad] })).rejects.toBeInstanceOf(PolicyError);
  });
});
