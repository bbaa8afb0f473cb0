/**
 * A small organization with one bucket per case the scanner must tell apart. Account ids read as
 * their role: 1 management (no audit role), 2 prod, 3 backup, 5 dev (excluded in some tests),
 * 6 suspended, 7 no audit role, 4 external (not a member).
 */
import type { Scenario } from "../../../src/sandbox/index.js";

const v2Rule = (id: string, priority: number, bucket: string, extra: Record<string, unknown> = {}) => ({
  ID: id,
  Priority: priority,
  Filter: { Prefix: "" },
  DeleteMarkerReplication: { Status: "Disabled" as const },
  Status: "Enabled" as const,
  Destination: { Bucket: `arn:aws:s3:::${bucket}` },
  ...extra,
});

export function testScenario(): Scenario {
  return {
    organization: { id: "o-scantest01", managementAccountId: "111111111111" },
    auditRole: { name: "OrganizationAccountAccessRole", externalId: null },
    accounts: [
      {
        id: "111111111111",
        name: "management",
        ou: "",
        tags: { owner: "platform" },
        auditRole: false,
        buckets: [
          {
            name: "mgmt-trail",
            region: "us-east-1",
            versioning: "Enabled",
            replication: { Role: "arn:aws:iam::111111111111:role/repl", Rules: [v2Rule("trail-to-backup", 1, "backup-vault")] },
          },
        ],
      },
      {
        id: "222222222222",
        name: "prod",
        ou: "Workloads/Prod",
        tags: { env: "prod" },
        buckets: [
          {
            name: "prod-data",
            region: "us-east-1",
            versioning: "Enabled",
            tags: { app: "data" },
            replication: {
              Role: "arn:aws:iam::222222222222:role/repl",
              Rules: [
                v2Rule("to-backup", 1, "backup-vault", {
                  Destination: {
                    Bucket: "arn:aws:s3:::backup-vault",
                    Account: "333333333333",
                    StorageClass: "STANDARD_IA",
                    AccessControlTranslation: { Owner: "Destination" },
                    ReplicationTime: { Status: "Enabled", Time: { Minutes: 15 } },
                    Metrics: { Status: "Enabled", EventThreshold: { Minutes: 15 } },
                  },
                }),
                v2Rule("to-partner", 2, "partner-drop"),
                v2Rule("to-ghost", 3, "ghost-bucket-nowhere", { Destination: { Bucket: "arn:aws:s3:::ghost-bucket-nowhere", Account: "333333333333" } }),
                v2Rule("to-dev", 4, "dev-scratch"),
                v2Rule("same-account", 5, "prod-data-copy", {
                  Filter: { And: { Prefix: "logs/", Tags: [{ Key: "keep", Value: "yes" }] } },
                }),
              ],
            },
          },
          { name: "prod-data-copy", region: "us-west-2", versioning: "Enabled" },
          { name: "prod-unversioned", region: "us-west-2" },
          {
            name: "prod-suspended",
            region: "us-east-1",
            versioning: "Suspended",
          },
          { name: "prod-denied", region: "us-east-1", versioning: "Enabled", deny: ["GetBucketReplication"] },
        ],
      },
      {
        id: "333333333333",
        name: "backup",
        ou: "Workloads/Backup",
        buckets: [{ name: "backup-vault", region: "eu-west-1", versioning: "Enabled", objectLock: { mode: "COMPLIANCE", days: 30 } }],
      },
      {
        id: "555555555555",
        name: "dev",
        ou: "Sandbox",
        buckets: [{ name: "dev-scratch", region: "us-east-1", versioning: "Enabled" }],
      },
      { id: "666666666666", name: "closed", ou: "Workloads/Prod", status: "SUSPENDED", buckets: [{ name: "closed-bucket", region: "us-east-1" }] },
      { id: "777777777777", name: "no-role", ou: "Workloads", auditRole: false, buckets: [{ name: "norole-bucket", region: "us-east-1" }] },
    ],
    externalAccounts: [
      { id: "444444444444", name: "partner", buckets: [{ name: "partner-drop", region: "eu-central-1", versioning: "Enabled" }] },
    ],
  };
}
