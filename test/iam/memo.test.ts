/**
 * The IAM evaluation's shortcuts (issue #15) answer exactly what the plain path answers: remembered
 * decisions are keyed on everything a simulation reads, so queries that differ in any input are
 * simulated apart; pattern sets match what a RegExp per pattern matches; a role's facts are shared
 * only between buckets of the same role and users, each with its own copy.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BucketDocument } from "../../src/model/index.js";
import { decide, IamEvaluationError, wildcardMatch, type AccessQuery, type PolicyDocument } from "../../src/policy/iam/index.js";
import { decisionMemoStats } from "../../src/policy/iam/evaluate.js";
import { BoundedMemo } from "../../src/policy/iam/memo.js";
import { PatternSet } from "../../src/policy/iam/statements.js";
import { roleFacts } from "../../src/scan/iam-derive.js";
import type { RoleRead } from "../../src/scan/iam-role.js";

const ACCOUNT = "111122223333";
const OTHER = "444455556666";
const ROLE = `arn:aws:iam::${OTHER}:role/repl`;
const doc = (...Statement: PolicyDocument["Statement"][]): PolicyDocument => ({ Version: "2012-10-17", Statement: Statement.flat() as PolicyDocument["Statement"] });
const ALL = doc({ Effect: "Allow", Action: "*", Resource: "*" });
const grant = (bucket: string): PolicyDocument => doc({ Effect: "Allow", Principal: { AWS: ROLE }, Action: "s3:ReplicateObject", Resource: `arn:aws:s3:::${bucket}/*` });
const replicate = (bucket: string, resourcePolicy: PolicyDocument | null): AccessQuery => ({
  principal: ROLE,
  action: "s3:ReplicateObject",
  resource: `arn:aws:s3:::${bucket}/x`,
  resourceAccount: ACCOUNT,
  identityPolicies: [ALL],
  resourcePolicy,
});

/** The wildcard match before patterns were compiled once: a RegExp per call. */
function plainWildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, caseInsensitive ? "i" : "").test(value);
}

describe("policy/iam decisions remembered", () => {
  it("answers two buckets whose policies differ differently, and the same query the same way twice", async () => {
    const granted = replicate("vault-a", grant("vault-a"));
    const ungranted = replicate("vault-a", grant("vault-b"));
    expect(await decide(granted)).toBe("allowed");
    expect(await decide(ungranted)).toBe("implicit-deny");
    const before = decisionMemoStats();
    expect(await decide(replicate("vault-a", grant("vault-a")))).toBe("allowed"); // equal content, another object
    expect(decisionMemoStats().hits).toBe(before.hits + 1);
    expect(await decide({ ...granted, context: { "aws:PrincipalOrgID": "o-1" } })).toBe("allowed");
    expect(decisionMemoStats().misses).toBe(before.misses + 1); // another context is another question
  });

  it("tells apart queries that differ in any one input", async () => {
    const base = replicate("vault-a", grant("vault-a"));
    const variants: AccessQuery[] = [
      { ...base, principal: `arn:aws:iam::${OTHER}:role/other` },
      { ...base, action: "s3:ReplicateDelete" },
      { ...base, resource: "arn:aws:s3:::vault-b/x" },
      { ...base, resourceAccount: OTHER, identityPolicies: [], resourcePolicy: null },
      { ...base, identityPolicies: [] },
      { ...base, resourcePolicy: null },
    ];
    expect(await decide(base)).toBe("allowed");
    // The role's own account needs no bucket policy; another account's bucket does.
    expect(await decide({ ...base, resourceAccount: OTHER, resourcePolicy: null })).toBe("allowed");
    expect(await decide({ ...base, resourceAccount: ACCOUNT, resourcePolicy: null })).toBe("implicit-deny");
    for (const variant of variants) expect(await decide(variant), JSON.stringify(variant)).not.toBe("allowed");
  });

  it("still refuses an invalid policy, every time it is asked", async () => {
    const invalid = { ...replicate("vault-a", null), identityPolicies: [{ Statement: [{ Effect: "Maybe", Action: "s3:*", Resource: "*" }] }] };
    await expect(decide(invalid)).rejects.toThrow(IamEvaluationError);
    await expect(decide(invalid)).rejects.toThrow(IamEvaluationError);
  });

  it("forgets its oldest entries past its capacity", () => {
    const memo = new BoundedMemo<number>(2);
    let computed = 0;
    for (const key of ["a", "b", "a", "c", "a"]) memo.get(key, () => ++computed);
    expect(memo.size).toBe(2);
    expect(computed).toBe(4); // a, b, c, then a again once c pushed it out
  });
});

describe("policy/iam patterns", () => {
  const alphabet = fc.constantFrom("a", "b", "/", ".", "*", "?", "\n", "$", "A");
  const text = fc.string({ unit: alphabet, maxLength: 8 });

  it("wildcardMatch answers as a RegExp per call did", () => {
    fc.assert(fc.property(text, text, fc.boolean(), (pattern, value, ci) => wildcardMatch(pattern, value, ci) === plainWildcardMatch(pattern, value, ci)), { numRuns: 3000 });
  });

  it("a PatternSet matches a value when any of its patterns does", () => {
    fc.assert(fc.property(fc.array(text, { maxLength: 6 }), text, (patterns, value) => new PatternSet(patterns).matches(value) === patterns.some((p) => plainWildcardMatch(p, value))), { numRuns: 3000 });
  });
});

describe("scan/roleFacts once per role", () => {
  const role: RoleRead = {
    arn: `arn:aws:iam::${ACCOUNT}:role/repl`,
    exists: true,
    trustPolicy: doc({ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }),
    inline: [{ name: "replicate", document: doc({ Effect: "Allow", Action: "s3:GetReplicationConfiguration", Resource: "arn:aws:s3:::src-a" }) }],
    attached: [],
  };
  const user = (name: string): BucketDocument =>
    ({ name, arn: `arn:aws:s3:::${name}`, tags: {}, replication: { configured: true, role: role.arn, rules: [] } }) as unknown as BucketDocument;

  it("gives each bucket its own copy, and other users other facts", async () => {
    const users = [user("src-a")];
    const first = await roleFacts(role, users, []);
    const second = await roleFacts(role, users, []);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    expect(first.usedByCount).toBe(1);
    first.excessiveGrants.push("changed");
    expect((await roleFacts(role, users, [])).excessiveGrants).toEqual([]);
    // Another users list: src-a is not among the resources the role may read, so its grant is beyond them.
    const others = await roleFacts(role, [user("src-b"), user("src-c")], []);
    expect(others.usedByCount).toBe(2);
    expect(others.excessiveGrants).toHaveLength(1);
    expect(first.excessiveGrants).toEqual(["changed"]);
  });
});
