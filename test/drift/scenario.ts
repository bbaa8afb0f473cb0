/** A small organization for the drift tests: two workload accounts, a backup account, one account whose role will go. */
import type { ReplicationRule } from "@aws-sdk/client-s3";
import type { Scenario } from "../../src/sandbox/types.js";
import { ACCOUNTS, AUDIT_ROLE } from "../support/accounts.js";

export const PROD = ACCOUNTS.prod;
export const BACKUP = ACCOUNTS.backup;
/** Read in the first scan; its audit role is removed before the second. */
export const SIDE = ACCOUNTS.dev;
/**
 * A fresh copy of prod's keys each call: the SDK marks a credentials object it is given
 * (`$source`), and a marked object in a scenario is refused by the scenario schema (test files
 * share a worker).
 */
export const prodKeys = (): { accessKeyId: string; secretAccessKey: string } => ({
  accessKeyId: "AKIADRIFTPROD0000001",
  secretAccessKey: "drift-prod-secret-key-0000000000000000000",
});
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

const REPLICATE = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"];

/** A vault that grants prod's replication role alone, and owns what it receives. */
const vault = (bucket: string) => ({
  policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: ROLE }, Action: REPLICATE, Resource: `arn:aws:s3:::${bucket}/*` }] },
  ownershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" as const }] },
});

export function driftScenario(): Scenario {
  return {
    organization: { id: "o-drift12345", managementAccountId: ACCOUNTS.management },
    auditRole: { name: AUDIT_ROLE, externalId: null },
    accounts: [
      { id: ACCOUNTS.management, name: "management", auditRole: false, buckets: [] },
      {
        id: PROD,
        name: "prod",
        ou: "Workloads/Prod",
        credentials: prodKeys(),
        // A replication role the access policies find in order (docs/iam.md), so the audit's findings are the drift tests' own.
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
                    Resource: ["prod-a", "prod-b", "prod-c"].flatMap((b) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`]),
                  },
                  { Effect: "Allow", Action: REPLICATE, Resource: ["arn:aws:s3:::backup-a/*", "arn:aws:s3:::backup-b/*"] },
                ],
              },
            },
          },
        ],
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
          { name: "backup-a", region: "eu-central-1", versioning: "Enabled", ...vault("backup-a") },
          { name: "backup-b", region: "eu-central-1", versioning: "Enabled", ...vault("backup-b") },
        ],
      },
      { id: SIDE, name: "side", ou: "Workloads", buckets: [{ name: "side-data", region: "eu-west-1", versioning: "Enabled" }] },
    ],
  };
}
