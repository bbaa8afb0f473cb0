/**
 * The IAM evaluator wrapper, table-tested with the examples of the AWS documentation:
 * - evaluation logic: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * - wildcards in Action/Resource: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 * - NotAction: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
 * - NotResource: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
 * - aws:SourceAccount / aws:SourceArn (confused deputy): https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 * - aws:PrincipalOrgID: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 * - s3:x-amz-server-side-encryption-aws-kms-key-id: https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
 */
import { describe, expect, it } from "vitest";
import { decide, grantsBeyond, trustedPrincipals, type AccessDecision, type AccessQuery, type PolicyDocument } from "../../src/policy/iam/index.js";

const ACCOUNT = "111122223333";
const OTHER = "444455556666";
const USER = `arn:aws:iam::${ACCOUNT}:user/Bob`;
const doc = (...Statement: PolicyDocument["Statement"][]): PolicyDocument => ({ Version: "2012-10-17", Statement: Statement.flat() as PolicyDocument["Statement"] });

const BUCKET_ALL = doc({ Effect: "Allow", Action: "s3:*", Resource: "*" });

const CASES: Array<[string, AccessQuery, AccessDecision]> = [
  // Evaluation logic: "an explicit deny in any of these policies overrides the allow".
  ["explicit deny in a bucket policy overrides an identity allow", { principal: USER, action: "s3:DeleteObject", resource: "arn:aws:s3:::amzn-s3-demo-bucket/x", resourceAccount: ACCOUNT, identityPolicies: [BUCKET_ALL], resourcePolicy: doc({ Effect: "Deny", Principal: "*", Action: "s3:DeleteObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/*" }) }, "explicit-deny"],
  ["no statement allows: implicit deny", { principal: USER, action: "s3:GetObject", resource: "arn:aws:s3:::amzn-s3-demo-bucket/x", resourceAccount: ACCOUNT, identityPolicies: [doc({ Effect: "Allow", Action: "s3:ListBucket", Resource: "*" })] }, "implicit-deny"],
  // Wildcards in actions and resources.
  ["s3:Get* allows s3:GetObject", { principal: USER, action: "s3:GetObject", resource: "arn:aws:s3:::amzn-s3-demo-bucket/x", resourceAccount: ACCOUNT, identityPolicies: [doc({ Effect: "Allow", Action: "s3:Get*", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/*" })] }, "allowed"],
  ["s3:Get* does not allow s3:PutObject", { principal: USER, action: "s3:PutObject", resource: "arn:aws:s3:::amzn-s3-demo-bucket/x", resourceAccount: ACCOUNT, identityPolicies: [doc({ Effect: "Allow", Action: "s3:Get*", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/*" })] }, "implicit-deny"],
  ["a resource wildcard does not reach another bucket", { principal: USER, action: "s3:GetObject", resource: "arn:aws:s3:::other-bucket/x", resourceAccount: ACCOUNT, identityPolicies: [doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/*" })] }, "implicit-deny"],
  // NotAction: "allow access to all actions in all AWS services except for IAM".
  ["Allow NotAction iam:* allows S3", { principal: USER, action: "s3:ListAllMyBuckets", resource: "*", resourceAccount: ACCOUNT, identityPolicies: [doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })] }, "allowed"],
  ["Allow NotAction iam:* does not allow IAM", { principal: USER, action: "iam:GetRole", resource: `arn:aws:iam::${ACCOUNT}:role/x`, resourceAccount: ACCOUNT, identityPolicies: [doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })] }, "implicit-deny"],
  // NotResource: "deny everything except HRBucket/Payroll".
  ["Deny NotResource denies any other bucket", { principal: USER, action: "s3:GetObject", resource: "arn:aws:s3:::other/x", resourceAccount: ACCOUNT, identityPolicies: [BUCKET_ALL, doc({ Effect: "Deny", Action: "s3:*", NotResource: ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"] })] }, "explicit-deny"],
  ["Deny NotResource spares the named bucket", { principal: USER, action: "s3:GetObject", resource: "arn:aws:s3:::HRBucket/Payroll/x", resourceAccount: ACCOUNT, identityPolicies: [BUCKET_ALL, doc({ Effect: "Deny", Action: "s3:*", NotResource: ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"] })] }, "allowed"],
  // Cross-account: both the identity policy and the resource policy must allow.
  ["cross-account without a bucket policy grant", { principal: `arn:aws:iam::${OTHER}:role/repl`, action: "s3:ReplicateObject", resource: "arn:aws:s3:::vault/x", resourceAccount: ACCOUNT, identityPolicies: [BUCKET_ALL] }, "implicit-deny"],
  ["cross-account with a bucket policy grant to the role", { principal: `arn:aws:iam::${OTHER}:role/repl`, action: "s3:ReplicateObject", resource: "arn:aws:s3:::vault/x", resourceAccount: ACCOUNT, identityPolicies: [BUCKET_ALL], resourcePolicy: doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER}:role/repl` }, Action: ["s3:ReplicateObject", "s3:ReplicateDelete"], Resource: "arn:aws:s3:::vault/*" }) }, "allowed"],
  // Confused deputy: a service may assume the role only for the named source account and ARN.
  ["trust with aws:SourceAccount and aws:SourceArn, matching", { principal: "s3.amazonaws.com", action: "sts:AssumeRole", resource: `arn:aws:iam::${ACCOUNT}:role/repl`, resourceAccount: ACCOUNT, resourcePolicy: doc({ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": "arn:aws:s3:::src-*" } } }), context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": "arn:aws:s3:::src-data" } }, "allowed"],
  ["trust with aws:SourceAccount, another account", { principal: "s3.amazonaws.com", action: "sts:AssumeRole", resource: `arn:aws:iam::${ACCOUNT}:role/repl`, resourceAccount: ACCOUNT, resourcePolicy: doc({ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }), context: { "aws:SourceAccount": OTHER, "aws:SourceArn": "arn:aws:s3:::src-data" } }, "implicit-deny"],
  // aws:PrincipalOrgID: every principal of the organization, none outside.
  ["aws:PrincipalOrgID grants a principal of the organization", { principal: `arn:aws:iam::${OTHER}:role/reader`, action: "s3:GetObject", resource: "arn:aws:s3:::shared/x", resourceAccount: ACCOUNT, identityPolicies: [BUCKET_ALL], resourcePolicy: doc({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::shared/*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-exampleorgid" } } }), context: { "aws:PrincipalOrgID": "o-exampleorgid" } }, "allowed"],
  ["aws:PrincipalOrgID refuses a principal of another organization", { principal: `arn:aws:iam::${OTHER}:role/reader`, action: "s3:GetObject", resource: "arn:aws:s3:::shared/x", resourceAccount: ACCOUNT, identityPolicies: [BUCKET_ALL], resourcePolicy: doc({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::shared/*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-exampleorgid" } } }), context: { "aws:PrincipalOrgID": "o-someoneelse" } }, "implicit-deny"],
  // Require a specific KMS key on upload.
  ["s3:x-amz-server-side-encryption-aws-kms-key-id: another key is denied", { principal: USER, action: "s3:PutObject", resource: "arn:aws:s3:::vault/x", resourceAccount: ACCOUNT, identityPolicies: [BUCKET_ALL], resourcePolicy: doc({ Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: "arn:aws:s3:::vault/*", Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": `arn:aws:kms:us-east-1:${ACCOUNT}:key/good` } } }), context: { "s3:x-amz-server-side-encryption-aws-kms-key-id": `arn:aws:kms:us-east-1:${ACCOUNT}:key/other` } }, "explicit-deny"],
  ["s3:x-amz-server-side-encryption-aws-kms-key-id: the required key passes", { principal: USER, action: "s3:PutObject", resource: "arn:aws:s3:::vault/x", resourceAccount: ACCOUNT, identityPolicies: [BUCKET_ALL], resourcePolicy: doc({ Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: "arn:aws:s3:::vault/*", Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": `arn:aws:kms:us-east-1:${ACCOUNT}:key/good` } } }), context: { "s3:x-amz-server-side-encryption-aws-kms-key-id": `arn:aws:kms:us-east-1:${ACCOUNT}:key/good` } }, "allowed"],
];

describe("policy/iam decide", () => {
  it.each(CASES)("%s", async (_name, query, expected) => {
    expect(await decide(query)).toBe(expected);
  });
});

describe("policy/iam trustedPrincipals", () => {
  it("lists the principals an Allow of sts:AssumeRole names, and `*` for NotPrincipal", () => {
    expect(trustedPrincipals(doc({ Effect: "Allow", Principal: { Service: ["s3.amazonaws.com", "batchoperations.s3.amazonaws.com"] }, Action: "sts:AssumeRole" }))).toEqual(["Service:batchoperations.s3.amazonaws.com", "Service:s3.amazonaws.com"]);
    expect(trustedPrincipals(doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:*" }, { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole" }))).toEqual([`AWS:arn:aws:iam::${ACCOUNT}:root`]);
    expect(trustedPrincipals(doc({ Effect: "Allow", NotPrincipal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: "sts:AssumeRole" }))).toEqual(["*"]);
    expect(trustedPrincipals(doc({ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:TagSession" }))).toEqual([]);
  });
});

describe("policy/iam grantsBeyond", () => {
  const bounds = { actions: ["s3:GetReplicationConfiguration", "s3:ListBucket", "s3:ReplicateObject", "s3:ReplicateObjectAnnotation", "s3:ReplicateDelete", "s3:ReplicateTags"], resources: ["arn:aws:s3:::src", "arn:aws:s3:::dst/*"] };
  it("passes a statement whose wildcard names only allowed actions on allowed resources", async () => {
    expect(await grantsBeyond([{ name: "repl", document: doc({ Effect: "Allow", Action: ["s3:ReplicateO*", "s3:ReplicateDelete"], Resource: "arn:aws:s3:::dst/*" }) }], bounds)).toEqual([]);
  });
  it("expands a wildcard against AWS's action list: s3:Replicate* also names s3:ReplicateObjectAnnotation", async () => {
    const [excess] = await grantsBeyond([{ name: "repl", document: doc({ Effect: "Allow", Action: "s3:Replicate*", Resource: "arn:aws:s3:::dst/*" }) }], {
      ...bounds,
      actions: bounds.actions.filter((action) => action !== "s3:ReplicateObjectAnnotation"),
    });
    expect(excess).toEqual({ policy: "repl", statement: "#0", actions: ["s3:Replicate*"], resources: [] });
  });
  it("names s3:*, a `*` resource, NotAction and NotResource as grants beyond the bounds", async () => {
    const excess = await grantsBeyond(
      [
        { name: "wide", document: doc({ Sid: "All", Effect: "Allow", Action: ["s3:*", "s3:ListBucket"], Resource: "*" }) },
        { name: "not", document: doc({ Effect: "Allow", NotAction: "iam:*", NotResource: "arn:aws:s3:::x" }, { Effect: "Deny", Action: "*", Resource: "*" }) },
      ],
      bounds,
    );
    expect(excess).toEqual([
      { policy: "wide", statement: "All", actions: ["s3:*"], resources: ["*"] },
      { policy: "not", statement: "#0", actions: ["NotAction iam:*"], resources: ["NotResource arn:aws:s3:::x"] },
    ]);
  });
});
