/** Remediation settings (config file `remediation`) turned into names for one source bucket. */
import type { RemediationSettings } from "../config/index.js";
import type { BucketDocument } from "../model/index.js";

export interface DestinationChoice {
  account: string;
  region: string;
  bucket: string;
  storageClass: string | null;
  role: string | null;
  kmsKeyId: string | null;
}

/** Fills `{bucket}`, `{account}`, `{region}`, `{destinationAccount}`, `{destinationRegion}`. */
export function expandPattern(pattern: string, values: Record<string, string>): string {
  return pattern.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** Where `configure-replication` sends this bucket's replicas, or null when no destination is configured. */
export function chooseDestination(doc: BucketDocument, settings: RemediationSettings | undefined): DestinationChoice | null {
  const destination = settings?.destination;
  if (destination === undefined) return null;
  const account = destination.account ?? doc.account.id;
  const region = destination.region ?? doc.region;
  const values = { bucket: doc.name, account: doc.account.id, region: doc.region, destinationAccount: account, destinationRegion: region };
  return {
    account,
    region,
    bucket: expandPattern(destination.bucket, values),
    storageClass: destination.storageClass ?? null,
    role: settings?.replicationRoleArn === undefined ? null : expandPattern(settings.replicationRoleArn, values),
    kmsKeyId: settings?.replicaKmsKeyId === undefined ? null : expandPattern(settings.replicaKmsKeyId, values),
  };
}

/** The replica KMS key for a rule's destination, or null when none is configured. */
export function replicaKmsKey(doc: BucketDocument, settings: RemediationSettings | undefined, destinationAccount: string, destinationRegion: string): string | null {
  if (settings?.replicaKmsKeyId === undefined) return null;
  return expandPattern(settings.replicaKmsKeyId, {
    bucket: doc.name,
    account: doc.account.id,
    region: doc.region,
    destinationAccount,
    destinationRegion,
  });
}
