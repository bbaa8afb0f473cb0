/**
 * The fix tests' world: one bucket per fix kind in prod (222…), replicas in backup (333…), each
 * failing exactly the policy its fix is for (plus what a bucket of that shape fails anyway).
 */
import type { Scenario } from "../../src/sandbox/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { account, bucket, replication, scenario, v2Rule } from "../support/scenario.js";

const ROLE = "replication";
const crossAccount = (dest: string) => ({ Bucket: `arn:aws:s3:::${dest}`, Account: ACCOUNTS.backup });
/** A rule that already passes everything: it must come through every fix byte for byte. */
export const goodRule = v2Rule("keep-me", 9, "fx-vault", {
  Filter: { And: { Prefix: "keep/", Tags: [{ Key: "tier", Value: "gold" }] } },
  Destination: {
    ...crossAccount("fx-vault"),
    StorageClass: "STANDARD_IA",
    AccessControlTranslation: { Owner: "Destination" },
    ReplicationTime: { Status: "Enabled", Time: { Minutes: 15 } },
    Metrics: { Status: "Enabled", EventThreshold: { Minutes: 15 } },
  },
});

export function fixWorld(extra: { deny?: string[]; objects?: number } = {}): Scenario {
  return scenario({
    organization: "o-fixtests01",
    accounts: [
      account(ACCOUNTS.management, "management"),
      account(ACCOUNTS.prod, "prod", {
        buckets: [
          // enable-versioning + configure-replication (destination created)
          bucket("fx-plain", "us-east-1", extra.objects === undefined ? {} : { objects: extra.objects }),
          ...(extra.objects === undefined ? [] : [bucket("fx-reports", "us-east-1", { versioning: "Enabled" })]),
          // enable-replication-rules
          bucket("fx-disabled", "us-east-1", {
            versioning: "Enabled",
            replication: replication(ACCOUNTS.prod, ROLE, [
              goodRule,
              v2Rule("off", 3, "fx-vault", { Status: "Disabled", Destination: { ...crossAccount("fx-vault"), AccessControlTranslation: { Owner: "Destination" }, ReplicationTime: { Status: "Enabled", Time: { Minutes: 15 } }, Metrics: { Status: "Enabled", EventThreshold: { Minutes: 15 } } } }),
            ]),
          }),
          // enable-owner-override + disable-delete-marker-replication + enable-replication-time-control
          bucket("fx-owner", "us-east-1", {
            versioning: "Enabled",
            replication: replication(ACCOUNTS.prod, ROLE, [goodRule, v2Rule("loose", 4, "fx-vault", { DeleteMarkerReplication: { Status: "Enabled" }, Destination: crossAccount("fx-vault") })]),
            ...(extra.deny ? { deny: extra.deny } : {}),
          }),
          // set-replica-kms-key (an SSE-KMS bucket whose rule skips SSE-KMS objects)
          bucket("fx-kms", "us-east-1", {
            versioning: "Enabled",
            encryption: { algorithm: "aws:kms", kmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNTS.prod}:key/source` },
            replication: replication(ACCOUNTS.prod, ROLE, [goodRule]),
          }),
          // enable-destination-object-lock (its only destination is versioned but not locked)
          bucket("fx-to-open", "us-east-1", {
            versioning: "Enabled",
            replication: replication(ACCOUNTS.prod, ROLE, [v2Rule("open", 2, "fx-open", { Destination: { ...crossAccount("fx-open"), AccessControlTranslation: { Owner: "Destination" }, ReplicationTime: { Status: "Enabled", Time: { Minutes: 15 } }, Metrics: { Status: "Enabled", EventThreshold: { Minutes: 15 } } } })]),
          }),
          // enable-destination-versioning
          bucket("fx-to-unversioned", "us-east-1", {
            versioning: "Enabled",
            replication: replication(ACCOUNTS.prod, ROLE, [goodRule, v2Rule("raw", 5, "fx-raw", { Destination: { ...crossAccount("fx-raw"), AccessControlTranslation: { Owner: "Destination" }, ReplicationTime: { Status: "Enabled", Time: { Minutes: 15 } }, Metrics: { Status: "Enabled", EventThreshold: { Minutes: 15 } } } })]),
          }),
        ],
      }),
      account(ACCOUNTS.backup, "backup", {
        buckets: [
          bucket("fx-vault", "us-west-2", { versioning: "Enabled", objectLock: true }),
          bucket("fx-raw", "us-west-2"),
          bucket("fx-open", "us-west-2", { versioning: "Enabled" }),
        ],
      }),
    ],
  });
}

/** The config file's remediation settings the tests use. */
export const REMEDIATION = {
  destination: { account: ACCOUNTS.backup, region: "us-west-2", bucket: "{bucket}-replica" },
  replicationRoleArn: "arn:aws:iam::{account}:role/replication",
  createDestination: true,
  objectLock: true,
  replicaKmsKeyId: "arn:aws:kms:{destinationRegion}:{destinationAccount}:alias/replicas",
} as const;
