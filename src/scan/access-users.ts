/**
 * A replicating bucket as its role's judgement reads it (scan/iam-derive.ts `roleFacts`,
 * scan/iam-facts.ts `keysOf`): its name, ARN, Region, account, tags, default encryption and its
 * rules' destinations and keys, nothing else. The access pass fills a large account's documents a
 * part at a time (scan/access-pass.ts), each part judged against every user of its roles: the
 * others are these, a few hundred bytes each instead of a whole document.
 */
import type { BucketDocument } from "../model/index.js";

export function roleUser(doc: BucketDocument): BucketDocument {
  const replication = doc.replication!;
  const user = {
    name: doc.name,
    arn: doc.arn,
    region: doc.region,
    account: { id: doc.account.id },
    tags: doc.tags,
    encryption: doc.encryption === null ? null : { algorithm: doc.encryption.algorithm, kmsKeyId: doc.encryption.kmsKeyId },
    replication: {
      configured: true,
      role: replication.role,
      rules: replication.rules.map((rule) => ({
        sseKmsEncryptedObjects: rule.sseKmsEncryptedObjects,
        destination: { bucket: rule.destination.bucket, account: rule.destination.account, region: rule.destination.region, replicaKmsKeyId: rule.destination.replicaKmsKeyId },
      })),
    },
  };
  // Read only by the role's judgement, never filled, written or evaluated.
  return user as unknown as BucketDocument;
}
