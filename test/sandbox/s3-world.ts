/**
 * A small organization for the S3 service tests: account 222… owns buckets in every state the
 * S3 handler must tell apart, account 333… owns buckets shared (or not) through bucket policies,
 * and 999… is outside the organization.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { derivedCredentials } from "../../src/sandbox/index.js";
import type { Scenario } from "../../src/sandbox/types.js";

export const MANAGEMENT = "111111111111";
export const PROD = "222222222222";
export const OTHER = "333333333333";
export const OUTSIDER = "999999999999";

export const s3Scenario = (): Scenario => ({
  organization: { id: "o-s3test1234", managementAccountId: MANAGEMENT },
  auditRole: { name: "OrganizationAccountAccessRole", externalId: null },
  accounts: [
    { id: MANAGEMENT, name: "management", buckets: [{ name: "mgmt-trail", region: "us-east-1" }] },
    {
      id: PROD,
      name: "prod",
      ou: "Workloads/Prod",
      buckets: [
        { name: "prod-source", region: "eu-west-1", versioning: "Enabled" },
        { name: "prod-replica", region: "us-east-1", versioning: "Enabled" },
        { name: "prod-unversioned", region: "eu-west-1" },
        { name: "prod-suspended", region: "eu-west-1", versioning: "Suspended" },
        { name: "prod-locked", region: "eu-west-1", versioning: "Enabled", objectLock: { mode: "COMPLIANCE", days: 365 } },
        {
          name: "prod-replicating",
          region: "eu-west-1",
          versioning: "Enabled",
          replication: {
            Role: `arn:aws:iam::${PROD}:role/s3-replication`,
            Rules: [{ ID: "all", Priority: 1, Filter: {}, Status: "Enabled", DeleteMarkerReplication: { Status: "Disabled" }, Destination: { Bucket: "arn:aws:s3:::prod-replica" } }],
          },
        },
        { name: "prod-denied", region: "eu-west-1", versioning: "Enabled", deny: ["GetBucketReplication"] },
        {
          name: "prod-self-denied",
          region: "eu-west-1",
          versioning: "Enabled",
          policy: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: { AWS: "*" }, Action: "s3:GetBucketVersioning", Resource: "arn:aws:s3:::prod-self-*" }] },
        },
        {
          name: "prod-kms",
          region: "eu-west-1",
          encryption: { algorithm: "aws:kms", kmsKeyId: `arn:aws:kms:eu-west-1:${PROD}:key/abc`, bucketKeyEnabled: true },
          tags: { classification: "sensitive", team: "data" },
          policy: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::prod-kms" }] },
        },
      ],
    },
    {
      id: OTHER,
      name: "other",
      buckets: [
        { name: "other-private", region: "us-east-1", versioning: "Enabled" },
        {
          name: "other-shared",
          region: "us-east-1",
          versioning: "Enabled",
          policy: {
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${PROD}:root` }, Action: ["s3:Get*", "s3:ListBucket"], Resource: "arn:aws:s3:::other-shared" },
              { Effect: "Deny", Principal: { AWS: PROD }, Action: "s3:GetEncryptionConfiguration", Resource: "arn:aws:s3:::other-shared" },
            ],
          },
        },
        {
          name: "other-org-shared",
          region: "us-east-1",
          versioning: "Enabled",
          policy: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetBucketVersioning", Resource: "arn:aws:s3:::other-org-*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-s3test1234" } } }],
          },
        },
      ],
    },
  ],
  externalAccounts: [{ id: OUTSIDER, name: "outsider", buckets: [{ name: "outsider-bucket", region: "us-east-1", versioning: "Enabled" }] }],
});

/** A path-style S3 client acting as `accountId` with its long-term keys, signing for `region`. */
export const s3As = (endpoint: string, accountId: string, region = "us-east-1"): S3Client =>
  new S3Client({ endpoint, region, credentials: derivedCredentials(accountId), forcePathStyle: true, maxAttempts: 1 });

/** The SDK error a call threw (fails the test when it resolved). */
export async function errorOf(call: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number }; $response?: { headers: Record<string, string> } } & Record<string, unknown>> {
  try {
    await call;
  } catch (error) {
    return error as never;
  }
  throw new Error("expected the call to fail");
}
