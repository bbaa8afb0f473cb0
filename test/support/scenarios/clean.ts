/** The smallest compliant organization, for end-to-end CLI tests (the demo covers the broken cases). */
import type { Scenario } from "../../../src/sandbox/index.js";
import { ACCOUNTS } from "../accounts.js";
import { account, bucket, replication, scenario } from "../scenario.js";

/**
 * Two accounts: ACCOUNTS.management's one source bucket replicates everything, cross-account and
 * cross-region, into an Object Lock replica with Replication Time Control in ACCOUNTS.backup:
 * compliant with every default policy. `replicaVersioning: undefined` breaks it (an unversioned
 * replica: a high-severity failure).
 */
const REPLICATE = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"];

export function cleanScenario(options: { replicaVersioning?: "Enabled" | undefined } = { replicaVersioning: "Enabled" }): Scenario {
  return scenario({
    organization: "o-clean12345",
    accounts: [
      account(ACCOUNTS.management, "management", {
        auditRole: false,
        // A replication role that S3 alone may assume, allowed exactly what the rule needs (docs/iam.md).
        roles: [
          {
            name: "s3-replication",
            trustPolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }] },
            inlinePolicies: {
              replicate: {
                Version: "2012-10-17",
                Statement: [
                  {
                    Effect: "Allow",
                    Action: ["s3:GetReplicationConfiguration", "s3:ListBucket", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
                    Resource: ["arn:aws:s3:::clean-source", "arn:aws:s3:::clean-source/*"],
                  },
                  { Effect: "Allow", Action: REPLICATE, Resource: "arn:aws:s3:::clean-replica/*" },
                ],
              },
            },
          },
        ],
        buckets: [
          bucket("clean-source", "eu-west-1", {
            versioning: "Enabled",
            replication: replication(ACCOUNTS.management, "s3-replication", [
              {
                ID: "everything",
                Priority: 1,
                Status: "Enabled",
                Filter: {},
                DeleteMarkerReplication: { Status: "Disabled" },
                Destination: {
                  Bucket: "arn:aws:s3:::clean-replica",
                  Account: ACCOUNTS.backup,
                  AccessControlTranslation: { Owner: "Destination" },
                  ReplicationTime: { Status: "Enabled", Time: { Minutes: 15 } },
                  Metrics: { Status: "Enabled", EventThreshold: { Minutes: 15 } },
                },
              },
            ]),
          }),
        ],
      }),
      account(ACCOUNTS.backup, "backup", {
        ou: "Backup",
        buckets: [
          // Object Lock implies versioning, so the broken variant has neither.
          bucket("clean-replica", "eu-central-1", {
            ...(options.replicaVersioning === undefined ? {} : { versioning: options.replicaVersioning, objectLock: { mode: "COMPLIANCE", days: 30 } }),
            // The vault lets the source's replication role replicate, and nobody else of the source account write.
            policy: {
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNTS.management}:role/s3-replication` }, Action: REPLICATE, Resource: "arn:aws:s3:::clean-replica/*" }],
            },
          }),
        ],
      }),
    ],
  });
}
