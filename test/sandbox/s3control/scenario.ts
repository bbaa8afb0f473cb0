/** The batch replication world: a replicated source, one without replication, destinations that fail. */
import type { Scenario } from "../../../src/sandbox/index.js";
import { ACCOUNTS } from "../../support/accounts.js";
import { account, bucket, replication, scenario, v2Rule } from "../../support/scenario.js";

export const REGION = "eu-west-1";
export const REPORTS = "prod-batch-reports";

const replicated = (name: string, destination: string, options: Parameters<typeof bucket>[2] = {}) =>
  bucket(name, REGION, { versioning: "Enabled", replication: replication(ACCOUNTS.prod, "s3-replication", [v2Rule("all", 1, destination)]), ...options });

export function batchScenario(): Scenario {
  return scenario({
    organization: "o-batch12345",
    accounts: [
      account(ACCOUNTS.management, "management"),
      account(ACCOUNTS.prod, "prod", {
        buckets: [
          replicated("prod-data", "backup-data", { objects: 4 }),
          replicated("prod-partial", "backup-data", { objects: 10, replicationFailures: 3 }),
          replicated("prod-denied", "backup-denying", { objects: 1000 }),
          bucket("prod-plain", REGION, { versioning: "Enabled", objects: 5 }),
          bucket(REPORTS, REGION),
        ],
        batchOperations: {
          jobs: [
            { region: REGION, sourceBucket: "prod-old", status: "Complete", tasks: 7, failed: 0 },
            { region: "us-east-1", sourceBucket: "prod-elsewhere", status: "Failed", tasks: 10, failed: 9 },
          ],
        },
      }),
      account(ACCOUNTS.backup, "backup", {
        buckets: [bucket("backup-data", REGION, { versioning: "Enabled" }), bucket("backup-denying", REGION, { versioning: "Enabled", deny: ["ReplicateObject"] })],
      }),
      account(ACCOUNTS.dev, "dev", { buckets: [replicated("dev-data", "backup-data", { objects: 2 })], batchOperations: { deny: ["ListJobs", "CreateJob"] } }),
    ],
  });
}
