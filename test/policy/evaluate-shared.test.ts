/**
 * Policies with the same schema share one compiled validator (policy/ajv.ts), and a shared
 * appliesTo is asked once a document (policy/evaluate-prepared.ts); the same holds for a pass or
 * not_applicable sentence that reads nothing but the document (policy/template-shared.ts): fewer
 * functions for V8 to warm up and fewer calls, with the same results (evaluate-reference.test.ts
 * compares them with main's).
 */
import Handlebars from "handlebars";
import { beforeAll, describe, expect, it } from "vitest";
import { compiled, preparedSet, sentence } from "../../src/policy/evaluate-prepared.js";
import { renderWithPolicy } from "../../src/policy/messages.js";
import { readsDocumentOnly } from "../../src/policy/template-shared.js";
import type { LoadedPolicy, PolicySet } from "../../src/policy/index.js";
import { evaluateBucket, evaluatePolicy, loadPolicies } from "../../src/policy/index.js";
import { readFileSync } from "node:fs";
import { fixtureDocument, policyDir } from "../support/policy.js";

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

  it("shares a validator with a policy compiled by an earlier load (the compile cache's), not only within one load", async () => {
    // A copy under another id is compiled afresh, on this load's own new instances; the default
    // policies come from the compile cache, compiled on the first load's instances.
    const original = JSON.parse(readFileSync(new URL("../../policies/replication-time-control.json", import.meta.url), "utf8")) as Record<string, unknown>;
    const dir = policyDir({ "copied-time-control.json": { ...original, id: "copied-time-control" } });
    const again = await loadPolicies({ dirs: [dir] });
    const copy = again.policies.find((p) => p.id === "copied-time-control")!;
    expect(copy.validators.appliesTo).toBe(byId("replication-time-control").validators.appliesTo);
    expect(copy.validators.check).toBe(byId("replication-time-control").validators.check);
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

describe("policy sentences shared between policies", () => {
  const parse = (source: string) => Handlebars.parseWithoutProcessing(source) as never;

  it("knows a template that reads nothing but the bucket and its account", () => {
    expect(readsDocumentOnly(parse("{{#if bucket.replication.configured}}{{bucket.name}} has no rule{{else}}{{account.id}}{{/if}}"))).toBe(true);
    expect(readsDocumentOnly(parse('{{plural (count bucket.replication.rules) "rule"}} of {{bucket.name}}'))).toBe(true);
    for (const source of ["{{policy.id}}: {{bucket.name}}", "{{bucket.name}} {{join params.allowed}}", "{{#with bucket}}{{name}}{{/with}}", "{{#each bucket.tags}}{{@key}}{{/each}}", '{{lookup bucket "name"}}', "{{this}}", "{{@root.bucket.name}}"]) {
      expect(readsDocumentOnly(parse(source)), source).toBe(false);
    }
  });

  it("renders one sentence a document for policies whose sentence is the same, and only those", () => {
    const na = (id: string) => renderWithPolicy(byId(id).messages.not_applicable)!.sameFor;
    expect(na("delete-marker-replication-disabled")).toBeDefined();
    expect(na("delete-marker-replication-disabled")).toBe(na("replication-time-control"));
    // Reads params: never shared.
    expect(renderWithPolicy(byId("destination-different-region").messages.pass)!.sameFor).toBeUndefined();
    const prepared = preparedSet(set.policies);
    const slot = (id: string) => prepared.slots[set.policies.indexOf(byId(id))]!.notApplicable;
    expect(slot("delete-marker-replication-disabled")).toBeGreaterThanOrEqual(0);
    expect(slot("delete-marker-replication-disabled")).toBe(slot("replication-time-control"));
    expect(slot("replication-configured")).toBe(-1);
  });

  it("keeps a rendered sentence for the document, and not a render that throws", () => {
    const memo = { scopes: [], sentences: [undefined] };
    let renders = 0;
    const render = () => `sentence ${++renders}`;
    const doc = fixtureDocument("source-versioning-enabled/pass-enabled");
    const fast = compiled(byId("replication-time-control"));
    expect(sentence(render, fast, doc, memo, 0)).toBe("sentence 1");
    expect(sentence(render, fast, doc, memo, 0)).toBe("sentence 1");
    expect(sentence(render, fast, doc, memo, -1)).toBe("sentence 2");
    const failing = { scopes: [], sentences: [undefined] };
    expect(() => sentence(() => { throw new Error("missing"); }, fast, doc, failing, 0)).toThrow("missing");
    expect(failing.sentences[0]).toBeUndefined();
  });
});
