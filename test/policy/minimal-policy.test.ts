/**
 * The smallest useful custom policy: id, title, severity, description, appliesTo, check. No
 * rationale, remediation or messages: `fix` is `manual` and the sentences name the policy, its
 * title, the bucket and, for a failure, each failing pointer with the value found there.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateBucket, explainPolicy, loadPolicies } from "../../src/policy/index.js";
import { fixtureDocument, policyDir, runMain } from "../support/policy.js";
import { readSnapshot } from "../../src/report/index.js";

const MINIMAL = {
  id: "dev-versioning-on",
  title: "Development buckets keep every version",
  severity: "high",
  description: "Every dev- bucket has versioning Enabled.",
  appliesTo: { properties: { name: { pattern: "^dev-" } } },
  check: { properties: { versioning: { properties: { status: { const: "Enabled" } } } } },
};
const PREFIX = "dev-versioning-on (Development buckets keep every version)";

describe("policy/minimal custom policy", () => {
  it("loads with fix manual and a stated absence of rationale and guidance", async () => {
    const set = await loadPolicies({ dirs: [policyDir({ "dev-versioning-on.json": MINIMAL })] });
    const policy = set.policies.find((p) => p.id === MINIMAL.id)!;
    expect(policy.remediation).toEqual({ guidance: "The policy file gives no remediation guidance; see what the policy checks.", fix: "manual" });
    expect(policy.rationale).toBe("The policy file gives no rationale.");
    expect(explainPolicy(policy)).toContain("fix: manual");
  });

  it("writes default pass, fail and not_applicable sentences", async () => {
    const set = await loadPolicies({ dirs: [policyDir({ "dev-versioning-on.json": MINIMAL })] });
    const suspended = fixtureDocument("source-versioning-enabled/fail-suspended");
    const enabled = fixtureDocument("source-versioning-enabled/pass-enabled");
    const resultOf = (doc: typeof suspended) => evaluateBucket(set, doc).find((r) => r.policyId === MINIMAL.id);
    expect(resultOf({ ...suspended, name: "dev-data" })).toMatchObject({
      status: "fail",
      message: `${PREFIX}: dev-data fails at /versioning/status (actual "Suspended", must be "Enabled")`,
    });
    expect(resultOf({ ...enabled, name: "dev-data" })).toMatchObject({ status: "pass", message: `${PREFIX}: dev-data passes` });
    expect(resultOf(suspended)).toMatchObject({ status: "not_applicable", message: `${PREFIX}: does not apply to prod-data` });
  });

  it("keeps the messages it does write and defaults the others", async () => {
    const set = await loadPolicies({ dirs: [policyDir({ "dev-versioning-on.json": { ...MINIMAL, messages: { fail: "{{bucket.name}} can lose versions" } } })] });
    const doc = { ...fixtureDocument("source-versioning-enabled/fail-suspended"), name: "dev-data" };
    expect(evaluateBucket(set, doc).find((r) => r.policyId === MINIMAL.id)?.message).toBe("dev-data can lose versions");
    const enabled = { ...fixtureDocument("source-versioning-enabled/pass-enabled"), name: "dev-data" };
    expect(evaluateBucket(set, enabled).find((r) => r.policyId === MINIMAL.id)?.message).toBe(`${PREFIX}: dev-data passes`);
  });

  it("runs in an audit of the sandbox demo, and every report copes with the defaults", async () => {
    const dir = policyDir({ "dev-versioning-on.json": MINIMAL });
    const out = join(policyDir({}), "reports");
    const run = await runMain(["audit", "--sandbox", "demo", "--policies", dir, "--format", "json,html,sarif,csv", "--out", out, "--quiet"]);
    expect(run.stderr).not.toContain("unexpected");
    const snapshot = await readSnapshot(join(out, "snapshot.json"));
    const mine = snapshot.results.filter((r) => r.policyId === MINIMAL.id);
    expect(mine.find((r) => r.bucket === "dev-notes")).toMatchObject({
      status: "fail",
      message: `${PREFIX}: dev-notes fails at /versioning/status (actual "Disabled", must be "Enabled")`,
    });
    expect(mine.find((r) => r.bucket === "dev-builds")).toMatchObject({ status: "pass", message: `${PREFIX}: dev-builds passes` });
    expect(mine.find((r) => r.bucket === "analytics-events")).toMatchObject({ status: "not_applicable", message: `${PREFIX}: does not apply to analytics-events` });
    expect(mine.some((r) => r.status === "error")).toBe(false);
    expect(await readFile(join(out, "report.html"), "utf8")).toContain("The policy file gives no rationale.");
    expect(await readFile(join(out, "results.sarif"), "utf8")).toContain(MINIMAL.id);
  });
});

describe("docs/policies.md minimal policy", () => {
  it("is the first example of Writing a policy, and loads as written", async () => {
    const doc = await readFile(join(import.meta.dirname, "..", "..", "docs", "policies.md"), "utf8");
    const section = doc.slice(doc.indexOf("## Writing a policy"));
    const example = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
    expect(JSON.parse(example ?? "null")).toEqual(MINIMAL);
    const set = await loadPolicies({ dirs: [policyDir({ "dev-versioning-on.json": example })] });
    expect(set.policies.some((p) => p.id === MINIMAL.id)).toBe(true);
  });
});
