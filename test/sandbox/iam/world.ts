/** The IAM/KMS sandbox tests' organization: a replication role with every kind of policy, a key, an enforced audit role. */
import type { IamPolicyDocument, Scenario } from "../../../src/sandbox/index.js";
import { ACCOUNTS } from "../../support/accounts.js";
import { account, bucket, replication, scenario, v2Rule } from "../../support/scenario.js";

export const S3_TRUST: IamPolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

export const REPLICATE: IamPolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: ["s3:ReplicateObject", "s3:ReplicateDelete"], Resource: "arn:aws:s3:::vault/*" }],
};

/** An audit role that may read versioning and replication, the IAM reads, and nothing else. */
export const NARROW_AUDIT: IamPolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: ["s3:GetBucketVersioning", "s3:GetReplicationConfiguration", "s3:ListAllMyBuckets"], Resource: "*" },
    { Effect: "Allow", Action: ["iam:GetRole", "iam:ListRolePolicies"], Resource: "*" },
  ],
};

export function iamScenario(): Scenario {
  const base = scenario({
    organization: "o-iamtest123",
    accounts: [
      account(ACCOUNTS.management, "management"),
      account(ACCOUNTS.prod, "prod", {
        auditRole: { policy: NARROW_AUDIT },
        buckets: [
          bucket("prod-src", "eu-west-1", { versioning: "Enabled", tags: { class: "pii" }, replication: replication(ACCOUNTS.prod, "s3-repl", [v2Rule("all", 1, "vault")]) }),
          bucket("prod-locked", "eu-west-1", {
            versioning: "Enabled",
            policy: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:GetBucketVersioning", Resource: "arn:aws:s3:::prod-locked" }] },
          }),
        ],
        roles: [
          {
            name: "s3-repl",
            path: "/service-role/",
            trustPolicy: S3_TRUST,
            inlinePolicies: { replicate: REPLICATE },
            attachedPolicies: [`arn:aws:iam::${ACCOUNTS.prod}:policy/read-source`, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
            maxSessionDuration: 7200,
          },
        ],
        managedPolicies: [{ name: "read-source", document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObjectVersionForReplication", Resource: "arn:aws:s3:::prod-src/*" }] } }],
        kmsKeys: [{ id: "1234abcd-12ab-34cd-56ef-1234567890ab", region: "eu-west-1", alias: "prod-data" }],
      }),
      account(ACCOUNTS.backup, "backup", {
        buckets: [bucket("vault", "eu-west-1", { versioning: "Enabled" })],
        kmsKeys: [
          {
            id: "backup-key",
            region: "eu-west-1",
            policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNTS.backup}:root` }, Action: "kms:*", Resource: "*" }] },
          },
        ],
      }),
    ],
  });
  return { ...base, remediationRole: { name: "replguard-fix", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:PutBucketVersioning", Resource: "*" }] } } };
}
