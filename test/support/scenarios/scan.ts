/**
 * The scanner's test organization: one bucket per case the scanner must tell apart. Accounts are
 * ACCOUNTS.management (no audit role), prod, backup, dev (excluded in some tests), suspended,
 * noRole, and external (not a member).
 */
import type { Scenario } from "../../../src/sandbox/index.js";
import { ACCOUNTS } from "../accounts.js";
import { account, bucket, replication, scenario, v2Rule } from "../scenario.js";

export function testScenario(): Scenario {
  return scenario({
    organization: "o-scantest01",
    accounts: [
      account(ACCOUNTS.management, "management", {
        ou: "",
        tags: { owner: "platform" },
        auditRole: false,
        buckets: [
          bucket("mgmt-trail", "us-east-1", {
            versioning: "Enabled",
            replication: replication(ACCOUNTS.management, "repl", [v2Rule("trail-to-backup", 1, "backup-vault")]),
          }),
        ],
      }),
      account(ACCOUNTS.prod, "prod", {
        ou: "Workloads/Prod",
        tags: { env: "prod" },
        buckets: [
          bucket("prod-data", "us-east-1", {
            versioning: "Enabled",
            tags: { app: "data" },
            replication: replication(ACCOUNTS.prod, "repl", [
              v2Rule("to-backup", 1, "backup-vault", {
                Destination: {
                  Bucket: "arn:aws:s3:::backup-vault",
                  Account: ACCOUNTS.backup,
                  StorageClass: "STANDARD_IA",
                  AccessControlTranslation: { Owner: "Destination" },
                  ReplicationTime: { Status: "Enabled", Time: { Minutes: 15 } },
                  Metrics: { Status: "Enabled", EventThreshold: { Minutes: 15 } },
                },
              }),
              v2Rule("to-partner", 2, "partner-drop"),
              v2Rule("to-ghost", 3, "ghost-bucket-nowhere", { Destination: { Bucket: "arn:aws:s3:::ghost-bucket-nowhere", Account: ACCOUNTS.backup } }),
              v2Rule("to-dev", 4, "dev-scratch"),
              v2Rule("same-account", 5, "prod-data-copy", {
                Filter: { And: { Prefix: "logs/", Tags: [{ Key: "keep", Value: "yes" }] } },
              }),
            ]),
          }),
          bucket("prod-data-copy", "us-west-2", { versioning: "Enabled" }),
          bucket("prod-unversioned", "us-west-2"),
          bucket("prod-suspended", "us-east-1", { versioning: "Suspended" }),
          bucket("prod-denied", "us-east-1", { versioning: "Enabled", deny: ["GetBucketReplication"] }),
        ],
      }),
      account(ACCOUNTS.backup, "backup", {
        ou: "Workloads/Backup",
        buckets: [bucket("backup-vault", "eu-west-1", { versioning: "Enabled", objectLock: { mode: "COMPLIANCE", days: 30 } })],
      }),
      account(ACCOUNTS.dev, "dev", { ou: "Sandbox", buckets: [bucket("dev-scratch", "us-east-1", { versioning: "Enabled" })] }),
      account(ACCOUNTS.suspended, "closed", { ou: "Workloads/Prod", status: "SUSPENDED", buckets: [bucket("closed-bucket", "us-east-1")] }),
      account(ACCOUNTS.noRole, "no-role", { ou: "Workloads", auditRole: false, buckets: [bucket("norole-bucket", "us-east-1")] }),
    ],
    external: [account(ACCOUNTS.external, "partner", { buckets: [bucket("partner-drop", "eu-central-1", { versioning: "Enabled" })] })],
  });
}
