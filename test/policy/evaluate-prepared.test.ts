/**
 * evaluateBucket prepares each policy array once (its renderers, the facts it reads) and skips the
 * search for unreadable facts on a document that has them all. Neither may change a result: a set
 * whose array changes after a first evaluation is evaluated with its policies as they are now, and
 * a document without some fact gets the same error as from evaluatePolicy, which prepares nothing,
 * and a policy that reads none of the facts a document lacks the result evaluatePolicy gives it.
 */
import { describe, expect, it } from "vitest";
import { FACTS, type BucketDocument } from "../../src/model/index.js";
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

  it("reads a document's collected facts by their text, not by which strings name them", async () => {
    const set = await loadPolicies();
    // Strings built at run time: equal text, not the constants (nor JSON's shared short strings).
    const rebuilt = (facts: readonly string[]) => facts.map((fact) => [...fact].join("")) as BucketDocument["collected"];
    const complete: BucketDocument = { ...doc, collected: rebuilt(doc.collected) };
    expect(complete.collected).toEqual(doc.collected);
    expect(evaluateBucket(set, complete, { now: NOW })).toEqual(oneByOne(set.policies, doc));
    const partial: BucketDocument = { ...doc, collected: rebuilt(doc.collected.filter((fact) => fact !== "replication")) };
    const results = evaluateBucket(set, partial, { now: NOW });
    expect(results).toEqual(oneByOne(set.policies, partial));
    expect(results.filter((r) => r.status === "error").length).toBeGreaterThan(0);
  });

  it("evaluates each policy as evaluatePolicy does when a document lacks a fact, whether it reads that fact or not", async () => {
    const set = await loadPolicies();
    const read = [...new Set(set.policies.flatMap((p) => [...p.facts.appliesTo, ...p.facts.check]))];
    expect(read.length).toBeGreaterThan(1);
    let partlyRead = 0;
    for (const fact of read) {
      const notCollected: BucketDocument = { ...doc, collected: doc.collected.filter((f) => f !== fact) };
      const failed: BucketDocument = { ...doc, errors: [{ operation: FACTS[fact].call, code: "AccessDenied", message: "denied" }] };
      for (const lacking of [notCollected, failed]) {
        const results = evaluateBucket(set, lacking, { now: NOW });
        expect(results).toEqual(oneByOne(set.policies, lacking));
      }
      const readers = set.policies.filter((p) => p.facts.appliesTo.includes(fact) || p.facts.check.includes(fact)).length;
      if (readers < set.policies.length) partlyRead++;
    }
    // Facts that some policies read and others do not: the documents lacking them took both paths.
    expect(partlyRead).toBeGreaterThan(0);
  });
});
