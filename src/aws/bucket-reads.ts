/**
 * The per-bucket configuration reads, behind one interface so the fact readers do not care which
 * path serves them: the SDK client (`send` of the operation's command), or the lean read path
 * (lean-s3.ts), which gives the same output shapes and throws the same errors. The lean path is the
 * default; `leanReads: false` keeps every read on the SDK (the equivalence test runs both).
 */
import {
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  type GetBucketEncryptionCommandOutput,
  type GetBucketOwnershipControlsCommandOutput,
  type GetBucketPolicyCommandOutput,
  type GetBucketReplicationCommandOutput,
  type GetBucketTaggingCommandOutput,
  type GetBucketVersioningCommandOutput,
  type GetObjectLockConfigurationCommandOutput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { PROBE_BUCKET, templatable, type EndpointTemplate, type LeanS3 } from "./lean-s3.js";
import { currentSlot, withSlot } from "./request-slots.js";
import type { LeanOperation } from "./lean-shapes.js";
import { sigv4Endpoint } from "./sdk-endpoint.js";

/** Each read's SDK output (what the readers in src/scan/facts.ts parse). */
export interface BucketReadOutputs {
  versioning: GetBucketVersioningCommandOutput;
  replication: GetBucketReplicationCommandOutput;
  objectLock: GetObjectLockConfigurationCommandOutput;
  encryption: GetBucketEncryptionCommandOutput;
  tags: GetBucketTaggingCommandOutput;
  policy: GetBucketPolicyCommandOutput;
  ownershipControls: GetBucketOwnershipControlsCommandOutput;
}

export interface BucketReads {
  /** One GET of the bucket's configuration; rejects with the SDK's error (codes as in errors.ts). */
  read<K extends LeanOperation>(operation: K, bucket: string): Promise<BucketReadOutputs[K]>;
}

/** The SDK command of each read: the SDK path sends it, the lean path resolves its endpoint with it. */
export const READ_COMMANDS = {
  versioning: GetBucketVersioningCommand,
  replication: GetBucketReplicationCommand,
  objectLock: GetObjectLockConfigurationCommand,
  encryption: GetBucketEncryptionCommand,
  tags: GetBucketTaggingCommand,
  policy: GetBucketPolicyCommand,
  ownershipControls: GetBucketOwnershipControlsCommand,
} as const satisfies Record<LeanOperation, unknown>;

/** Every read through the SDK client. */
export function sdkBucketReads(s3: S3Client): BucketReads {
  return {
    read: <K extends LeanOperation>(operation: K, Bucket: string) => {
      const Command = READ_COMMANDS[operation] as unknown as new (input: { Bucket: string }) => Parameters<S3Client["send"]>[0];
      return s3.send(new Command({ Bucket })) as unknown as Promise<BucketReadOutputs[K]>;
    },
  };
}

/**
 * Reads through the lean path where the operation's endpoint template applies to the bucket's
 * name, else through the SDK client (same answers either way; only the CPU differs). The client is
 * asked for (`s3`) only when a read goes to the SDK.
 */
export function leanBucketReads(lean: LeanS3, templates: (operation: LeanOperation) => Promise<EndpointTemplate | null>, s3: () => S3Client): BucketReads {
  let sdk: BucketReads | undefined;
  /** The templates already resolved: a read needs no await for them (`templates` answers with a promise). */
  const known = new Map<LeanOperation, EndpointTemplate | null>();
  const template = async (operation: LeanOperation): Promise<EndpointTemplate | null> => {
    const resolved = await templates(operation);
    known.set(operation, resolved);
    return resolved;
  };
  return {
    read: async <K extends LeanOperation>(operation: K, bucket: string) => {
      // Before any await: the request slot of the call this read is (request-slots.ts).
      const slot = currentSlot();
      const target = !templatable(bucket) ? null : known.has(operation) ? known.get(operation)! : await template(operation);
      if (target === null) return withSlot(slot, () => (sdk ??= sdkBucketReads(s3())).read(operation, bucket));
      return (await lean.get(target, operation, bucket, slot)) as unknown as BucketReadOutputs[K];
    },
  };
}

/**
 * The SDK's endpoint for `operation` on the probe bucket with this client's config, as a template;
 * null when the lean path cannot serve it (an auth scheme other than SigV4, or a URL that does not
 * carry the probe's name exactly once in its host or path).
 */
export async function resolveTemplate(s3: S3Client, operation: LeanOperation): Promise<EndpointTemplate | null> {
  const found = await sigv4Endpoint({ Bucket: PROBE_BUCKET }, READ_COMMANDS[operation], s3.config);
  // S3's rules always name the scheme and its Region: without them the lean path does not guess.
  const signingRegion = found?.scheme?.signingRegion;
  if (found === null || signingRegion === undefined) return null;
  const { url, scheme } = found;
  const count = (text: string): number => text.split(PROBE_BUCKET).length - 1;
  const inHost = count(url.hostname);
  const inPath = count(url.pathname);
  if (inHost + inPath !== 1 || url.search !== "") return null;
  return { url, in: inHost === 1 ? "host" : "path", signingRegion, signingName: scheme?.signingName ?? "s3" };
}
