/**
 * A field bucket document 2.0.0 removed (`replication.roleFacts.usedBy`, replaced by
 * `usedByCount`): a custom policy that reads it, in a message or in its schemas, is refused when it
 * loads (exit 2, one line naming the file, where, the field and what replaced it), since on a 2.x
 * document it would print nothing or pass and fail on the field's absence. Paths are checked
 * against the current shape: the field's 1.x description stays in the schema for reading old files.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateBucket, loadPolicies } from "../../src/policy/index.js";
import { expectRefusal, fixtureDocument, minimalPolicy, policyDir, runMain } from "../support/policy.js";

const REPLACED = "removed in bucket document 2.0.0 and replaced by usedByCount";
const messages = (fail: string) => ({ pass: "{{bucket.name}} ok", fail, not_applicable: "n/a" });
const readsUsedBy = { properties: { replication: { properties: { roleFacts: { properties: { usedBy: { maxItems: 1 } } } } } } };

describe("policy/fields of 1.x documents only", () => {
  it.each([
    ["printed", "{{join bucket.replication.roleFacts.usedBy}}"],
    ["inside #with", "{{#with bucket.replication.roleFacts}}{{usedBy}}{{/with}}"],
    ["looped over", "{{#each bucket.replication.roleFacts.usedBy}}{{this}}{{/each}}"],
  ])("refuses a message that reads roleFacts.usedBy (%s), saying what replaced it", async (_how, fail) => {
    const dir = policyDir({ "shared-role.json": minimalPolicy("shared-role", { messages: messages(fail) }) });
    const run = await runMain(["policies", "validate", dir]);
    expectRefusal(run, join(dir, "shared-role.json"), "/messages/fail");
    expect(run.stderr).toContain(`has no field "usedBy": ${REPLACED}`);
  });

  it.each([
    ["check", { check: readsUsedBy }],
    ["appliesTo", { appliesTo: { properties: { replication: { type: "object", properties: { roleFacts: { required: ["usedBy"] } } } } } }],
    ["check, through allOf", { check: { allOf: [readsUsedBy] } }],
  ])("refuses a policy whose %s reads roleFacts.usedBy, naming the field and what replaced it", async (where, overrides) => {
    const dir = policyDir({ "shared-role.json": minimalPolicy("shared-role", overrides) });
    const run = await runMain(["policies", "validate", dir]);
    expectRefusal(run, join(dir, "shared-role.json"), `/${where.split(",")[0]}`);
    expect(run.stderr).toContain(`reads bucket.replication.roleFacts.usedBy, which the bucket document no longer has: ${REPLACED}`);
  });

  it("accepts usedByCount, in the check and the message", async () => {
    const dir = policyDir({
      "one-bucket-role.json": minimalPolicy("one-bucket-role", {
        appliesTo: { properties: { replication: { type: "object", required: ["roleFacts"] } }, required: ["replication"] },
        check: { properties: { replication: { properties: { roleFacts: { properties: { usedByCount: { const: 1 } } } } } } },
        messages: messages("role {{bucket.replication.role}} serves {{plural bucket.replication.roleFacts.usedByCount \"bucket\"}}"),
      }),
    });
    const set = await loadPolicies({ dirs: [dir] });
    const doc = fixtureDocument("replication-role-dedicated/fail-shared-across-classifications");
    const result = evaluateBucket(set, doc).find((r) => r.policyId === "one-bucket-role");
    expect(result).toMatchObject({ status: "fail", message: "role arn:aws:iam::222222222222:role/s3-replication serves 2 buckets" });
  });
});
