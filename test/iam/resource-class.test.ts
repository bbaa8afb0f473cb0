/**
 * Decisions remembered per resource class and resource types remembered per shape of ARN (issue #15,
 * src/policy/iam/resource-class.ts, resource-types.ts) answer what the simulator answers for each
 * bucket's own ARN: buckets a statement tells apart (named by a Resource, excluded by a NotResource,
 * matched by a policy variable, a `?`, a case) get their own answers; conditions on keys derived from
 * the resource and policy variables are never classed; and buckets a role's policies treat alike are
 * simulated once.
 */
import { allowedContextKeysForRequest } from "@cloud-copilot/iam-simulate";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { clearDecisionMemo, decisionMemoStats } from "../../src/policy/iam/evaluate.js";
import { decide, type AccessDecision, type AccessQuery, type PolicyDocument, type PolicyStatement } from "../../src/policy/iam/index.js";
import { resourceClass } from "../../src/policy/iam/resource-class.js";
import { hasOneResourceType, resourceShape } from "../../src/policy/iam/resource-types.js";
import { referenceSimulation } from "../support/iam-reference.js";

const SOURCE = "111122223333";
const DEST = "444455556666";
const ROLE = `arn:aws:iam::${SOURCE}:role/repl`;
const CONTEXT = { "aws:PrincipalAccount": SOURCE, "aws:PrincipalArn": ROLE, "aws:SecureTransport": "true" };
const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement });
const ALLOW_ALL: PolicyStatement = { Effect: "Allow", Action: "*", Resource: "*" };
const object = (bucket: string): string => `arn:aws:s3:::${bucket}/logs/replguard-object`;

/** The simulator's own answer for the query, with no memo and no fast path. */
async function reference(query: AccessQuery): Promise<AccessDecision | "error"> {
  const result = await referenceSimulation(query);
  return result === "error" ? "error" : result === "Allowed" ? "allowed" : result === "ExplicitlyDenied" ? "explicit-deny" : "implicit-deny";
}

const ask = (identity: PolicyDocument, bucket: string, extra: Partial<AccessQuery> = {}): AccessQuery => ({
  principal: ROLE,
  action: "s3:GetObjectVersionForReplication",
  resource: object(bucket),
  resourceAccount: SOURCE,
  identityPolicies: [identity],
  context: CONTEXT,
  ...extra,
});

/** Asks `named` then `other` (and the other way round, from a cold memo): each answer must be the simulator's, and they must differ. */
async function expectTold(queries: [AccessQuery, AccessQuery]): Promise<void> {
  const expected = [await reference(queries[0]), await reference(queries[1])];
  expect(expected[0]).not.toBe(expected[1]);
  for (const order of [[0, 1], [1, 0]]) {
    clearDecisionMemo();
    for (const i of order) expect(await decide(queries[i] as AccessQuery), (queries[i] as AccessQuery).resource).toBe(expected[i]);
  }
}

describe("policy/iam decisions by resource class", () => {
  beforeEach(() => clearDecisionMemo());

  it("simulates once for buckets a role's policies treat alike, and says so", async () => {
    const identity = doc({ Effect: "Allow", Action: "s3:GetObjectVersion*", Resource: `arn:aws:s3:::g7-a3-*/*` });
    for (const bucket of ["g7-a3-b1", "g7-a3-b2", "g7-a3-other-name", "elsewhere"]) expect(await decide(ask(identity, bucket))).toBe(await reference(ask(identity, bucket)));
    const stats = decisionMemoStats();
    expect(stats.simulations).toBe(2); // one per class: the account's buckets, and the bucket outside
    expect(stats.classHits).toBe(2);
    expect(resourceClass(ask(identity, "g7-a3-b1"))).toBe(resourceClass(ask(identity, "g7-a3-b2")));
  });

  it("tells apart the bucket a Resource names from another of the same shape", async () => {
    const identity = doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::only-this-one/*" }, { Effect: "Allow", Action: "s3:ListBucket", Resource: "*" });
    await expectTold([ask(identity, "only-this-one"), ask(identity, "only-that-one")]);
    // Resource ids are case-sensitive and `?` is one character; the partition, service, region and account are not case-sensitive.
    await expectTold([ask(doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::only-this-on?/*" }), "only-this-one"), ask(doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::only-this-on?/*" }), "Only-this-one")]);
    await expectTold([ask(doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:AWS:S3:::only-this-one/*" }), "only-this-one"), ask(doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:AWS:S3:::only-this-one/*" }), "only-that-one")]);
  });

  it("tells apart the bucket a NotResource excludes, in a bucket policy as in an identity policy", async () => {
    const identity = doc(ALLOW_ALL, { Effect: "Deny", Action: "s3:*", NotResource: ["arn:aws:s3:::only-this-one/*", "arn:aws:kms:*:*:key/*"] });
    await expectTold([ask(identity, "only-this-one"), ask(identity, "only-that-one")]);
    const bucketPolicy = doc({ Effect: "Allow", Principal: { AWS: ROLE }, Action: "s3:ReplicateObject", NotResource: "arn:aws:s3:::only-this-one/*" });
    const replicate = (bucket: string): AccessQuery => ask(doc(ALLOW_ALL), bucket, { action: "s3:ReplicateObject", resourceAccount: DEST, resourcePolicy: bucketPolicy });
    await expectTold([replicate("only-this-one"), replicate("only-that-one")]);
  });

  it("tells apart the bucket a policy variable names, and never classes a resource with a variable", async () => {
    const identity = doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::${aws:PrincipalAccount}-vault/*" });
    await expectTold([ask(identity, `${SOURCE}-vault`), ask(identity, `${DEST}-vault`)]);
    expect(resourceClass(ask(identity, `${SOURCE}-vault`))).toBeUndefined();
  });

  it("never classes a resource under a condition on a key derived from the resource", async () => {
    for (const key of ["aws:ResourceAccount", "s3:ResourceAccount", "aws:ResourceOrgID", "aws:ResourceTag/env", "s3:BucketTag/env", "s3:ExistingObjectTag/env"]) {
      const identity = doc({ Effect: "Allow", Action: "s3:*", Resource: "*", Condition: { StringEquals: { [key]: SOURCE } } });
      expect(resourceClass(ask(identity, "only-this-one")), key).toBeUndefined();
      if (!key.endsWith("ResourceAccount")) continue;
      // The simulator reads the key from the request context: with it, each bucket's own answer.
      const told = (bucket: string, account: string): AccessQuery => ask(identity, bucket, { context: { ...CONTEXT, [key]: account } });
      await expectTold([told("only-this-one", SOURCE), told("only-that-one", DEST)]);
    }
    expect(resourceClass(ask(doc({ Effect: "Allow", Action: "s3:*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-1" } } }), "b"))).toBe("|");
  });

  it("classes only what it can read: no short ARN, no other service's ARN that could match, no KMS request", () => {
    const classOf = (Resource: string, query: Partial<AccessQuery> = {}): string | undefined => resourceClass(ask(doc({ Effect: "Allow", Action: "*", Resource }), "b", query));
    expect(classOf("arn:aws:s3:::b/*")).toBe("1|");
    expect(classOf("arn:aws:kms:eu-west-1:111122223333:key/k")).toBe("|"); // never matches an S3 ARN: nothing to tell
    expect(classOf("arn:aws:s3")).toBeUndefined();
    expect(classOf("arn:*:*:*:*:b/*")).toBeUndefined();
    expect(classOf("arn:aws:s3:::${*}")).toBeUndefined();
    expect(classOf("*", { action: "kms:Decrypt", resource: "arn:aws:kms:eu-west-1:111122223333:key/k" })).toBeUndefined();
    expect(classOf("*", { resource: "arn:aws:s3:::b/*" })).toBeUndefined();
  });

  it("answers as the simulator on random policies and buckets, asked in any order", async () => {
    const part = fc.constantFrom("a", "b", "A", "-", ".", "*", "?", "/");
    const id = fc.string({ unit: part, minLength: 1, maxLength: 6 });
    const bucket = fc.string({ unit: fc.constantFrom("a", "b", "A", "-", "."), minLength: 1, maxLength: 4 });
    const statement = fc.record({
      Effect: fc.constantFrom("Allow", "Deny"),
      Action: fc.constantFrom("s3:*", "s3:GetObjectVersionForReplication", "s3:ListBucket"),
      element: fc.constantFrom("Resource", "NotResource"),
      ids: fc.array(id, { minLength: 1, maxLength: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(statement, { minLength: 1, maxLength: 3 }), fc.array(fc.tuple(bucket, fc.constantFrom("", "/x", "/a/b")), { minLength: 2, maxLength: 5 }), async (statements, resources) => {
        clearDecisionMemo();
        const identity = doc(...statements.map((s) => ({ Effect: s.Effect, Action: s.Action, [s.element]: s.ids.map((i) => `arn:aws:s3:::${i}`) })));
        for (const [name, key] of resources) {
          const query = ask(identity, name, { resource: `arn:aws:s3:::${name}${key}`, action: key === "" ? "s3:ListBucket" : "s3:GetObjectVersionForReplication" });
          const expected = await reference(query);
          if (expected === "error") continue;
          expect(await decide(query), JSON.stringify(query)).toBe(expected);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe("policy/iam resource types by shape of ARN", () => {
  const library = (service: string, action: string, resource: string): Promise<boolean> => allowedContextKeysForRequest(service, action, resource, false, undefined).then(() => true, () => false);

  it("gives two buckets' objects one shape, and a bucket and an object two", async () => {
    const shape = (resource: string) => resourceShape("s3", "DeleteObject", resource);
    expect(await shape("arn:aws:s3:::g7-a3-b17/logs/replguard-object")).toBe(await shape("arn:aws:s3:::g7-a12-b4/logs/replguard-object"));
    expect(await shape("arn:aws:s3:::g7-a3-b17/logs/replguard-object")).toBe(await shape("arn:aws:s3:::vault.example/logs/replguard-object"));
    expect(await shape("arn:aws:s3:::g7-a3-b17")).not.toBe(await shape("arn:aws:s3:::g7-a3-b17/logs/replguard-object"));
    expect(await shape("arn:aws:s3:::b*")).toBeUndefined();
  });

  it("keeps a run of characters as long as a pattern can count it", async () => {
    // `package-group/${DomainName}${EncodedPackageGroupPattern}`: two variables after the slash need two characters.
    const group = (name: string) => `arn:aws:codeartifact:eu-west-1:${SOURCE}:package-group/${name}`;
    for (const name of ["zz", "z", "zzzzzz"]) expect(await hasOneResourceType("codeartifact", "DeletePackageGroup", group(name)), name).toBe(await library("codeartifact", "DeletePackageGroup", group(name)));
    expect(await library("codeartifact", "DeletePackageGroup", group("z"))).toBe(false);
    expect(await library("codeartifact", "DeletePackageGroup", group("zz"))).toBe(true);
  });

  it("answers as the library on random ARNs, whichever ARN of a shape came first", async () => {
    // The characters the patterns' literals are made of (accesspoint/…/object/, key/, s3, kms), separators, and others.
    const char = fc.constantFrom("a", "c", "e", "s", "p", "o", "b", "j", "k", "y", "x", "3", "S", "A", "/", ":", "-", ".", "_");
    const text = (max: number) => fc.string({ unit: char, maxLength: max });
    const arn = fc.tuple(fc.constantFrom("aws", "aws-cn", ""), fc.constantFrom("s3", "kms", "S3", ""), fc.constantFrom("", "eu-west-1"), fc.constantFrom("", SOURCE), text(14)).map((p) => `arn:${p.join(":")}`);
    const action = fc.constantFrom(["s3", "DeleteObject"], ["s3", "ListBucket"], ["s3", "GetReplicationConfiguration"], ["s3", "ReplicateObject"], ["kms", "Decrypt"]);
    await fc.assert(
      fc.asyncProperty(action, arn, async ([service, name], resource) => {
        expect(await hasOneResourceType(service as string, name as string, resource), `${service}:${name} ${resource}`).toBe(await library(service as string, name as string, resource));
      }),
      { numRuns: 300 },
    );
  });
});
