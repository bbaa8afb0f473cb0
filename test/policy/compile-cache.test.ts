import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cachedPolicy } from "../../src/policy/compile-cache.js";
import { loadPolicies, type LoadedPolicy } from "../../src/policy/index.js";
import { minimalPolicy, policyDir } from "../support/policy.js";

const ID = "cache-probe";

describe("policy/loadPolicies compile cache", () => {
  it("compiles a policy once per process for the same file, severity, packs and parameters", async () => {
    const first = await loadPolicies({ packs: ["baseline"] });
    const second = await loadPolicies({ packs: ["baseline"] });
    expect(second.policies.map((p) => p.id)).toEqual(first.policies.map((p) => p.id));
    second.policies.forEach((policy, i) => {
      expect(policy.validators.check).toBe(first.policies[i]!.validators.check);
      expect(policy.messages).toBe(first.policies[i]!.messages);
      // Each set gets its own policy objects: a field set on one is not seen by the other.
      expect(policy).not.toBe(first.policies[i]);
    });
  });

  it("compiles again when anything compilePolicy reads differs: parameters, severity override, or the file's content", async () => {
    const whole = await loadPolicies({});
    const regionOf = (set: typeof whole) => set.policies.find((p) => p.id === "destination-different-region")!;
    const withParameters = await loadPolicies({ parameters: { "destination-different-region": { allowedDestinationRegions: ["eu-west-1"] } } });
    expect(regionOf(withParameters).validators.check).not.toBe(regionOf(whole).validators.check);
    expect(regionOf(withParameters).parameters).toEqual({ allowedDestinationRegions: ["eu-west-1"] });

    const separate = (set: typeof whole) => set.policies.find((p) => p.id === "destination-separate-account")!;
    const immutability = await loadPolicies({ packs: ["immutability"] });
    expect(separate(immutability).severity).toBe("high");
    expect(separate(whole).severity).not.toBe("high");

    const dir = policyDir({ [`${ID}.json`]: minimalPolicy(ID) });
    const before = (await loadPolicies({ dirs: [dir] })).policies.find((p) => p.id === ID)!;
    writeFileSync(join(dir, `${ID}.json`), JSON.stringify(minimalPolicy(ID, { severity: "high", title: "Buckets have versioning turned on" })));
    const after = (await loadPolicies({ dirs: [dir] })).policies.find((p) => p.id === ID)!;
    expect([before.severity, before.title]).toEqual(["low", "Buckets have versioning enabled"]);
    expect([after.severity, after.title]).toEqual(["high", "Buckets have versioning turned on"]);
    // Recompiled (its severity and title are the new file's), while its check schema, unchanged, keeps the validator compiled for that text (policy/ajv.ts).
    expect(after.validators.check).toBe(before.validators.check);
  });

  it("hands out a copy with every field of the compiled policy, in its order, each the same value", async () => {
    const [compiled] = (await loadPolicies({})).policies;
    // A policy with a field of its own per key, so that a field the copy left out or swapped shows.
    const original = Object.fromEntries(Object.keys(compiled!).map((key) => [key, { key }])) as unknown as LoadedPolicy;
    const copy = cachedPolicy([ID, "copy-probe"], () => original);
    expect(copy).not.toBe(original);
    expect(Object.keys(copy)).toEqual(Object.keys(original));
    for (const key of Object.keys(original) as (keyof LoadedPolicy)[]) expect(copy[key]).toBe(original[key]);
  });
});
