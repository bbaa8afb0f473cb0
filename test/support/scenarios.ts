/** Small hand-written scenarios for end-to-end tests (the demo covers the broken cases). */
import type { Scenario } from "../../src/sandbox/types.js";

/**
 * Two accounts, one source bucket replicating everything, cross-account and cross-region, into an
 * Object Lock replica with Replication Time Control: compliant with every default policy.
 * `replicaVersioning: undefined` breaks it (an unversioned replica: a high-severity failure).
 */
export function cleanScenario(options: { replicaVersioning?: "Enabled" | undefined } = { replicaVersioning: "Enabled" }): Scenario {
  return {
    organization: { id: "o-clean12345", managementAccountId: "111111111111" },
    auditRole: { name: "OrganizationAccountAccessRole", externalId: null },
    accounts: [
      {
        id: "111111111111",
        name: "management",
        auditRole: false,
        buckets: [
          {
            name: "clean-source",
            region: "eu-west-1",
            versioning: "Enabled",
            replication: {
              Role: "arn:aws:iam::111111111111:role/s3-replication",
              Rules: [
                {
                  ID: "everything",
                  Priority: 1,
                  Status: "Enabled",
                  Filter: {},
                  DeleteMarkerReplication: { Status: "Disabled" },
                  Destination: {
                    Bucket: "arn:aws:s3:::clean-replica",
                    Account: "222222222222",
                    AccessControlTranslation: { Owner: "Destination" },
                    ReplicationTime: { Status: "Enabled", Time: { Minutes: 15 } },
                    Metrics: { Status: "Enabled", EventThreshold: { Minutes: 15 } },
                  },
                },
              ],
            },
          },
        ],
      },
      {
        id: "222222222222",
        name: "backup",
        ou: "Backup",
        buckets: [
          {
            name: "clean-replica",
            region: "eu-central-1",
            // Object Lock implies versioning, so the broken variant has neither.
            ...(options.replicaVersioning === undefined
              ? {}
              : { versioning: options.replicaVersioning, objectLock: { mode: "COMPLIANCE", days: 30 } }),
          },
        ],
      },
    ],
  };
}
