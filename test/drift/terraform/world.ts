/** Scans of the Terraform scenario through the real SDK, and the changes made to it between scans. */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PutBucketReplicationCommand, PutBucketVersioningCommand, PutObjectLockConfigurationCommand, S3Client } from "@aws-sdk/client-s3";
import { audit } from "../../../src/audit/index.js";
import type { Snapshot } from "../../../src/model/index.js";
import { startSandbox } from "../../../src/sandbox/index.js";
import type { Sandbox } from "../../../src/sandbox/types.js";
import { BACKUP, keys, PROD, ROLE, terraformScenario } from "./scenario.js";

/** Path of a hand-written `terraform show -json` fixture. */
export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

export interface Scan {
  snapshot: Snapshot;
  /** The snapshot.json the audit wrote. */
  file: string;
}

/** Audits the sandbox in-process (the real scanner over HTTP) and keeps the snapshot it wrote. */
export async function scanSandbox(sandbox: Sandbox): Promise<Scan> {
  const outDir = await mkdtemp(join(tmpdir(), "replguard-tf-scan-"));
  const result = await audit({ scan: { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region }, outDir, formats: ["json"] });
  return { snapshot: result.snapshot, file: join(outDir, "snapshot.json") };
}

const s3 = (sandbox: Sandbox, account: typeof PROD, region: string): S3Client =>
  new S3Client({ endpoint: sandbox.endpoint, region, credentials: keys(account), forcePathStyle: true, maxAttempts: 1 });

/**
 * Changes AWS the way people do behind Terraform's back, one difference each:
 * suspend tf-plain's versioning; disable tf-logs' rule `audit-only` and add a rule `extra`;
 * repoint tf-legacy's `legacy-data` to tf-quiet and drop `legacy-logs`; raise tf-logs-replica's
 * default retention to 30 days; give tf-quiet a replication nobody declared.
 */
export async function driftTheSandbox(sandbox: Sandbox): Promise<void> {
  const prodEu = s3(sandbox, PROD, "eu-west-1");
  await prodEu.send(new PutBucketVersioningCommand({ Bucket: "tf-plain", VersioningConfiguration: { Status: "Suspended" } }));
  await prodEu.send(
    new PutBucketReplicationCommand({
      Bucket: "tf-logs",
      ReplicationConfiguration: {
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
            Status: "Disabled",
            Filter: { And: { Prefix: "audit/", Tags: [{ Key: "class", Value: "audit" }] } },
            DeleteMarkerReplication: { Status: "Disabled" },
            Destination: { Bucket: "arn:aws:s3:::tf-logs-replica", Account: BACKUP.id, StorageClass: "STANDARD_IA" },
          },
          {
            ID: "extra",
            Priority: 3,
            Status: "Enabled",
            Filter: { Prefix: "tmp/" },
            DeleteMarkerReplication: { Status: "Disabled" },
            Destination: { Bucket: "arn:aws:s3:::tf-logs-replica", Account: BACKUP.id },
          },
        ],
      },
    }),
  );
  await prodEu.send(
    new PutBucketReplicationCommand({
      Bucket: "tf-quiet",
      ReplicationConfiguration: {
        Role: ROLE,
        Rules: [{ ID: "quiet-out", Priority: 1, Status: "Enabled", Filter: {}, DeleteMarkerReplication: { Status: "Disabled" }, Destination: { Bucket: "arn:aws:s3:::tf-legacy-replica" } }],
      },
    }),
  );
  await s3(sandbox, PROD, "us-east-1").send(
    new PutBucketReplicationCommand({
      Bucket: "tf-legacy",
      ReplicationConfiguration: { Role: ROLE, Rules: [{ ID: "legacy-data", Prefix: "data/", Status: "Enabled", Destination: { Bucket: "arn:aws:s3:::tf-quiet" } }] },
    }),
  );
  await s3(sandbox, BACKUP, "eu-central-1").send(
    new PutObjectLockConfigurationCommand({
      Bucket: "tf-logs-replica",
      ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 30 } } },
    }),
  );
}

/** A sandbox of the Terraform scenario, scanned as declared (`before`) and again after `driftTheSandbox` (`after`). */
export async function scannedBeforeAndAfterDrift(): Promise<{ sandbox: Sandbox; before: Scan; after: Scan }> {
  const sandbox = await startSandbox({ scenario: terraformScenario() });
  const before = await scanSandbox(sandbox);
  await driftTheSandbox(sandbox);
  return { sandbox, before, after: await scanSandbox(sandbox) };
}
