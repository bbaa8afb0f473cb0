/**
 * The simulation's fast path (src/policy/iam/fast-path.ts) answers what `runSimulation` answers, on
 * every query shape the scanner asks (source bucket and objects, destination objects under a bucket
 * policy, KMS keys under a key policy, the segregation probe) and on the shapes it must leave to
 * `runSimulation` (wildcard resources, invalid policies, other context keys).
 */
import { createValidatedPolicy, validateIdentityPolicy, validateResourcePolicy } from "@cloud-copilot/iam-policy";
import { typeForContextKey } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import { actionFitsFastPath, fastDecision, fastPathApplies, PLAIN_CONTEXT_KEYS, queryFitsFastPath } from "../../src/policy/iam/fast-path.js";
import { referenceSimulation } from "../support/iam-reference.js";
import type { AccessQuery, PolicyDocument } from "../../src/policy/iam/index.js";
// Not exported by the package: read from its file to check the context keys need no normalising.
import { normalizeContextKeyCase } from "../../node_modules/@cloud-copilot/iam-simulate/dist/esm/context_keys/contextKeys.js";

const SOURCE = "111122223333";
const DEST = "444455556666";
const ROLE = `arn:aws:iam::${SOURCE}:role/repl`;
const doc = (...Statement: PolicyDocument["Statement"][]): PolicyDocument => ({ Version: "2012-10-17", Statement: Statement.flat() as PolicyDocument["Statement"] });

const IDENTITIES: PolicyDocument[][] = [
  [],
  [doc({ Effect: "Allow", Action: "*", Resource: "*" })],
  [doc({ Effect: "Allow", Action: ["s3:Get*", "s3:ListBucket", "s3:Replicate*"], Resource: ["arn:aws:s3:::src-*", "arn:aws:s3:::src-*/*", "arn:aws:s3:::vault/*"] }, { Effect: "Allow", Action: "kms:*", Resource: `arn:aws:kms:eu-west-1:${DEST}:key/k` })],
  [doc({ Effect: "Allow", Action: "s3:*", NotResource: "arn:aws:s3:::vault/*" }), doc({ Effect: "Deny", Action: "s3:ReplicateDelete", Resource: "*" })],
];
const RESOURCE_POLICIES: Array<PolicyDocument | null> = [
  null,
  doc({ Effect: "Allow", Principal: { AWS: ROLE }, Action: ["s3:ReplicateObject", "s3:ReplicateDelete"], Resource: "arn:aws:s3:::vault/*" }),
  doc({ Effect: "Allow", Principal: "*", Action: "*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-org" } } }, { Effect: "Deny", Principal: { AWS: `arn:aws:iam::${SOURCE}:root` }, Action: "s3:DeleteObject", Resource: "arn:aws:s3:::vault/*", Condition: { StringNotEquals: { "aws:PrincipalArn": ROLE } } }),
  doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${SOURCE}:root` }, Action: "kms:*", Resource: "*" }),
];
const TARGETS: Array<[string, string, string]> = [
  ["s3:ListBucket", "arn:aws:s3:::src-a", SOURCE],
  ["s3:GetObjectVersionForReplication", "arn:aws:s3:::src-a/logs/replguard-object", SOURCE],
  ["s3:ReplicateObject", "arn:aws:s3:::vault/replguard-object", DEST],
  ["s3:ReplicateDelete", "arn:aws:s3:::vault/replguard-object", DEST],
  ["s3:DeleteObject", "arn:aws:s3:::vault/replguard-object", DEST],
  ["s3:PutBucketPolicy", "arn:aws:s3:::vault", DEST],
  ["kms:Encrypt", `arn:aws:kms:eu-west-1:${DEST}:key/k`, DEST],
  ["s3:ListBucket", "arn:aws:s3:::vault/replguard-object", DEST], // a bucket action on an object: runSimulation's error
  ["s3:GetObject", "arn:aws:s3:::vault/*", DEST], // a wildcard resource
  ["s3:ListAllMyBuckets", "*", SOURCE], // a wildcard-only action
];
const PROBE = `arn:aws:iam::${SOURCE}:role/replguard-segregation-probe`;
const contextOf = (principal: string, org: boolean): Record<string, string> => ({
  "aws:PrincipalAccount": SOURCE,
  "aws:PrincipalArn": principal,
  "aws:SecureTransport": "true",
  ...(org ? { "aws:PrincipalOrgID": "o-org" } : {}),
});

const slow = referenceSimulation;

/** The fast path's answer, or `undefined` where it leaves the query to `runSimulation` (as evaluate.ts asks it). */
async function fast(query: AccessQuery): Promise<string | undefined> {
  const policies = {
    identity: (query.identityPolicies ?? []).map((p) => createValidatedPolicy(p, validateIdentityPolicy, { name: undefined })),
    resourcePolicy: query.resourcePolicy ? createValidatedPolicy(query.resourcePolicy, validateResourcePolicy, { name: undefined }) : undefined,
  };
  return (await fastPathApplies(query, policies)) ? fastDecision(query, policies) : undefined;
}

describe("policy/iam fast path", () => {
  it("answers as runSimulation on every query shape the scanner asks, and leaves the rest to it", async () => {
    let taken = 0;
    const outcomes = new Set<string>();
    for (const identityPolicies of IDENTITIES)
      for (const resourcePolicy of RESOURCE_POLICIES)
        for (const [action, resource, resourceAccount] of TARGETS)
          for (const [principal, org] of [[ROLE, true], [PROBE, false]] as const) {
              const query: AccessQuery = { principal, action, resource, resourceAccount, identityPolicies, resourcePolicy, context: contextOf(principal, org) };
              const [expected, got] = [await slow(query), await fast(query)];
              if (got === undefined) continue;
              taken++;
              outcomes.add(got);
              expect(got, JSON.stringify(query)).toBe(expected);
            }
    expect(outcomes).toEqual(new Set(["Allowed", "ExplicitlyDenied", "ImplicitlyDenied"]));
    expect(taken).toBe(7 * 4 * 4 * 2); // all but the last three targets, with every identity, resource policy and principal
  });

  it("leaves to runSimulation a wildcard resource, a wrong resource type, an invalid policy and other context keys", async () => {
    const base: AccessQuery = { principal: ROLE, action: "s3:ReplicateObject", resource: "arn:aws:s3:::vault/x", resourceAccount: DEST, identityPolicies: IDENTITIES[1], context: contextOf(ROLE, true) };
    expect(await fast(base)).toBe("ImplicitlyDenied");
    expect(await fast({ ...base, resource: "arn:aws:s3:::vault/*" })).toBeUndefined();
    expect(await fast({ ...base, action: "s3:ListBucket" })).toBeUndefined();
    expect(await fast({ ...base, action: "s3:NoSuchAction" })).toBeUndefined();
    expect(await fast({ ...base, identityPolicies: [{ Statement: { Effect: "Maybe", Action: "*", Resource: "*" } }] })).toBeUndefined();
    expect(await fast({ ...base, context: { "s3:x-amz-server-side-encryption": "aws:kms" } })).toBeUndefined();
    expect(await fast({ ...base, context: { "aws:principalarn": ROLE } })).toBeUndefined();
  });

  it("remembers a resource's shape per pattern list: one resource, actions of other resource types, other answers", async () => {
    const object = "arn:aws:s3:::vault/logs/replguard-object";
    const bucket = "arn:aws:s3:::vault";
    const asked: Array<[string, string, boolean]> = [
      ["s3:GetObject", object, true],
      ["s3:ListBucket", object, false], // the same resource, a bucket action: its own pattern list
      ["s3:ListBucket", bucket, true],
      ["s3:GetObject", bucket, false],
      ["s3:PutObject", object, true],
    ];
    for (const [action, resource, fits] of asked) expect(await actionFitsFastPath(action, resource), `${action} on ${resource}`).toBe(fits);
    // Settled now: answered at once, from the shapes remembered by resource, the same way in any order.
    for (const [action, resource, fits] of [...asked].reverse()) expect(actionFitsFastPath(action, resource), `${action} on ${resource}`).toBe(fits);
  });

  it("remembers only frozen plain contexts as plain: another frozen context is looked at again", () => {
    const none = { identity: [], resourcePolicy: undefined };
    const query = (context: Record<string, string>) => ({ principal: ROLE, resource: "arn:aws:s3:::vault/x", resourceAccount: DEST, context });
    const plain = Object.freeze(contextOf(ROLE, true));
    expect(queryFitsFastPath(query(plain), none)).toBe(true);
    expect(queryFitsFastPath(query(plain), none)).toBe(true);
    expect(queryFitsFastPath(query(Object.freeze({ ...plain, "s3:x-amz-acl": "private" })), none)).toBe(false);
    const open = { ...plain };
    expect(queryFitsFastPath(query(open), none)).toBe(true);
    open["aws:principalarn"] = ROLE; // an unfrozen context can change: not remembered
    expect(queryFitsFastPath(query(open), none)).toBe(false);
  });

  it("passes only context keys that runSimulation would keep as they are: global, canonical, one value", async () => {
    for (const key of PLAIN_CONTEXT_KEYS) {
      expect(await normalizeContextKeyCase(key)).toBe(key);
      expect(String(await typeForContextKey(key))).not.toMatch(/Array/);
    }
  });
});
