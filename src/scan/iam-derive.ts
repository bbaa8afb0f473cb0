/**
 * From the policies read to the facts the bucket document states (docs/iam.md), with the IAM
 * evaluator (policy/iam): what each rule needs the role to be allowed, what the role is allowed
 * beyond that, and what a destination's bucket policy lets the source account do.
 * Required actions: https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
 * (source: s3:GetReplicationConfiguration and s3:ListBucket on the bucket, s3:GetObjectVersionForReplication,
 * s3:GetObjectVersionAcl, s3:GetObjectVersionTagging on its objects; destination: s3:ReplicateObject,
 * s3:ReplicateDelete, s3:ReplicateTags, and s3:ObjectOwnerOverrideToBucketOwner with owner override)
 * and https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
 * (kms:Decrypt on the source key, kms:Encrypt on the replica key).
 */
import type { BucketDocument, DestinationBucketPolicy, ReplicationRule } from "../model/index.js";
import { grantsBeyond, isAllowed, missingActions, statementsOf, trustedPrincipals, wildcardMatch, type PolicyDocument } from "../policy/iam/index.js";
import type { KeyRef } from "./kms-keys.js";
import type { RoleRead } from "./iam-role.js";

export const SOURCE_BUCKET_ACTIONS = ["s3:GetReplicationConfiguration", "s3:ListBucket"] as const;
export const SOURCE_OBJECT_ACTIONS = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"] as const;
export const DESTINATION_ACTIONS = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"] as const;
/** What a replication role may hold without being over-privileged: the above, Object Lock reads, annotations, and the KMS calls. */
const LEAST_PRIVILEGE_ACTIONS = [
  ...SOURCE_BUCKET_ACTIONS, ...SOURCE_OBJECT_ACTIONS, ...DESTINATION_ACTIONS,
  "s3:ObjectOwnerOverrideToBucketOwner", "s3:GetObjectRetention", "s3:GetObjectLegalHold", "s3:ReplicateObjectAnnotation",
  "s3:InitiateReplication", "s3:GetObjectVersion", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey",
];
/** Deleting or overwriting what the vault holds, or loosening its policy: what no source-account principal but the role may do. */
const SEGREGATION_OBJECT_ACTIONS = ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObject", "s3:PutObjectRetention", "s3:BypassGovernanceRetention"];
const SEGREGATION_BUCKET_ACTIONS = ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutLifecycleConfiguration"];
const S3_SERVICE_PRINCIPALS = ["Service:s3.amazonaws.com", "Service:batchoperations.s3.amazonaws.com"];
const ALLOW_ALL: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

export interface AccessWorld {
  organizationId: string | null;
}

const accountOf = (arn: string): string => /::(\d{12}):/.exec(arn)?.[1] ?? "";
const objectArn = (bucket: string, rule: ReplicationRule): string => `arn:aws:s3:::${bucket}/${rule.prefix ?? ""}replguard-object`;

/**
 * A principal's request context, one frozen object per world and principal: the evaluator finds the
 * inputs of a question by a frozen context and identity list without building their key
 * (policy/iam/input-ids.ts). Bounded: principals come from the organization.
 */
const contexts = new WeakMap<AccessWorld, Map<string, Readonly<Record<string, string>>>>();
function principalContext(world: AccessWorld, principalArn: string): Readonly<Record<string, string>> {
  let known = contexts.get(world);
  if (known === undefined || known.size >= 4_096) contexts.set(world, (known = new Map()));
  let context = known.get(principalArn);
  if (context === undefined) {
    context = Object.freeze({
      "aws:PrincipalAccount": accountOf(principalArn),
      "aws:PrincipalArn": principalArn,
      "aws:SecureTransport": "true",
      ...(world.organizationId === null ? {} : { "aws:PrincipalOrgID": world.organizationId }),
    });
    known.set(principalArn, context);
  }
  return context;
}

/** A role's identity policies, one frozen list per role read (see `principalContext`). */
const identities = new WeakMap<RoleRead, readonly PolicyDocument[]>();
export function identityOf(role: RoleRead): readonly PolicyDocument[] {
  let identity = identities.get(role);
  if (identity === undefined) identities.set(role, (identity = Object.freeze([...role.inline.map((p) => p.document), ...role.attached.map((p) => p.document)])));
  return identity;
}
const ALLOW_ALL_IDENTITY: readonly PolicyDocument[] = Object.freeze([ALLOW_ALL]);

/** The actions the rule needs that the role is not allowed (identity, destination bucket policy, key policies). */
export async function roleMissing(
  world: AccessWorld,
  doc: BucketDocument,
  rule: ReplicationRule,
  role: RoleRead,
  destinationPolicy: PolicyDocument | null,
  keys: { source: { ref: KeyRef; policy: PolicyDocument } | null; replica: { ref: KeyRef; policy: PolicyDocument } | null },
): Promise<string[]> {
  const base = { principal: role.arn, identityPolicies: identityOf(role), context: principalContext(world, role.arn) };
  // A role that does not exist is allowed nothing (the evaluator would still credit a bucket policy's grant to its ARN).
  if (!role.exists) return [...SOURCE_BUCKET_ACTIONS, ...SOURCE_OBJECT_ACTIONS, ...DESTINATION_ACTIONS];
  const destinationAccount = rule.destination.account ?? doc.account.id;
  const destination = rule.destination.ownerOverride ? [...DESTINATION_ACTIONS, "s3:ObjectOwnerOverrideToBucketOwner"] : [...DESTINATION_ACTIONS];
  const missing = [
    ...(await missingActions({ ...base, resource: doc.arn, resourceAccount: doc.account.id }, SOURCE_BUCKET_ACTIONS)),
    ...(await missingActions({ ...base, resource: objectArn(doc.name, rule), resourceAccount: doc.account.id }, SOURCE_OBJECT_ACTIONS)),
    ...(await missingActions({ ...base, resource: objectArn(rule.destination.bucket, rule), resourceAccount: destinationAccount, resourcePolicy: destinationPolicy }, destination)),
  ];
  if (keys.source !== null && rule.sseKmsEncryptedObjects) {
    const denied = await missingActions({ ...base, resource: keys.source.ref.arn, resourceAccount: keys.source.ref.account, resourcePolicy: keys.source.policy }, ["kms:Decrypt"]);
    missing.push(...denied.map((action) => `${action} on ${keys.source?.ref.arn}`));
  }
  if (keys.replica !== null) {
    const denied = await missingActions({ ...base, resource: keys.replica.ref.arn, resourceAccount: keys.replica.ref.account, resourcePolicy: keys.replica.policy }, ["kms:Encrypt"]);
    missing.push(...denied.map((action) => `${action} on ${keys.replica?.ref.arn}`));
  }
  return missing;
}

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);

/**
 * The principals other than the role that a bucket policy lets replicate into its bucket, sorted:
 * a function of the policy and the role only, the same for every bucket the role replicates there,
 * so worked out once per policy document and role (documents are never changed once read,
 * policy/iam/memo.ts) and copied into each document. Bounded per policy: roles come from the organization.
 */
const granteesMemo = new WeakMap<PolicyDocument, Map<string, readonly string[]>>();
function otherGrantees(policy: PolicyDocument, roleArn: string): readonly string[] {
  let byRole = granteesMemo.get(policy);
  if (byRole === undefined || byRole.size >= 4_096) granteesMemo.set(policy, (byRole = new Map()));
  let found = byRole.get(roleArn);
  if (found === undefined) {
    const grantees = new Set<string>();
    for (const statement of statementsOf(policy)) {
      if (statement.Effect !== "Allow" || !list(statement.Action).some((a) => wildcardMatch(a, "s3:ReplicateObject", true))) continue;
      const principal = statement.Principal;
      if (principal === "*") grantees.add("*");
      else if (typeof principal === "object" && principal !== null) {
        for (const [type, value] of Object.entries(principal)) for (const entry of list(value)) grantees.add(entry === "*" ? "*" : `${type}:${entry}`);
      }
    }
    grantees.delete(`AWS:${roleArn}`);
    byRole.set(roleArn, (found = [...grantees].sort()));
  }
  return found;
}

/** What a cross-account destination's bucket policy says about replication and segregation. */
export async function destinationPolicyFacts(world: AccessWorld, doc: BucketDocument, rule: ReplicationRule, roleArn: string, policy: PolicyDocument | null): Promise<DestinationBucketPolicy> {
  const bucket = rule.destination.bucket;
  const account = rule.destination.account ?? "";
  const object = objectArn(bucket, rule);
  const grantsRole =
    policy !== null &&
    (await isAllowed({ principal: roleArn, action: "s3:ReplicateObject", resource: object, resourceAccount: account, identityPolicies: ALLOW_ALL_IDENTITY, resourcePolicy: policy, context: principalContext(world, roleArn) }));
  const grantees = policy === null ? [] : [...otherGrantees(policy, roleArn)];
  // A principal of the source account that is not the role, with every permission its account could give it.
  const probe = `arn:aws:iam::${doc.account.id}:role/replguard-segregation-probe`;
  const query = { principal: probe, identityPolicies: ALLOW_ALL_IDENTITY, resourceAccount: account, resourcePolicy: policy, context: principalContext(world, probe) };
  const objectDenied = await missingActions({ ...query, resource: object }, SEGREGATION_OBJECT_ACTIONS);
  const bucketDenied = await missingActions({ ...query, resource: `arn:aws:s3:::${bucket}` }, SEGREGATION_BUCKET_ACTIONS);
  const sourceAccountAccess = [
    ...SEGREGATION_OBJECT_ACTIONS.filter((a) => !objectDenied.includes(a)),
    ...SEGREGATION_BUCKET_ACTIONS.filter((a) => !bucketDenied.includes(a)),
  ];
  return { present: policy !== null, grantsRole, otherReplicationGrantees: grantees, sourceAccountAccess };
}

type RoleFacts = NonNullable<NonNullable<BucketDocument["replication"]>["roleFacts"]>;

/**
 * A role's facts are the same for every bucket that uses it (they depend on the role, its users and
 * their keys only): the access pass asks once per bucket, so they are worked out once per role
 * read and users list (the pass builds that list before it starts and does not change it), and each
 * bucket gets its own copy (documents share no objects; since bucket document 2.0.0 a copy no longer
 * grows with the role's buckets: it counts them, `usedByCount`, where 1.x named them all). Keyed by
 * the users list first, held weakly: a role read outlives its batch (kept for later batches,
 * scan/early-access.ts), and an entry held by the role kept every document of the batch reachable as
 * long as it (~3 KB a bucket at 100,000).
 */
const roleFactsMemo = new WeakMap<readonly BucketDocument[], WeakMap<RoleRead, { count: number; keys: string; facts: Promise<RoleFacts> }>>();

/** Trust, permissions beyond replication on the role's own buckets and keys, and who else uses it. */
export async function roleFacts(role: RoleRead, users: BucketDocument[], keyArns: string[]): Promise<RoleFacts> {
  const keys = JSON.stringify(keyArns);
  let byRole = roleFactsMemo.get(users);
  if (byRole === undefined) roleFactsMemo.set(users, (byRole = new WeakMap()));
  let memo = byRole.get(role);
  if (memo === undefined || memo.count !== users.length || memo.keys !== keys) {
    byRole.set(role, (memo = { count: users.length, keys, facts: computeRoleFacts(role, users, keyArns) }));
  }
  return structuredClone(await memo.facts);
}

async function computeRoleFacts(role: RoleRead, users: BucketDocument[], keyArns: string[]): Promise<RoleFacts> {
  const trusted = trustedPrincipals(role.trustPolicy);
  const resources = users.flatMap((doc) => [doc.arn, `${doc.arn}/*`, ...(doc.replication?.rules ?? []).map((r) => `arn:aws:s3:::${r.destination.bucket}/*`)]);
  const excess = await grantsBeyond(
    [...role.inline.map((p) => ({ name: `inline policy ${p.name}`, document: p.document })), ...role.attached.map((p) => ({ name: `attached policy ${p.name}`, document: p.document }))],
    { actions: LEAST_PRIVILEGE_ACTIONS, resources: [...new Set([...resources, ...keyArns])] },
  );
  const keys = [...new Set(users.flatMap((doc) => Object.keys(doc.tags ?? {})))].sort();
  return {
    arn: role.arn,
    account: accountOf(role.arn),
    exists: role.exists,
    trustedPrincipals: trusted,
    untrustedPrincipals: trusted.filter((p) => !S3_SERVICE_PRINCIPALS.includes(p)),
    trustsBatchOperations: trusted.includes("Service:batchoperations.s3.amazonaws.com"),
    inlinePolicies: role.inline.map((p) => p.name),
    attachedPolicies: role.attached.map((p) => p.arn),
    excessiveGrants: excess.map((e) => `${e.policy} (statement ${e.statement}) grants ${e.actions.length > 0 ? e.actions.join(", ") : "its actions"} on ${e.resources.length > 0 ? e.resources.join(", ") : "its buckets"}`),
    // A count, not the names: the names in every user's document grew with the square of a role's buckets (docs/memory.md).
    usedByCount: users.length,
    // "(untagged)" cannot be a tag value: S3 tag values allow no parentheses.
    tagValues: keys.map((key) => ({ key, values: [...new Set(users.map((doc) => doc.tags?.[key] ?? "(untagged)"))].sort() })),
  };
}
