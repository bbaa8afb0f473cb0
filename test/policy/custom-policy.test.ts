/**
 * A custom policy written only against the documented bucket document (docs/bucket-document.md):
 * loaded with --policies, with a parameter, a $ref, bucket tags and destination Object Lock, and
 * no code change anywhere.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BucketDocument } from "../../src/model/index.js";
import { evaluateBucket, loadPolicies, requiredFacts } from "../../src/policy/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { fixtureDocument } from "../support/policy.js";

const CUSTOM_DIR = join(import.meta.dirname, "custom");
const ID = "prod-replicas-in-backup-account";

function withTags(doc: BucketDocument, tags: Record<string, string>): BucketDocument {
  return { ...doc, tags, collected: [...doc.collected, "tags", "objectLock"] };
}

describe("policy/custom policies", () => {
  it.each([
    ["pass", fixtureDocument("destination-separate-account/pass-cross-account"), `prod-data keeps its replicas in the backup account ${ACCOUNTS.backup}`],
    [
      "fail",
      fixtureDocument("destination-separate-account/fail-not-allowed-account"),
      `rule \`analytics\` of prod-data (Root/Workloads/Prod) replicates to account ${ACCOUNTS.other}, not the backup account ${ACCOUNTS.backup}`,
    ],
    [
      "fail",
      withTags(fixtureDocument("destination-separate-account/pass-cross-account"), { "data-classification": "restricted" }),
      "rule `backup` of prod-data (Root/Workloads/Prod) replicates to prod-data-replica, which has no Object Lock although the bucket is tagged data-classification=restricted",
    ],
    ["pass", withTags(fixtureDocument("destination-object-lock/pass-locked"), { "data-classification": "restricted" }), `prod-data keeps its replicas in the backup account ${ACCOUNTS.backup}`],
    ["not_applicable", fixtureDocument("destination-separate-account/fail-same-account"), "prod-logs is not a replicating production bucket (Root/Infrastructure)"],
  ])("evaluates to %s: %s", async (status, doc, message) => {
    const set = await loadPolicies({ dirs: [CUSTOM_DIR] });
    const result = evaluateBucket(set, { ...doc, collected: [...new Set([...doc.collected, "tags" as const])] }).find((r) => r.policyId === ID);
    expect({ status: result?.status, message: result?.message }).toEqual({ status, message });
  });

  it("takes its parameter from the config", async () => {
    const set = await loadPolicies({ dirs: [CUSTOM_DIR], parameters: { [ID]: { backupAccount: ACCOUNTS.other } } });
    const doc = fixtureDocument("destination-separate-account/fail-not-allowed-account");
    expect(evaluateBucket(set, { ...doc, collected: [...doc.collected, "tags"] }).find((r) => r.policyId === ID)?.status).toBe("pass");
  });

  it("makes the scan collect bucket tags, and errors where they were not collected", async () => {
    const set = await loadPolicies({ dirs: [CUSTOM_DIR] });
    expect(requiredFacts(set).all).toContain("tags");
    const result = evaluateBucket(set, fixtureDocument("destination-separate-account/pass-cross-account")).find((r) => r.policyId === ID);
    expect(result).toMatchObject({ status: "error", message: "tags of prod-data was not collected (GetBucketTagging was not called), so this policy cannot be evaluated" });
  });
});
