/**
 * The access pass (FACTS kind `access`, docs/iam.md): after destinations are resolved, reads each
 * replication role once (in its account), each cross-account destination's bucket policy and
 * Object Ownership once (in the destination's account), and each KMS key policy once (in the key's
 * account and Region), then states in every replicating bucket's document what they mean for its
 * rules. A read that fails is an entry of each concerned bucket's errors[] and the fact in the
 * concerned rules' `destination.unreadable`; the fields it would fill are null, never a default.
 */
import type { IamReads, KeyPolicies } from "../aws/index.js";
import type { AccessFact, BucketDocument, BucketError, ReplicationRule } from "../model/index.js";
import type { PolicyDocument } from "../policy/iam/index.js";
import { readBucketPolicy, readOwnership, type Ownership } from "./bucket-policy.js";
import type { AccountSession, ScanContext } from "./context.js";
import { destinationPolicyFacts, roleFacts, roleMissing, type AccessWorld } from "./iam-derive.js";
import { readRole, type RoleRead } from "./iam-role.js";
import { keyRef, readKeyPolicy, type KeyRef } from "./kms-keys.js";

type Read<T> = T | BucketError;
const failed = <T extends object>(read: Read<T>): read is BucketError => "operation" in read && "code" in read;

/** Each distinct read once: concurrent askers share the promise. */
class Once<T> {
  private readonly reads = new Map<string, Promise<T>>();
  get(key: string, read: () => Promise<T>): Promise<T> {
    let promise = this.reads.get(key);
    if (promise === undefined) promise = read();
    // Last asked, last in the map: `trim` drops the reads asked for longest ago.
    else this.reads.delete(key);
    this.reads.set(key, promise);
    return promise;
  }
  delete(key: string): void {
    this.reads.delete(key);
  }
  /** Drops the reads asked for longest ago beyond `max` (a later asker reads again: the same answer, one more call). */
  trim(max: number): void {
    for (const key of this.reads.keys()) {
      if (this.reads.size <= max) return;
      this.reads.delete(key);
    }
  }
  /** Keeps only the reads `keep` names. */
  retain(keep: { has(name: string): boolean }): void {
    for (const key of [...this.reads.keys()]) if (!keep.has(key)) this.reads.delete(key);
  }
}

/**
 * The reads of the access pass, shared by its batches (scan/access-pass.ts) so that a role, bucket
 * policy, ownership or key policy is read once per scan, however many batches name it; `forget`
 * drops what no later batch names, so the reads held do not grow with the organization.
 */
/** Clients kept for later batches: more than the batches in flight can use at once (access-pass.ts). */
const FORGET_CLIENTS_ABOVE = 256;

export class AccessReads {
  /** Each account's role reads (src/aws/lean-iam.ts: its IAM client made only if a read needs the SDK). */
  readonly iamClients = new Map<string, IamReads>();
  readonly roles = new Once<Read<RoleRead>>();
  readonly policies = new Once<Read<{ policy: PolicyDocument | null }>>();
  readonly ownerships = new Once<Read<{ ownership: Ownership }>>();
  readonly keys = new Once<Read<{ policy: PolicyDocument }>>();

  /** Key policy reads by account and Region (lean-kms.ts): one per pair, not one per key read. */
  readonly kmsClients = new Map<string, KeyPolicies>();

  /**
   * Role ARNs, bucket names and key ARNs no later batch reads (their namespaces cannot collide);
   * the batch's clients go too (a later batch in the same account makes one again, no call is repeated).
   */
  forget(names: Iterable<string>): void {
    // Batches overlap (access-pass.ts), so a client may still be in use: the maps are only emptied
    // once they outgrow the batches in flight (a batch keeps the clients it already took).
    if (this.iamClients.size > FORGET_CLIENTS_ABOVE) this.iamClients.clear();
    if (this.kmsClients.size > FORGET_CLIENTS_ABOVE) this.kmsClients.clear();
    for (const name of names) {
      this.roles.delete(name);
      this.policies.delete(name);
      this.ownerships.delete(name);
      this.keys.delete(name);
    }
  }

  /**
   * While accounts are still being read, which later batch names a read is not known yet
   * (scan/early-access.ts): the reads are kept, up to `max` of each kind, those asked for longest
   * ago dropped first (a destination or key many accounts name stays).
   */
  trim(max: number): void {
    for (const once of [this.roles, this.policies, this.ownerships, this.keys]) once.trim(max);
  }

  /** Keeps only the reads some batch still to run names (the access pass's count of them). */
  retain(named: { has(name: string): boolean }): void {
    for (const once of [this.roles, this.policies, this.ownerships, this.keys]) once.retain(named);
  }
}

/** What a replicating bucket's access facts read: its role, its rules' destination buckets and the keys involved. */
export const accessReferences = (doc: BucketDocument): string[] => [
  ...(doc.replication?.role === null || doc.replication?.role === undefined ? [] : [doc.replication.role]),
  ...(doc.replication?.rules ?? []).map((rule) => rule.destination.bucket),
  ...keysOf(doc).map((key) => key.arn),
];

const accountOf = (arn: string): string => /::(\d{12}):/.exec(arn)?.[1] ?? "";

const notScanned = (operation: string, what: string, account: string): BucketError => ({
  operation,
  code: "AccountNotScanned",
  message: `${what}: account ${account || "(unknown)"} was not scanned, so it cannot be read there`,
});

/**
 * A destination or key in an account the scan has no session for (outside the organization, not
 * scanned) is not a failed read but a fact the organization cannot know, as the destination's other
 * facts: its fields stay null, and the evaluator makes the verdict `error` (not scanned) or a
 * finding (outside the organization) as for versioning or Object Lock (docs/policies.md).
 */
const outOfReach = (read: BucketError | object): boolean => "code" in read && read.code === "AccountNotScanned";

const sourceKeyOf = (doc: BucketDocument): KeyRef | null =>
  doc.encryption?.algorithm.startsWith("aws:kms") === true && doc.encryption.kmsKeyId !== null ? keyRef(doc.encryption.kmsKeyId, doc.account.id, doc.region) : null;
const replicaKeyOf = (doc: BucketDocument, rule: ReplicationRule): KeyRef | null =>
  rule.destination.replicaKmsKeyId === null ? null : keyRef(rule.destination.replicaKmsKeyId, rule.destination.account ?? doc.account.id, rule.destination.region ?? doc.region);
/** The keys a bucket's rules involve: the source's SSE-KMS key (for rules replicating such objects) and the replica keys. */
function keysOf(doc: BucketDocument): KeyRef[] {
  const rules = doc.replication?.rules ?? [];
  const source = sourceKeyOf(doc);
  return [...(source !== null && rules.some((r) => r.sseKmsEncryptedObjects) ? [source] : []), ...rules.map((r) => replicaKeyOf(doc, r)).filter((k): k is KeyRef => k !== null)];
}

/**
 * The accounts whose sessions a completed replicating bucket's access facts look up: its role's,
 * its destinations' and its keys' (an account without one gives "not scanned").
 */
export const accessAccounts = (doc: BucketDocument): string[] => [
  ...(doc.replication?.role === null || doc.replication?.role === undefined ? [] : [accountOf(doc.replication.role)]),
  ...(doc.replication?.rules ?? []).flatMap((rule) => (rule.destination.account === null ? [] : [rule.destination.account])),
  ...keysOf(doc).map((key) => key.account),
];

/**
 * Fills the access facts of `documents`, which must hold every bucket that uses any of their roles
 * (a role is judged across all its buckets). `reads` carries the reads over from earlier batches.
 * Only the documents `fill` accepts are filled; the others count only as their roles' users (their
 * access facts were stated ahead: scan/early-access.ts).
 */
export async function collectAccessFacts(
  ctx: ScanContext,
  documents: BucketDocument[],
  sessions: Map<string, AccountSession>,
  access: readonly AccessFact[],
  world: AccessWorld,
  reads: AccessReads = new AccessReads(),
  fill: (doc: BucketDocument) => boolean = () => true,
): Promise<void> {
  const wants = (fact: AccessFact): boolean => access.includes(fact);
  const { iamClients, kmsClients, roles, policies, ownerships, keys } = reads;
  type RoleFacts = NonNullable<NonNullable<BucketDocument["replication"]>["roleFacts"]>;
  // The same for every bucket of a role: made once and shared (its work, the grants and tag values,
  // reads every user of the role).
  const factsOfRole = new Once<RoleFacts>();

  const readRoleOnce = (arn: string): Promise<Read<RoleRead>> =>
    roles.get(arn, async () => {
      const session = sessions.get(accountOf(arn));
      if (session === undefined) return notScanned("GetRole", `replication role ${arn}`, accountOf(arn));
      let iam = iamClients.get(session.accountId);
      if (iam === undefined) iamClients.set(session.accountId, (iam = ctx.factory.iamReads(session.credentials)));
      return readRole(iam, ctx.request, arn);
    });
  const destinationSession = (rule: ReplicationRule): AccountSession | undefined => (rule.destination.account === null ? undefined : sessions.get(rule.destination.account));
  const readKeyOnce = (key: KeyRef): Promise<Read<{ policy: PolicyDocument }>> =>
    keys.get(key.arn, async () => {
      const session = sessions.get(key.account);
      if (session === undefined) return notScanned("GetKeyPolicy", `key ${key.arn}`, key.account);
      let kms = kmsClients.get(`${session.accountId}/${key.region}`);
      // Its KMS client is made only if a read needs the SDK (lean-kms.ts): the first in a Region, for its endpoint.
      if (kms === undefined) kmsClients.set(`${session.accountId}/${key.region}`, (kms = ctx.factory.keyPolicies(session.credentials, key.region)));
      return readKeyPolicy(kms, ctx.request, key);
    });

  const replicating = documents.filter((doc) => doc.replication?.configured === true && doc.replication.role !== null);
  const usersByRole = new Map<string, BucketDocument[]>();
  /** Keys each role's buckets use: the role may be granted them without being over-privileged. */
  const keysByRole = new Map<string, Set<string>>();
  for (const doc of replicating) {
    const arn = doc.replication?.role as string;
    const users = usersByRole.get(arn);
    if (users === undefined) usersByRole.set(arn, [doc]);
    else users.push(doc);
    const keys = keysByRole.get(arn) ?? new Set<string>();
    for (const key of keysOf(doc)) keys.add(key.arn);
    keysByRole.set(arn, keys);
  }

  await Promise.all(
    replicating.filter(fill).map(async (doc) => {
      const replication = doc.replication as NonNullable<BucketDocument["replication"]>;
      const arn = replication.role as string;
      const addError = (error: BucketError): void => {
        if (doc.errors.some((e) => e.operation === error.operation && e.message === error.message)) return;
        doc.errors.push(error);
        ctx.progress.errors++;
      };
      const role = wants("replicationRole") ? await readRoleOnce(arn) : null;
      if (role !== null && failed(role)) addError(role);

      const sourceKey = sourceKeyOf(doc);
      for (const rule of replication.rules) {
        const destination = rule.destination;
        const unreadable = (fact: AccessFact): void => {
          if (!destination.unreadable.includes(fact)) destination.unreadable.push(fact);
        };
        const cross = destination.crossAccount === true;
        const session = destinationSession(rule);
        let policy: Read<{ policy: PolicyDocument | null }> | null = null;
        if (cross && (wants("destinationPolicy") || wants("replicationRole"))) {
          policy = session === undefined ? notScanned("GetBucketPolicy", `destination ${destination.bucket}`, destination.account ?? "") : await policies.get(destination.bucket, () => readBucketPolicy(session.bucketReads(destination.region ?? ctx.homeRegion), ctx.request, destination.bucket));
          if (failed(policy) && !outOfReach(policy)) {
            addError(policy);
            unreadable("destinationPolicy");
          }
        }
        if (wants("destinationOwnership")) {
          destination.objectOwnership = null;
          if (cross) {
            const read = session === undefined ? notScanned("GetBucketOwnershipControls", `destination ${destination.bucket}`, destination.account ?? "") : await ownerships.get(destination.bucket, () => readOwnership(session.bucketReads(destination.region ?? ctx.homeRegion), ctx.request, destination.bucket));
            if (failed(read)) {
              if (!outOfReach(read)) {
                addError(read);
                unreadable("destinationOwnership");
              }
            } else destination.objectOwnership = read.ownership;
          }
        }
        if (wants("destinationPolicy")) {
          destination.bucketPolicy = policy !== null && !failed(policy) ? await destinationPolicyFacts(world, doc, rule, arn, policy.policy) : null;
        }

        // Keys this rule involves: the source's SSE-KMS key (when the rule replicates such objects) and the replica key.
        const replicaKey = replicaKeyOf(doc, rule);
        const involved = [rule.sseKmsEncryptedObjects ? sourceKey : null, replicaKey].filter((k): k is KeyRef => k !== null);
        const keyReads = wants("keyPolicies") ? await Promise.all(involved.map(readKeyOnce)) : [];
        const keysFailed = keyReads.filter(failed);
        const keysDenied = keysFailed.filter((read) => !outOfReach(read));
        keysDenied.forEach(addError);
        if (keysDenied.length > 0) unreadable("keyPolicies");
        if (wants("keyPolicies")) destination.keyPoliciesRead = keysFailed.length === 0 ? true : null;

        if (wants("replicationRole")) {
          const known = role !== null && !failed(role) && (policy === null || !failed(policy)) && keysFailed.length === 0 && !(cross && policy === null);
          if (role !== null && failed(role)) unreadable("replicationRole");
          if (!known || role === null || failed(role)) {
            destination.roleMissingActions = null;
            continue;
          }
          const keyPolicy = (ref: KeyRef | null) => {
            if (ref === null) return null;
            const read = keyReads[involved.indexOf(ref)];
            return read === undefined || failed(read) ? null : { ref, policy: read.policy };
          };
          destination.roleMissingActions = await roleMissing(world, doc, rule, role, policy === null || failed(policy) ? null : policy.policy, {
            source: rule.sseKmsEncryptedObjects ? keyPolicy(sourceKey) : null,
            replica: keyPolicy(replicaKey),
          });
        }
      }
      if (wants("replicationRole")) {
        replication.roleFacts = role !== null && !failed(role) ? await factsOfRole.get(arn, () => roleFacts(role, usersByRole.get(arn) ?? [doc], [...(keysByRole.get(arn) ?? [])])) : null;
      }
    }),
  );
}
