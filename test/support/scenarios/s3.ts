/**
 * The S3 service tests' organization: ACCOUNTS.prod owns buckets in every state the S3 handler
 * must tell apart, ACCOUNTS.other owns buckets shared (or not) with prod through bucket policies,
 * and ACCOUNTS.external is outside the organization.
 */
import type { Scenario } from "../../../src/sandbox/index.js";
import { ACCOUNTS } from "../accounts.js";
import { account, bucket, replication, scenario } from "../scenario.js";

export const s3Scenario = (): Scenario =>
  scenario({
    organization: "o-s3test1234",
    accounts: [
      account(ACCOUNTS.management, "management", { buckets: [bucket("mgmt-trail", "us-east-1")] }),
      account(ACCOUNTS.prod, "prod", {
        ou: "Workloads/Prod",
        buckets: [
          bucket("prod-source", "eu-west-1", { versioning: "Enabled" }),
          bucket("prod-replica", "us-east-1", { versioning: "Enabled" }),
          bucket("prod-unversioned", "eu-west-1"),
          bucket("prod-suspended", "eu-west-1", { versioning: "Suspended" }),
          bucket("prod-locked", "eu-west-1", { versioning: "Enabled", objectLock: { mode: "COMPLIANCE", days: 365 } }),
          bucket("prod-replicating", "eu-west-1", {
            versioning: "Enabled",
            replication: replication(ACCOUNTS.prod, "s3-replication", [
              { ID: "all", Priority: 1, Filter: {}, Status: "Enabled", DeleteMarkerReplication: { Status: "Disabled" }, Destination: { Bucket: "arn:aws:s3:::prod-replica" } },
            ]),
          }),
          bucket("prod-denied", "eu-west-1", { versioning: "Enabled", deny: ["GetBucketReplication"] }),
          bucket("prod-self-denied", "eu-west-1", {
            versioning: "Enabled",
            policy: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: { AWS: "*" }, Action: "s3:GetBucketVersioning", Resource: "arn:aws:s3:::prod-self-*" }] },
          }),
          bucket("prod-kms", "eu-west-1", {
            encryption: { algorithm: "aws:kms", kmsKeyId: `arn:aws:kms:eu-west-1:${ACCOUNTS.prod}:key/abc`, bucketKeyEnabled: true },
            tags: { classification: "sensitive", team: "data" },
            policy: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::prod-kms" }] },
          }),
        ],
      }),
      account(ACCOUNTS.other, "other", {
        buckets: [
          bucket("other-private", "us-east-1", { versioning: "Enabled" }),
          bucket("other-shared", "us-east-1", {
            versioning: "Enabled",
            policy: {
              Version: "2012-10-17",
              Statement: [
                { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNTS.prod}:root` }, Action: ["s3:Get*", "s3:ListBucket"], Resource: "arn:aws:s3:::other-shared" },
                { Effect: "Deny", Principal: { AWS: ACCOUNTS.prod }, Action: "s3:GetEncryptionConfiguration", Resource: "arn:aws:s3:::other-shared" },
              ],
            },
          }),
          bucket("other-org-shared", "us-east-1", {
            versioning: "Enabled",
            policy: {
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetBucketVersioning", Resource: "arn:aws:s3:::other-org-*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-s3test1234" } } }],
            },
          }),
        ],
      }),
    ],
    external: [account(ACCOUNTS.external, "outsider", { buckets: [bucket("outsider-bucket", "us-east-1", { versioning: "Enabled" })] })],
  });
