/**
 * `configure-replication`: a bucket without replication gets one whole-bucket rule to the replica
 * bucket the remediation settings name, after the source is versioned and the replica exists,
 * versioned (and locked when asked). Anything the settings cannot decide safely is manual.
 */
import type { Destination, ReplicationRule as SdkRule } from "@aws-sdk/client-s3";
import { draftKey } from "./drafts.js";
import type { FixContext } from "./planner.js";
import { chooseDestination } from "./settings.js";

export function planConfigureReplication(ctx: FixContext): void {
  const { doc, input, drafts } = ctx;
  const settings = input.remediation;
  if (doc.replication === null) return ctx.manual("the replication configuration could not be read");
  if (doc.versioning === null) return ctx.manual("the bucket's versioning could not be read");
  const choice = chooseDestination(doc, settings);
  if (choice === null) return ctx.manual("no destination is configured (remediation.destination in the config file)");
  if (choice.role === null) return ctx.manual("no replication role is configured (remediation.replicationRoleArn)");
  const accounts = new Map(input.snapshot.accounts.map((a) => [a.id, a]));
  const destAccount = accounts.get(choice.account);
  if (input.snapshot.scan.mode === "single-account" ? choice.account !== doc.account.id : destAccount === undefined) {
    return ctx.manual(`destination account ${choice.account} is outside the organization`);
  }
  if (choice.bucket === doc.name) return ctx.manual(`the destination pattern names the bucket itself (${choice.bucket})`);
  const reason = `${ctx.policyId} (${doc.name})`;
  const existing = ctx.docs.get(choice.bucket);
  if (existing !== undefined) {
    if (existing.account.id !== choice.account) return ctx.manual(`destination ${choice.bucket} exists in account ${existing.account.id}, not ${choice.account}`);
    if (existing.region !== choice.region) return ctx.manual(`destination ${choice.bucket} exists in ${existing.region}, not ${choice.region}`);
    if (existing.versioning === null) return ctx.manual(`the versioning of destination ${choice.bucket} could not be read`);
    if (existing.versioning.status !== "Enabled") {
      drafts.versioning(choice.account, choice.bucket, choice.region, existing.versioning.status === "Suspended" ? { Status: "Suspended" } : null, reason);
    }
    if (settings?.objectLock === true && existing.objectLock?.enabled !== true) {
      const draft = drafts.get(choice.account, choice.bucket, choice.region);
      draft.objectLock ??= { before: null, reason: [] };
      if (!draft.objectLock.reason.includes(reason)) draft.objectLock.reason.push(reason);
    }
  } else {
    if (destAccount !== undefined && destAccount.scan !== "scanned") return ctx.manual(`destination account ${choice.account} was not scanned, so whether ${choice.bucket} exists is unknown`);
    if (settings?.createDestination !== true) return ctx.manual(`destination ${choice.bucket} does not exist and remediation.createDestination is not true`);
    const draft = drafts.get(choice.account, choice.bucket, choice.region);
    const objectLock = settings.objectLock === true;
    draft.create ??= { objectLock, reason: [] };
    if (!draft.create.reason.includes(reason)) draft.create.reason.push(reason);
    // A bucket created with Object Lock is versioned by S3 itself; otherwise versioning is a step of its own.
    if (!objectLock) drafts.versioning(choice.account, choice.bucket, choice.region, null, reason);
  }
  if (doc.versioning.status !== "Enabled") {
    drafts.versioning(doc.account.id, doc.name, doc.region, doc.versioning.status === "Suspended" ? { Status: "Suspended" } : null, ctx.policyId);
  }
  const crossAccount = choice.account !== doc.account.id;
  const kms = doc.encryption?.algorithm.startsWith("aws:kms") === true && choice.kmsKeyId !== null;
  const destination: Destination = {
    Bucket: `arn:aws:s3:::${choice.bucket}`,
    ...(crossAccount ? { Account: choice.account, AccessControlTranslation: { Owner: "Destination" } } : {}),
    ...(choice.storageClass === null ? {} : { StorageClass: choice.storageClass as Destination["StorageClass"] }),
    ...(kms ? { EncryptionConfiguration: { ReplicaKmsKeyID: choice.kmsKeyId! } } : {}),
    ...(settings?.replicationTime === true
      ? { ReplicationTime: { Status: "Enabled", Time: { Minutes: 15 } }, Metrics: { Status: "Enabled", EventThreshold: { Minutes: 15 } } }
      : {}),
  };
  const rule: SdkRule = {
    ID: `replguard-${choice.bucket}`.slice(0, 255),
    Priority: 1,
    Status: "Enabled",
    Filter: { Prefix: "" },
    DeleteMarkerReplication: { Status: "Disabled" },
    ...(kms ? { SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: "Enabled" } } } : {}),
    Destination: destination,
  };
  const draft = drafts.get(doc.account.id, doc.name, doc.region);
  drafts.replication(draft, null, { kind: "set-role", role: choice.role }, ctx.policyId);
  drafts.replication(draft, null, { kind: "add-rule", rule }, ctx.policyId);
  draft.needs.add(draftKey(choice.account, choice.bucket));
}
