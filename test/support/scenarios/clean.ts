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
export function cleanScenario(options: { replicaVersioning?: "Enabled" | undefined } = { replicaVersioning: "Enabled" }): Scenario {
  return scenario({
    organization: "o-clean12345",
    accounts: [
      account(ACCOUNTS.management, "management", {
        auditRole: false,
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
          bucket(
            "clean-replica",
            "eu-central-1",
            options.replicaVersioning === undefined ? {} : { versioning: options.replicaVersioning, objectLock: { mode: "COMPLIANCE", days: 30 } },
          ),
        ],
      }),
    ],
  });
}
