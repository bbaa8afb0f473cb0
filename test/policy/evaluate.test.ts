import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import type { PolicyResult, Suppression } from "../../src/model/index.js";
import { ExpiredSuppressionTracker, evaluateBucket, expiredSuppressions, loadPolicies } from "../../src/policy/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { fixtureDocument, minimalPolicy, policyDir } from "../support/policy.js";

const NOW = new Date("2026-06-15T12:00:00Z");
const sameAccount = fixtureDocument("destination-separate-account/fail-same-account");

function suppression(overrides: Partial<Suppression>): Suppression {
  return { policyId: "destination-separate-account", resource: sameAccount.arn, reason: "log copies stay in the log account", expires: null, ...overrides };
}

async function resultFor(policyId: string, suppressions: Suppression[]): Promise<PolicyResult> {
  const set = await loadPolicies();
  return evaluateBucket(set, sameAccount, { suppressions, now: NOW }).find((r) => r.policyId === policyId) as PolicyResult;
}

describe("policy/evaluateBucket suppressions", () => {
  it("suppresses a failure matched by exact ARN, keeping its message and evidence", async () => {
    const s = suppression({});
    const result = await resultFor("destination-separate-account", [s]);
    expect(result).toMatchObject({ status: "suppressed", suppression: s, message: `rule \`backup\` replicates to prod-logs-replica in the same account ${ACCOUNTS.backup}` });
    expect(result.evidence[0]).toEqual({ pointer: "/replication/rules/0/destination/crossAccount", actual: false, expected: "must be true" });
  });

  it.each([
    ["a matching glob", "arn:aws:s3:::prod-*", "suppressed"],
    ["a glob for other buckets", "arn:aws:s3:::dev-*", "fail"],
    ["a glob whose dots are literal", "arn:aws:s3:::prod.logs", "fail"],
  ])("applies %s", async (_what, resource, status) => {
    expect((await resultFor("destination-separate-account", [suppression({ resource })])).status).toBe(status);
  });

  it("applies through the last day of expires (UTC) and not after", async () => {
    expect((await resultFor("destination-separate-account", [suppression({ expires: "2026-06-15" })])).status).toBe("suppressed");
    expect((await resultFor("destination-separate-account", [suppression({ expires: "2026-06-14" })])).status).toBe("fail");
  });

  it("does not suppress another policy's failure or a pass", async () => {
    expect((await resultFor("destination-separate-account", [suppression({ policyId: "destination-exists" })])).status).toBe("fail");
    expect((await resultFor("destination-exists", [suppression({ policyId: "destination-exists" })])).status).toBe("pass");
  });

  it("refuses an expires that is not a date", async () => {
    await expect(resultFor("destination-separate-account", [suppression({ expires: "next year" })])).rejects.toBeInstanceOf(ConfigError);
  });
});

describe("policy/expiredSuppressions", () => {
  it("reports expired suppressions with the failures they would have hidden", async () => {
    const expired = suppression({ resource: "arn:aws:s3:::prod-*", expires: "2026-01-31" });
    const active = suppression({ expires: "2027-01-01" });
    const set = await loadPolicies();
    const results = evaluateBucket(set, sameAccount, { suppressions: [expired, active], now: NOW });
    expect(expiredSuppressions([expired, active], results, NOW)).toEqual([{ ...expired, matched: 1 }]);
  });

  it("counts a stream of results with constant memory", () => {
    const expired = suppression({ resource: "arn:aws:s3:::bucket-*", expires: "2026-01-01" });
    const tracker = new ExpiredSuppressionTracker([expired], NOW);
    function* results(): Generator<PolicyResult> {
      for (let i = 0; i < 200_000; i++) {
        yield { policyId: expired.policyId, bucketArn: `arn:aws:s3:::bucket-${i}`, bucket: `bucket-${i}`, accountId: "111111111111", region: "us-east-1", status: i % 2 ? "fail" : "pass", severity: "medium", message: "", evidence: [], suppression: null };
      }
    }
    for (const r of results()) tracker.observe(r);
    expect(tracker.expired()).toEqual([{ ...expired, matched: 100_000 }]);
  });
});

describe("policy/evaluateBucket errors", () => {
  it("turns a policy that throws at evaluation into an error result and evaluates the others", async () => {
    // The failure is not inside a replication rule, so there is no rule to print.
    const messages = { pass: "ok", fail: "rule {{rule.id}} fails", not_applicable: "n/a" };
    const dir = policyDir({ "throws.json": minimalPolicy("throws", { messages }) });
    const set = await loadPolicies({ dirs: [dir] });
    const doc = fixtureDocument("source-versioning-enabled/fail-suspended");
    const results = evaluateBucket(set, doc);
    expect(results.find((r) => r.policyId === "throws")).toMatchObject({ status: "error", message: expect.stringMatching(/^policy throws could not be evaluated on prod-data: /) });
    expect(results.find((r) => r.policyId === "source-versioning-enabled")?.status).toBe("fail");
    expect(results).toHaveLength(set.policies.length);
  });

  it("reports not_applicable, not error, when appliesTo already fails on facts that were read", async () => {
    const set = await loadPolicies();
    const doc = fixtureDocument("kms-replica-encryption/not-applicable-no-replication-encryption-denied");
    expect(evaluateBucket(set, doc).find((r) => r.policyId === "kms-replica-encryption")?.status).toBe("not_applicable");
  });
});
