/**
 * evaluateBucket prepares each policy array once (its renderers, the facts it reads) and skips the
 * search for unreadable facts on a document that has them all. Neither may change a result: a set
 * whose array changes after a first evaluation is evaluated with its policies as they are now, and
 * a document without some fact gets the same error as from evaluatePolicy, which prepares nothing.
 */
import { describe, expect, it } from "vitest";
import type { BucketDocument } from "../../src/model/index.js";
import { evaluateBucket, evaluatePolicy, loadPolicies } from "../../src/policy/index.js";
import { fixtureDocument } from "../support/policy.js";

const NOW = new Date("2026-06-15T12:00:00Z");
const doc = fixtureDocument("destination-separate-account/fail-same-account");

const oneByOne = (policies: Awaited<ReturnType<typeof loadPolicies>>["policies"], bucket: BucketDocument) => policies.map((policy) => evaluatePolicy(policy, bucket, [], NOW));

describe("policy/evaluateBucket prepared sets", () => {
  it("evaluates with the array's current policies after it changes", async () => {
    const set = await loadPolicies();
    expect(evaluateBucket(set, doc, { now: NOW })).toEqual(oneByOne(set.policies, doc));
    set.policies.reverse();
    const replaced = (await loadPolicies()).policies.find((p) => p.id === "source-versioning-enabled")!;
    set.policies[0] = { ...replaced, severity: "low" };
    const after = evaluateBucket(set, doc, { now: NOW });
    expect(after.map((r) => r.policyId)).toEqual(set.policies.map((p) => p.id));
    expect(after[0]!.severity).toBe("low");
    expect(after).toEqual(oneByOne(set.policies, doc));
    set.policies.pop();
    expect(evaluateBucket(set, doc, { now: NOW })).toHaveLength(set.policies.length);
  });

  it("still finds a fact that was not collected after a document that had them all", async () => {
    const set = await loadPolicies();
    evaluateBucket(set, doc, { now: NOW });
    const partial: BucketDocument = { ...doc, collected: doc.collected.filter((fact) => fact !== "versioning") };
    const results = evaluateBucket(set, partial, { now: NOW });
    expect(results).toEqual(oneByOne(set.policies, partial));
    expect(results.find((r) => r.policyId === "source-versioning-enabled")).toMatchObject({ status: "error", message: expect.stringContaining("versioning of") });
  });
});
