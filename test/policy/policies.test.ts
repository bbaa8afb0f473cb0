/**
 * Every default policy over its fixtures: test/policy/fixtures/<policy-id>/<status>-<what-it-shows>.json.
 * A fixture is { description, message, pointers?, parameters?, base, patch?, rules? }: the file-name
 * prefix is the expected status (pass, fail, not-applicable, error), `message` the exact sentence,
 * `pointers` the failing JSON pointers, `parameters` the policy's config values, and `base` +
 * `patch` + `rules` the bucket document as merge patches over a base (see test/support/policy-fixtures.ts), the merged
 * document itself checked against schemas/bucket-document.schema.json.
 * Adding a policy or a case = adding JSON files under test/policy/fixtures/, no code.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ResultStatus } from "../../src/model/index.js";
import { evaluateBucket, loadPolicies, type PolicySet } from "../../src/policy/index.js";
import { BASES, baseDocument, documentValidator as validateDocument, fixtureDocument, mergePatch, type PatchFixture, FIXTURES_DIR } from "../support/policy-fixtures.js";

const root = FIXTURES_DIR;
const PREFIXES: [string, ResultStatus][] = [
  ["pass-", "pass"],
  ["fail-", "fail"],
  ["not-applicable-", "not_applicable"],
  ["error-", "error"],
];

const policyDirs = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith("_"))
  .map((entry) => entry.name)
  .sort();

const cases = policyDirs.flatMap((policyId) =>
  readdirSync(join(root, policyId))
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => {
      const fixture = JSON.parse(readFileSync(join(root, policyId, name), "utf8")) as PatchFixture;
      const status = PREFIXES.find(([prefix]) => name.startsWith(prefix))?.[1];
      return { policyId, name: name.replace(/\.json$/, ""), status, fixture: { ...fixture, document: fixtureDocument(fixture) } };
    }),
);

// One loaded set per distinct configuration: every fixture without parameters shares the default set.
const sets = new Map<string, Promise<PolicySet>>();
function policySet(policyId: string, parameters: Record<string, unknown> | undefined): Promise<PolicySet> {
  const key = JSON.stringify(parameters ? [policyId, parameters] : null);
  if (!sets.has(key)) sets.set(key, loadPolicies(parameters ? { parameters: { [policyId]: parameters } } : {}));
  return sets.get(key) as Promise<PolicySet>;
}

describe("policies/fixture mergePatch", () => {
  // RFC 7396 appendix A, a few of its test cases.
  it.each([
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])("merges %j with %j", (target, patch, expected) => {
    expect(mergePatch(target, patch)).toEqual(expected);
  });

  it("has a complete, valid document for every base", () => {
    for (const base of BASES) expect(validateDocument(baseDocument(base)), base).toBe(true);
  });
});

describe("policies (fixtures)", () => {
  it("has fixtures for every built-in policy, with at least one pass and one fail each", async () => {
    const set = await loadPolicies();
    expect(policyDirs).toEqual(set.policies.map((p) => p.id));
    for (const policyId of policyDirs) {
      const statuses = cases.filter((c) => c.policyId === policyId).map((c) => c.status);
      expect(statuses, policyId).toContain("pass");
      expect(statuses, policyId).toContain("fail");
    }
  });

  it("names every fixture with a known status prefix", () => {
    expect(cases.filter((c) => c.status === undefined).map((c) => `${c.policyId}/${c.name}`)).toEqual([]);
  });

  describe.each(cases)("$policyId/$name", ({ policyId, status, fixture }) => {
    it("is a valid bucket document", () => {
      const valid = validateDocument(fixture.document);
      expect(validateDocument.errors ?? [], JSON.stringify(validateDocument.errors)).toEqual([]);
      expect(valid).toBe(true);
    });

    it(`evaluates to ${status} with the exact sentence`, async () => {
      const set = await policySet(policyId, fixture.parameters);
      const result = evaluateBucket(set, fixture.document).find((r) => r.policyId === policyId);
      expect(result).toBeDefined();
      expect({ status: result?.status, message: result?.message }).toEqual({ status, message: fixture.message });
      if (status === "fail") {
        expect(result?.evidence.length).toBeGreaterThan(0);
        for (const evidence of result?.evidence ?? []) expect(evidence.expected).toMatch(/^must /);
      } else {
        expect(result?.evidence).toEqual([]);
      }
      if (fixture.pointers) expect(result?.evidence.map((e) => e.pointer)).toEqual(fixture.pointers);
    });
  });
});
