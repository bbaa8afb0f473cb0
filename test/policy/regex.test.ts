/**
 * Catastrophic patterns cannot hang an audit: suppression globs match in at most
 * (glob × ARN) steps, policy patterns run on RE2. Proved by correctness on inputs that a
 * backtracking engine would never finish, not by the clock.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluatePolicy, findSuppression, loadPolicies } from "../../src/policy/index.js";
import { globMatches } from "../../src/policy/suppressions.js";
import { expectRefusal, fixtureDocument, minimalPolicy, policyDir, runMain } from "../support/policy.js";

describe("policy/suppressions globs", () => {
  it.each([
    ["arn:aws:s3:::dev-*", "arn:aws:s3:::dev-logs", true],
    ["arn:aws:s3:::dev-*", "arn:aws:s3:::prod-logs", false],
    ["*", "", true],
    ["", "", true],
    ["a*b*c", "abc", true],
    ["a*b*c", "aXbYc", true],
    ["a*b*c", "acb", false],
    ["*logs", "arn:aws:s3:::logs-logs", true],
    ["arn:aws:s3:::a.b", "arn:aws:s3:::aXb", false],
    ["a**b", "ab", true],
    ["a*", "b", false],
  ])("%s matches %s: %s", (glob, text, expected) => {
    expect(globMatches(glob, text)).toBe(expected);
  });

  it("matches a pathological glob against a 10,000-character ARN", () => {
    const glob = "arn:aws:s3:::*x*x*x*x*x*y";
    const long = `arn:aws:s3:::${"x".repeat(10_000)}`;
    const suppressions = [{ policyId: "p", resource: glob, reason: "pathological", expires: null }];
    expect(findSuppression(suppressions, "p", long, new Date())).toBeNull();
    expect(findSuppression(suppressions, "p", `${long}y`, new Date())).toEqual(suppressions[0]);
  });
});

describe("policy/patterns", () => {
  it("evaluates ^(x+)+y$ against a 40-character bucket name, with the right verdict", async () => {
    const check = { properties: { name: { pattern: "^(x+)+y$" } } };
    const set = await loadPolicies({ dirs: [policyDir({ "nested-quantifier.json": minimalPolicy("nested-quantifier", { check }) })] });
    const policy = set.policies.find((p) => p.id === "nested-quantifier")!;
    const base = fixtureDocument("destination-exists/pass-resolved");
    const failing = evaluatePolicy(policy, { ...base, name: "x".repeat(40) }, [], new Date());
    expect(failing.status).toBe("fail");
    expect(failing.evidence).toEqual([{ pointer: "/name", actual: "x".repeat(40), expected: "must match /^(x+)+y$/" }]);
    expect(evaluatePolicy(policy, { ...base, name: `${"x".repeat(39)}y` }, [], new Date()).status).toBe("pass");
  });

  it("keeps ECMAScript syntax RE2 spells differently (\\u escapes, named groups) and patternProperties", async () => {
    const check = { properties: { name: { pattern: "^caf\\u00e9-(?<env>dev|prod)$" }, tags: { type: "object", patternProperties: { "^x-\\d+$": { const: "ok" } } } } };
    const set = await loadPolicies({ dirs: [policyDir({ "unicode.json": minimalPolicy("unicode", { check }) })] });
    const policy = set.policies.find((p) => p.id === "unicode")!;
    const base = fixtureDocument("destination-exists/pass-resolved");
    const collected = [...base.collected, "tags" as const];
    expect(evaluatePolicy(policy, { ...base, name: "café-prod", tags: { "x-1": "ok" }, collected }, [], new Date()).status).toBe("pass");
    const failing = evaluatePolicy(policy, { ...base, name: "cafe-prod", tags: { "x-1": "no", y: "no" }, collected }, [], new Date());
    expect(failing.evidence.map((e) => e.pointer)).toEqual(["/name", "/tags/x-1"]);
  });

  it("refuses a lookahead pattern in policies validate, exit 2 naming file and pointer", async () => {
    const check = { properties: { name: { pattern: "^(?!tmp-).*$" } } };
    const dir = policyDir({ "lookahead.json": minimalPolicy("lookahead", { check }) });
    const run = await runMain(["policies", "validate", dir]);
    expectRefusal(run, join(dir, "lookahead.json"), "/check/properties/name/pattern");
    expect(run.stderr).toContain("lookahead");
  });

  it("refuses a backreference in a patternProperties key, naming the key", async () => {
    const check = { properties: { tags: { patternProperties: { "^(a)\\1$": true } } } };
    const dir = policyDir({ "backref.json": minimalPolicy("backref", { check }) });
    expectRefusal(await runMain(["policies", "validate", dir]), join(dir, "backref.json"), "/check/properties/tags/patternProperties/^(a)\\1$");
  });

  it("refuses a lookahead that arrives through a parameter", async () => {
    const parameters = { namePattern: { description: "Pattern bucket names must match.", schema: { type: "string" }, default: "^(?=prod-)" } };
    const check = { properties: { name: { pattern: { $param: "namePattern" } } } };
    const dir = policyDir({ "param-pattern.json": minimalPolicy("param-pattern", { parameters, check }) });
    expectRefusal(await runMain(["policies", "validate", dir]), join(dir, "param-pattern.json"), "/check/properties/name/pattern");
  });
});
