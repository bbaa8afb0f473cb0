/** The access tests' organization: a well-built pipeline and a badly built one into a backup account, and a role shared across classifications. */
import type { IamPolicyDocument, Scenario } from "../../src/sandbox/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { account, bucket, replication, scenario, v2Rule } from "../support/scenario.js";

const doc = (...Statement: Array<Record<string, unknown>>): IamPolicyDocument => ({ Version: "2012-10-17", Statement });
const S3_TRUST = doc({ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" });
export const GOOD_ROLE = `arn:aws:iam::${ACCOUNTS.prod}:role/repl-good`;
export const BAD_ROLE = `arn:aws:iam::${ACCOUNTS.prod}:role/repl-bad`;
export const SOURCE_KEY = `arn:aws:kms:eu-west-1:${ACCOUNTS.prod}:key/src-key`;
export const REPLICA_KEY = `arn:aws:kms:eu-central-1:${ACCOUNTS.backup}:key/vault-key`;

const sourceReads = (...buckets: string[]) => ({
  Effect: "Allow",
  Action: ["s3:GetReplicationConfiguration", "s3:ListBucket", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
  Resource: buckets.flatMap((b) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`]),
});

export function accessScenario(): Scenario {
  return scenario({
    organization: "o-access1234",
    accounts: [
      account(ACCOUNTS.management, "management"),
      account(ACCOUNTS.prod, "prod", {
        roles: [
          {
            name: "repl-good",
            trustPolicy: S3_TRUST,
            inlinePolicies: {
              replicate: doc(
                sourceReads("src-good", "src-shared"),
                { Effect: "Allow", Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], Resource: ["arn:aws:s3:::vault-good/*", "arn:aws:s3:::vault-shared/*"] },
                { Effect: "Allow", Action: "kms:Decrypt", Resource: SOURCE_KEY },
                { Effect: "Allow", Action: "kms:Encrypt", Resource: REPLICA_KEY },
              ),
            },
          },
          {
            name: "repl-bad",
            trustPolicy: doc({ Effect: "Allow", Principal: { Service: "s3.amazonaws.com", AWS: `arn:aws:iam::${ACCOUNTS.prod}:root` }, Action: "sts:AssumeRole" }),
            inlinePolicies: { replicate: doc(sourceReads("src-bad"), { Effect: "Allow", Action: "s3:ReplicateObject", Resource: "arn:aws:s3:::vault-bad/*" }) },
            attachedPolicies: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
          },
        ],
        kmsKeys: [{ id: "src-key", region: "eu-west-1" }],
        buckets: [
          bucket("src-good", "eu-west-1", {
            versioning: "Enabled",
            tags: { classification: "pii" },
            encryption: { algorithm: "aws:kms", kmsKeyId: SOURCE_KEY },
            replication: replication(ACCOUNTS.prod, "repl-good", [
              v2Rule("vault", 1, "vault-good", {
                SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: "Enabled" } },
                Destination: { Bucket: "arn:aws:s3:::vault-good", Account: ACCOUNTS.backup, EncryptionConfiguration: { ReplicaKmsKeyID: REPLICA_KEY } },
              }),
            ]),
          }),
          bucket("src-shared", "eu-west-1", { versioning: "Enabled", tags: { classification: "public" }, replication: replication(ACCOUNTS.prod, "repl-good", [v2Rule("vault", 1, "vault-shared")]) }),
          bucket("src-bad", "eu-west-1", {
            versioning: "Enabled",
            tags: { classification: "internal" },
            replication: replication(ACCOUNTS.prod, "repl-bad", [v2Rule("vault", 1, "vault-bad", { Destination: { Bucket: "arn:aws:s3:::vault-bad", Account: ACCOUNTS.backup } })]),
          }),
        ],
      }),
      account(ACCOUNTS.backup, "backup", {
        kmsKeys: [
          {
            id: "vault-key",
            region: "eu-central-1",
            policy: doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNTS.backup}:root` }, Action: "kms:*", Resource: "*" }, { Effect: "Allow", Principal: { AWS: GOOD_ROLE }, Action: "kms:Encrypt", Resource: "*" }),
          },
        ],
        buckets: [
          bucket("vault-good", "eu-central-1", {
            versioning: "Enabled",
            ownershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
            policy: doc({ Effect: "Allow", Principal: { AWS: GOOD_ROLE }, Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], Resource: "arn:aws:s3:::vault-good/*" }),
          }),
          bucket("vault-bad", "eu-central-1", {
            versioning: "Enabled",
            policy: doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNTS.prod}:root` }, Action: "s3:*", Resource: ["arn:aws:s3:::vault-bad", "arn:aws:s3:::vault-bad/*"] }),
          }),
          bucket("vault-shared", "eu-west-1", { versioning: "Enabled" }),
        ],
      }),
    ],
  });
}
