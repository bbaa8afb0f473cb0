/**
 * Policies with the same schema share one compiled validator (policy/ajv.ts), and a shared
 * appliesTo is asked once a document (policy/evaluate.ts): fewer functions for V8 to warm up and
 * fewer calls, with the same results (evaluate-reference.test.ts compares them with main's).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { LoadedPolicy, PolicySet } from "../../src/policy/index.js";
import { evaluateBucket, evaluatePolicy, loadPolicies } from "../../src/policy/index.js";
import { fixtureDocument } from "../support/policy.js";

const NOW = new Date("2026-06-15T12:00:00Z");
let set: PolicySet;
beforeAll(async () => {
  set = await loadPolicies();
});

const byId = (id: string): LoadedPolicy => set.policies.find((p) => p.id === id)!;

describe("policy validators shared between policies", () => {
  it("compiles an appliesTo written alike in several policies once", () => {
    const enabledRule = ["delete-marker-replication-disabled", "replication-time-control", "destination-versioning-enabled"].map(byId);
    expect(JSON.stringify(enabledRule[0]!.schemas.appliesTo)).toBe(JSON.stringify(enabledRule[1]!.schemas.appliesTo));
    expect(new Set(enabledRule.map((p) => p.validators.appliesTo)).size).toBe(1);
    // Different schemas keep their own validators.
    expect(byId("replication-configured").validators.appliesTo).not.toBe(enabledRule[0]!.validators.appliesTo);
    const distinct = new Set(set.policies.map((p) => JSON.stringify(p.schemas.appliesTo))).size;
    expect(new Set(set.policies.map((p) => p.validators.appliesTo)).size).toBe(distinct);
  });

  it("asks a shared appliesTo once a document, and gives each policy its answer", () => {
    const doc = fixtureDocument("destination-separate-account/fail-same-account");
    let calls = 0;
    const shared = byId("replication-time-control").validators.appliesTo;
    const counting = Object.assign((data: unknown) => (calls++, shared(data)), { errors: null });
    const policies = set.policies.map((p) => (p.validators.appliesTo === shared ? { ...p, validators: { ...p.validators, appliesTo: counting } } : p));
    const sharing = policies.filter((p) => p.validators.appliesTo === counting).length;
    expect(sharing).toBeGreaterThan(5);
    const results = evaluateBucket({ ...set, policies }, doc, { now: NOW });
    expect(calls).toBe(1);
    expect(results).toEqual(set.policies.map((p) => evaluatePolicy(p, doc, [], NOW)));
    calls = 0;
    evaluateBucket({ ...set, policies }, fixtureDocument("source-versioning-enabled/pass-enabled"), { now: NOW });
    expect(calls).toBe(1);
  });
});
