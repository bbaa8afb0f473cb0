/**
 * What scan/iam-derive.ts works out once per policy document and role rather than per bucket
 * (issue #15): a destination bucket policy's other replication grantees. Another role under the
 * same policy must not get the first role's answer (each role is left out of its own list), and
 * every bucket gets its own list (documents share no objects).
 */
import { describe, expect, it } from "vitest";
import type { BucketDocument, ReplicationRule } from "../../src/model/index.js";
import type { PolicyDocument } from "../../src/policy/iam/index.js";
import { destinationPolicyFacts } from "../../src/scan/iam-derive.js";

const SOURCE = "111122223333";
const VAULT = "444455556666";
const role = (name: string): string => `arn:aws:iam::${SOURCE}:role/${name}`;
const policy: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { AWS: [role("a"), role("b")] }, Action: ["s3:Replicate*"], Resource: "arn:aws:s3:::vault/*" },
    { Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "s3:ReplicateObject", Resource: "arn:aws:s3:::vault/*" },
  ],
};
const source = (name: string): BucketDocument => ({ name, arn: `arn:aws:s3:::${name}`, account: { id: SOURCE } }) as unknown as BucketDocument;
const rule = { prefix: "logs/", destination: { bucket: "vault", account: VAULT } } as unknown as ReplicationRule;
const world = { organizationId: "o-org" };

describe("scan/iam-derive: a bucket policy's grantees once per policy and role", () => {
  it("leaves each role out of its own list under the same policy, in any order, with a list of its own per bucket", async () => {
    const a1 = await destinationPolicyFacts(world, source("src-1"), rule, role("a"), policy);
    const b = await destinationPolicyFacts(world, source("src-2"), rule, role("b"), policy);
    const a2 = await destinationPolicyFacts(world, source("src-3"), rule, role("a"), policy);
    expect(a1.otherReplicationGrantees).toEqual([`AWS:${role("b")}`, "Service:s3.amazonaws.com"]);
    expect(b.otherReplicationGrantees).toEqual([`AWS:${role("a")}`, "Service:s3.amazonaws.com"]);
    expect(a2.otherReplicationGrantees).toEqual(a1.otherReplicationGrantees);
    expect(a2.otherReplicationGrantees).not.toBe(a1.otherReplicationGrantees);
    a1.otherReplicationGrantees.push("changed");
    expect((await destinationPolicyFacts(world, source("src-4"), rule, role("a"), policy)).otherReplicationGrantees).toEqual(a2.otherReplicationGrantees);
    expect([a1.grantsRole, b.grantsRole]).toEqual([true, true]);
  });

  it("reads the policy's statements for a role's first bucket there only (the evaluator's own reads are remembered per document too)", async () => {
    let reads = 0;
    const counted = new Proxy(structuredClone(policy), { get: (target, key, receiver) => (key === "Statement" && reads++, Reflect.get(target, key, receiver)) });
    await destinationPolicyFacts(world, source("src-1"), rule, role("a"), counted);
    const first = reads;
    expect(first).toBeGreaterThan(0);
    await destinationPolicyFacts(world, source("src-2"), rule, role("a"), counted);
    expect(reads).toBe(first); // another bucket, the same role and policy: nothing read again
    await destinationPolicyFacts(world, source("src-3"), rule, role("b"), counted);
    expect(reads).toBeGreaterThan(first); // another role: worked out again
  });
});
