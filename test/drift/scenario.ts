/** A small organization for the drift tests: two workload accounts, a backup account, one account whose role will go. */
import type { ReplicationRule } from "@aws-sdk/client-s3";
import type { Scenario } from "../../src/sandbox/types.js";

export const PROD = "222222222222";
export const BACKUP = "333333333333";
export const SIDE = "444444444444";
export const PROD_KEYS = { accessKeyId: "AKIADRIFTPROD0000001", secretAccessKey: "drift-prod-secret-key-0000000000000000000" };
export const ROLE = `arn:aws:iam::${PROD}:role/s3-replication`;

export const rule = (id: string, priority: number, bucket: string, account: string, extra: Partial<ReplicationRule> = {}): ReplicationRule => ({
  ID: id,
  Priority: priority,
  Status: "Enabled",
  Filter: {},
  DeleteMarkerReplication: { Status: "Disabled" },
  Destination: { Bucket: `arn:aws:s3:::${bucket}`, Account: account },
  ...extra,
});

export function driftScenario(): Scenario {
  return {
    organization: { id: "o-drift12345", managementAccountId: "111111111111" },
    auditRole: { name: "OrganizationAccountAccessRole", externalId: null },
    accounts: [
      { id: "111111111111", name: "management", auditRole: false, buckets: [] },
      {
        id: PROD,
        name: "prod",
        ou: "Workloads/Prod",
        credentials: PROD_KEYS,
        buckets: [
          {
            name: "prod-a",
            region: "eu-west-1",
            versioning: "Enabled",
            tags: { team: "payments", env: "prod" },
            replication: { Role: ROLE, Rules: [rule("to-backup", 1, "backup-a", BACKUP), rule("second", 2, "backup-b", BACKUP)] },
          },
          { name: "prod-b", region: "eu-west-1", versioning: "Enabled", replication: { Role: ROLE, Rules: [rule("r1", 1, "backup-b", BACKUP)] } },
          { name: "prod-c", region: "eu-west-1", versioning: "Enabled", replication: { Role: ROLE, Rules: [rule("c1", 1, "backup-a", BACKUP)] } },
          { name: "prod-a-copy", region: "eu-west-1", versioning: "Enabled" },
          { name: "old-bucket", region: "eu-west-1", versioning: "Enabled" },
        ],
      },
      {
        id: BACKUP,
        name: "backup",
        ou: "Backup",
        buckets: [
          { name: "backup-a", region: "eu-central-1", versioning: "Enabled" },
          { name: "backup-b", region: "eu-central-1", versioning: "Enabled" },
        ],
      },
      { id: SIDE, name: "side", ou: "Workloads", buckets: [{ name: "side-data", region: "eu-west-1", versioning: "Enabled" }] },
    ],
  };
}
