/**
 * A small organization whose buckets the Terraform fixtures in ./fixtures declare, in provider v4+
 * separate resources (plan-v4.json) and provider v3 inline blocks (state-v3.json), spelled
 * differently from what S3 answers but equal in meaning. Scanned for real through the sandbox.
 */
import type { Scenario } from "../../../src/sandbox/types.js";

export const PROD = { id: "222222222222", credentials: { accessKeyId: "AKIATFDRIFTPROD00001", secretAccessKey: "tf-drift-prod-secret" } };
export const BACKUP = { id: "333333333333", credentials: { accessKeyId: "AKIATFDRIFTBACKUP001", secretAccessKey: "tf-drift-backup-secret" } };
export const ROLE = "arn:aws:iam::222222222222:role/replication";

/** A fresh copy of the two keys: the SDK marks a credentials object it is given (`$source`), which the scenario schema refuses. */
export const keys = (account: typeof PROD): { accessKeyId: string; secretAccessKey: string } => ({
  accessKeyId: account.credentials.accessKeyId,
  secretAccessKey: account.credentials.secretAccessKey,
});

export function terraformScenario(options: { denyReplicationOn?: string; backupAuditRole?: boolean } = {}): Scenario {
  const deny = (name: string): { deny?: string[] } => (options.denyReplicationOn === name ? { deny: ["GetBucketReplication"] } : {});
  return {
    organization: { id: "o-tfdrift123", managementAccountId: "111111111111" },
    auditRole: { name: "OrganizationAccountAccessRole", externalId: null },
    accounts: [
      { id: "111111111111", name: "management", auditRole: false, buckets: [] },
      {
        id: PROD.id,
        name: "prod",
        ou: "Workloads",
        credentials: keys(PROD),
        buckets: [
          {
            name: "tf-logs",
            region: "eu-west-1",
            versioning: "Enabled",
            ...deny("tf-logs"),
            replication: {
              Role: ROLE,
              Rules: [
                {
                  ID: "logs-all",
                  Priority: 1,
                  Status: "Enabled",
                  Filter: {},
                  DeleteMarkerReplication: { Status: "Disabled" },
                  Destination: {
                    Bucket: "arn:aws:s3:::tf-logs-replica",
                    Account: BACKUP.id,
                    AccessControlTranslation: { Owner: "Destination" },
                    ReplicationTime: { Status: "Enabled", Time: { Minutes: 15 } },
                    Metrics: { Status: "Enabled", EventThreshold: { Minutes: 15 } },
                  },
                },
                {
                  ID: "audit-only",
                  Priority: 2,
                  Status: "Enabled",
                  Filter: { And: { Prefix: "audit/", Tags: [{ Key: "class", Value: "audit" }] } },
                  DeleteMarkerReplication: { Status: "Disabled" },
                  Destination: { Bucket: "arn:aws:s3:::tf-logs-replica", Account: BACKUP.id, StorageClass: "STANDARD_IA" },
                },
              ],
            },
          },
          {
            name: "tf-legacy",
            region: "us-east-1",
            versioning: "Enabled",
            // The V1 schema: a top-level Prefix, no Filter, no Priority, no DeleteMarkerReplication.
            replication: {
              Role: ROLE,
              Rules: [
                { ID: "legacy-data", Prefix: "data/", Status: "Enabled", Destination: { Bucket: "arn:aws:s3:::tf-legacy-replica" } },
                { ID: "legacy-logs", Prefix: "logs/", Status: "Enabled", Destination: { Bucket: "arn:aws:s3:::tf-legacy-replica", StorageClass: "GLACIER" } },
              ],
            },
          },
          { name: "tf-plain", region: "eu-west-1", versioning: "Enabled" },
          { name: "tf-quiet", region: "eu-west-1", versioning: "Enabled" },
        ],
      },
      {
        id: BACKUP.id,
        name: "backup",
        ou: "Backup",
        credentials: keys(BACKUP),
        ...(options.backupAuditRole === false ? { auditRole: false } : {}),
        buckets: [
          { name: "tf-logs-replica", region: "eu-central-1", versioning: "Enabled", objectLock: { mode: "GOVERNANCE", days: 7 } },
          { name: "tf-legacy-replica", region: "us-west-2", versioning: "Enabled" },
        ],
      },
    ],
  };
}
