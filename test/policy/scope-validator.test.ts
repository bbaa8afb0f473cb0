/** appliesTo is only ever asked yes or no: its validator stops at the first mismatch and builds no verbose errors. */
import { describe, expect, it } from "vitest";
import { evaluatePolicy, loadPolicies } from "../../src/policy/index.js";
import { fixtureDocument, minimalPolicy, policyDir } from "../support/policy.js";

const ID = "scope-probe";

describe("policy/appliesTo validator", () => {
  it("stops at the first mismatch (no allErrors, no verbose) and gives the same verdicts", async () => {
    const appliesTo = { properties: { region: { const: "nowhere-1" }, name: { const: "no-such-bucket" } } };
    const set = await loadPolicies({ dirs: [policyDir({ [`${ID}.json`]: minimalPolicy(ID, { appliesTo }) })] });
    const policy = set.policies.find((p) => p.id === ID)!;
    const doc = fixtureDocument("source-versioning-enabled/pass-enabled");
    expect(policy.validators.appliesTo(doc)).toBe(false);
    // allErrors would report both properties, verbose would attach the schema to each error.
    expect(policy.validators.appliesTo.errors).toHaveLength(1);
    expect(policy.validators.appliesTo.errors?.[0]?.schema).toBeUndefined();
    expect(evaluatePolicy(policy, doc, [], new Date()).status).toBe("not_applicable");
    expect(policy.validators.appliesTo({ ...doc, region: "nowhere-1", name: "no-such-bucket" })).toBe(true);
  });
});
