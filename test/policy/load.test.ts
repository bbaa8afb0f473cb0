import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PolicyError } from "../../src/errors.js";
import { loadPolicies, policyRefs } from "../../src/policy/index.js";
import { minimalPolicy, policyDir } from "../support/policy.js";

const DEFAULT_IDS = [
  "delete-marker-replication-disabled",
  "destination-account-verified",
  "destination-denies-source-account",
  "destination-different-region",
  "destination-exists",
  "destination-in-organization",
  "destination-object-lock",
  "destination-owner-override",
  "destination-policy-grants-role",
  "destination-separate-account",
  "destination-versioning-enabled",
  "existing-objects-replicated",
  "kms-replica-encryption",
  "replication-configured",
  "replication-covers-all-objects",
  "replication-role-can-replicate",
  "replication-role-dedicated",
  "replication-role-least-privilege",
  "replication-role-trusts-s3-only",
  "replication-rules-enabled",
  "replication-time-control",
  "source-versioning-enabled",
];

/** The PolicyError a load throws, with its location. */
async function loadError(options: Parameters<typeof loadPolicies>[0]): Promise<PolicyError> {
  const error = await loadPolicies(options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PolicyError);
  return error as PolicyError;
}

describe("policy/loadPolicies", () => {
  it("loads exactly the default policies, each hashed and marked builtin", async () => {
    const set = await loadPolicies();
    expect(set.policies.map((p) => p.id)).toEqual(DEFAULT_IDS);
    for (const ref of policyRefs(set)) {
      expect(ref.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(ref.source).toBe("builtin");
    }
    expect(Object.keys(set.packs).sort()).toEqual(["baseline", "immutability", "resilience"]);
  });

  it("refuses a policy whose id differs from its file name", async () => {
    const dir = policyDir({ "my-policy.json": minimalPolicy("other-policy") });
    const error = await loadError({ dirs: [dir] });
    expect(error.location).toMatchObject({ file: join(dir, "my-policy.json"), pointer: "/id" });
  });

  it.each([
    ["a title starting with Ensure", { title: "Ensure buckets are versioned" }, "/title"],
    ["an unknown severity", { severity: "urgent" }, "/severity"],
    ["a remediation without guidance", { remediation: { fix: "manual" } }, "/remediation/guidance"],
    ["an unknown top-level field", { owner: "me" }, "/owner"],
    ["a check that is not a schema", { check: 42 }, "/check"],
    ["a framework mapping to a string", { frameworks: { SOC2: "A1.2" } }, "/frameworks/SOC2"],
  ])("names the file and JSON pointer of %s", async (_what, override, pointer) => {
    const dir = policyDir({ "bad-policy.json": minimalPolicy("bad-policy", override) });
    const error = await loadError({ dirs: [dir] });
    expect(error.location.file).toBe(join(dir, "bad-policy.json"));
    expect(error.location.pointer).toBe(pointer);
    expect(error.message).toContain(pointer);
  });

  it("refuses a file that is not JSON", async () => {
    const dir = policyDir({ "broken.json": "{ not json" });
    const error = await loadError({ dirs: [dir] });
    expect(error.location).toMatchObject({ file: join(dir, "broken.json"), pointer: "" });
  });

  it("names the misspelt keyword of a schema that does not compile", async () => {
    const check = { properties: { replication: { propertes: { configured: { const: true } } } } };
    const dir = policyDir({ "typo.json": minimalPolicy("typo", { check }) });
    const error = await loadError({ dirs: [dir] });
    expect(error.location).toMatchObject({ policyId: "typo", pointer: "/check/properties/replication/propertes" });
  });

  it("names an unresolvable $ref", async () => {
    const dir = policyDir({ "bad-ref.json": minimalPolicy("bad-ref", { appliesTo: { allOf: [{ $ref: "#/$defs/nothing" }] } }) });
    const error = await loadError({ dirs: [dir] });
    expect(error.location.pointer).toBe("/appliesTo/allOf/0/$ref");
  });

  it("refuses a message template with a syntax error", async () => {
    const messages = { pass: "ok", fail: "{{#if bucket.name}}unclosed", not_applicable: "n/a" };
    const dir = policyDir({ "bad-template.json": minimalPolicy("bad-template", { messages }) });
    expect((await loadError({ dirs: [dir] })).location.pointer).toBe("/messages/fail");
  });

  it("refuses a placeholder naming an undeclared parameter", async () => {
    const check = { properties: { region: { enum: { $param: "regions" } } } };
    const dir = policyDir({ "undeclared.json": minimalPolicy("undeclared", { check }) });
    const error = await loadError({ dirs: [dir] });
    expect(error.location.pointer).toBe("/check/properties/region/enum/$param");
    expect(error.message).toContain('unknown parameter "regions"');
  });

  it("checks a schema against the JSON Schema meta-schema after substitution", async () => {
    const parameters = { regions: { description: "Regions allowed here.", schema: { type: "string" }, default: "us-east-1" } };
    const check = { properties: { region: { enum: { $param: "regions" } } } };
    const dir = policyDir({ "not-a-list.json": minimalPolicy("not-a-list", { parameters, check }) });
    const error = await loadError({ dirs: [dir] });
    expect(error.location.pointer).toBe("/check/properties/region/enum");
    expect(error.message).toContain("must be array");
  });

  it("refuses a parameter default that does not satisfy its schema", async () => {
    const parameters = { regions: { description: "Regions allowed here.", schema: { type: "array" }, default: "us-east-1" } };
    const dir = policyDir({ "bad-default.json": minimalPolicy("bad-default", { parameters }) });
    expect((await loadError({ dirs: [dir] })).location.pointer).toBe("/parameters/regions/default");
  });

  it("refuses config parameters the policy does not declare, or values its schema rejects", async () => {
    const unknownName = await loadError({ parameters: { "destination-separate-account": { allowedAccounts: ["222222222222"] } }, parametersFile: "replguard.json" });
    expect(unknownName.location).toMatchObject({ file: "replguard.json", pointer: "/parameters/destination-separate-account/allowedAccounts" });
    const badValue = await loadError({ parameters: { "destination-separate-account": { allowedDestinationAccounts: ["2222"] } } });
    expect(badValue.location.pointer).toBe("/parameters/destination-separate-account/allowedDestinationAccounts/0");
    const unknownPolicy = await loadError({ parameters: { "no-such-policy": {} } });
    expect(unknownPolicy.location.pointer).toBe("/parameters/no-such-policy");
  });

  it("substitutes configured parameters into the compiled schema", async () => {
    const set = await loadPolicies({ parameters: { "destination-different-region": { allowedDestinationRegions: ["eu-west-1"] } } });
    const policy = set.policies.find((p) => p.id === "destination-different-region");
    expect(policy?.parameters).toEqual({ allowedDestinationRegions: ["eu-west-1"] });
    expect(JSON.stringify(policy?.schemas.check)).toContain('"region":{"enum":["eu-west-1"]}');
    expect(JSON.stringify(policy?.schemas.check)).not.toContain("$param");
  });

  it("lets a --policies directory replace a built-in with the same id and add new ones", async () => {
    const replacement = minimalPolicy("destination-separate-account", { title: "Replicas live in the backup account", severity: "critical" });
    const dir = policyDir({ "destination-separate-account.json": replacement, "extra-policy.json": minimalPolicy("extra-policy") });
    const set = await loadPolicies({ dirs: [dir] });
    expect(set.policies).toHaveLength(DEFAULT_IDS.length + 1);
    const replaced = set.policies.find((p) => p.id === "destination-separate-account");
    expect(replaced).toMatchObject({ title: "Replicas live in the backup account", severity: "critical", source: dir, file: join(dir, "destination-separate-account.json") });
    expect(set.policies.find((p) => p.id === "extra-policy")?.source).toBe(dir);
  });

  it("refuses a --policies directory that does not exist", async () => {
    const error = await loadError({ dirs: ["/nonexistent/replguard-policies"] });
    expect(error.location.file).toBe("/nonexistent/replguard-policies");
  });
});

describe("policy/loadPolicies packs", () => {
  it("restricts to a pack and applies its severity overrides", async () => {
    const set = await loadPolicies({ packs: ["immutability"] });
    expect(set.selectedPacks).toEqual(["immutability"]);
    expect(set.policies.map((p) => p.id)).toEqual(set.packs["immutability"]?.policies.slice().sort());
    expect(set.policies.find((p) => p.id === "destination-object-lock")?.severity).toBe("high");
  });

  it("takes the union of several packs, with the most severe override", async () => {
    const set = await loadPolicies({ packs: ["baseline", "immutability"] });
    expect(set.policies.find((p) => p.id === "destination-separate-account")?.severity).toBe("high");
    expect(set.policies.some((p) => p.id === "kms-replica-encryption")).toBe(true);
    expect(set.policies.some((p) => p.id === "replication-time-control")).toBe(false);
  });

  it("refuses an unknown pack name", async () => {
    expect((await loadError({ packs: ["gold"] })).message).toContain('unknown pack "gold"');
  });

  it("refuses a pack listing a policy that is not loaded, naming file and pointer", async () => {
    const dir = policyDir({ "packs/mine.json": { name: "mine", description: "A pack of my own policies.", policies: ["destination-exists", "no-such-policy"] } });
    const error = await loadError({ dirs: [dir] });
    expect(error.location).toMatchObject({ file: join(dir, "packs", "mine.json"), pointer: "/policies/1" });
  });

  it("loads a pack from a --policies directory", async () => {
    const pack = { name: "mine", description: "A pack of my own policies.", policies: ["destination-exists"], severity: { "destination-exists": "critical" } };
    const set = await loadPolicies({ dirs: [policyDir({ "packs/mine.json": pack })], packs: ["mine"] });
    expect(set.policies.map((p) => [p.id, p.severity])).toEqual([["destination-exists", "critical"]]);
  });
});
