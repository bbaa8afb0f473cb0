/**
 * One small world, built twice: as a sandbox scenario object, and in moto_server through the
 * setup calls moto needs (CreateOrganization, CreateAccount, CreateOrganizationalUnit, MoveAccount,
 * TagResource, and S3 Put* for the pre-configured bucket). The conformance test then asks both the
 * same questions. Only values we control are aligned (names, emails, OU names, tags, and the
 * management account id: moto's default); generated ids are discovered by walking the tree on each side.
 */
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
  TagResourceCommand,
} from "@aws-sdk/client-organizations";
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutBucketReplicationCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  type ReplicationConfiguration,
  type ReplicationRule,
} from "@aws-sdk/client-s3";
import type { Scenario } from "../../../src/sandbox/types.js";
import { ACCOUNTS } from "../../support/accounts.js";
import { organizationsFor, s3For, type LoopbackTarget } from "./aws-clients.js";

/**
 * moto's default account. moto's MOTO_ACCOUNT_ID could pick another, but then moto no longer
 * recognises the credentials its own AssumeRole issued (GetCallerIdentity answers the user "moto").
 */
export const MANAGEMENT_ACCOUNT_ID = "123456789012";
export const MEMBER_ACCOUNT_ID = ACCOUNTS.prod;
export const AUDIT_ROLE_NAME = "OrganizationAccountAccessRole";

interface WorldAccount {
  id: string;
  name: string;
  email: string;
  /** OU path below the root; "" = directly under the root. */
  ou: "" | "Workloads" | "Workloads/Prod";
  tags: Record<string, string>;
}

/**
 * moto names its management account "master" with this email; the scenario copies both. Member ids
 * are the sandbox's only (moto generates its own): prod and dev are the named ACCOUNTS, the three
 * sandbox-* accounts are fillers that make listings span pages, with ids that name no role.
 */
export const WORLD_ACCOUNTS: readonly WorldAccount[] = [
  { id: MANAGEMENT_ACCOUNT_ID, name: "master", email: "master@example.com", ou: "", tags: {} },
  { id: MEMBER_ACCOUNT_ID, name: "prod", email: "prod@example.com", ou: "Workloads/Prod", tags: { env: "prod", team: "payments" } },
  { id: ACCOUNTS.dev, name: "dev", email: "dev@example.com", ou: "Workloads", tags: { env: "dev" } },
  { id: "600000000001", name: "sandbox-a", email: "sandbox-a@example.com", ou: "", tags: {} },
  { id: "600000000002", name: "sandbox-b", email: "sandbox-b@example.com", ou: "", tags: {} },
  { id: "600000000003", name: "sandbox-c", email: "sandbox-c@example.com", ou: "", tags: {} },
];

/** A bucket that exists before the S3 sequence starts, with tags, SSE-KMS and a policy. */
export const CONFIGURED_BUCKET = {
  name: "conf-configured",
  region: "us-east-1",
  tags: { classification: "sensitive", team: "storage" },
  kmsKeyId: `arn:aws:kms:us-east-1:${MANAGEMENT_ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  policy: {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["arn:aws:s3:::conf-configured", "arn:aws:s3:::conf-configured/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  },
} as const;

/** Buckets the S3 sequence creates on both servers (DEST in eu-west-1), and one it never creates. */
export const SEQUENCE_BUCKETS = { SOURCE: "conf-source", DEST: "conf-dest", LOCKED: "conf-locked", MISSING: "conf-missing" } as const;

/**
 * A versioned bucket whose replication configuration exists before the sequence starts: loaded from
 * the scenario by the sandbox, put through the API in moto. Its destination is created later.
 */
export const REPLICATED_BUCKET = { name: "conf-replicated", region: "us-east-1", destination: SEQUENCE_BUCKETS.DEST } as const;

export function conformanceScenario(): Scenario {
  const replication = plainReplication(REPLICATED_BUCKET.destination);
  return {
    organization: { id: "o-conform12345", managementAccountId: MANAGEMENT_ACCOUNT_ID },
    auditRole: { name: AUDIT_ROLE_NAME, externalId: null },
    accounts: WORLD_ACCOUNTS.map((account) => ({
      id: account.id,
      name: account.name,
      email: account.email,
      ou: account.ou,
      status: "ACTIVE",
      tags: account.tags,
      auditRole: true,
      buckets:
        account.id === MANAGEMENT_ACCOUNT_ID
          ? [
              {
                name: CONFIGURED_BUCKET.name,
                region: CONFIGURED_BUCKET.region,
                encryption: { algorithm: "aws:kms", kmsKeyId: CONFIGURED_BUCKET.kmsKeyId, bucketKeyEnabled: true },
                tags: { ...CONFIGURED_BUCKET.tags },
                policy: CONFIGURED_BUCKET.policy,
              },
              {
                name: REPLICATED_BUCKET.name,
                region: REPLICATED_BUCKET.region,
                versioning: "Enabled",
                replication: { Role: replication.Role ?? "", Rules: replication.Rules ?? [] },
              },
            ]
          : [],
    })),
  };
}

/** Builds the same organization and pre-configured buckets in a fresh moto (which acts as MANAGEMENT_ACCOUNT_ID). */
export async function buildWorldInMoto(moto: LoopbackTarget): Promise<void> {
  const organizations = organizationsFor(moto);
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  const rootId = (await organizations.send(new ListRootsCommand({}))).Roots?.[0]?.Id;
  const workloads = await organizations.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: "Workloads" }));
  const prod = await organizations.send(
    new CreateOrganizationalUnitCommand({ ParentId: workloads.OrganizationalUnit?.Id, Name: "Prod" }),
  );
  const ouIds = { Workloads: workloads.OrganizationalUnit?.Id, "Workloads/Prod": prod.OrganizationalUnit?.Id };
  for (const account of WORLD_ACCOUNTS) {
    if (account.id === MANAGEMENT_ACCOUNT_ID) continue;
    // moto completes CreateAccount synchronously: the status already carries the new id.
    const created = await organizations.send(new CreateAccountCommand({ AccountName: account.name, Email: account.email }));
    const accountId = created.CreateAccountStatus?.AccountId;
    if (account.ou !== "") {
      await organizations.send(
        new MoveAccountCommand({ AccountId: accountId, SourceParentId: rootId, DestinationParentId: ouIds[account.ou] }),
      );
    }
    const tags = Object.entries(account.tags).map(([Key, Value]) => ({ Key, Value }));
    if (tags.length > 0) await organizations.send(new TagResourceCommand({ ResourceId: accountId, Tags: tags }));
  }

  const s3 = s3For(moto);
  const Bucket = CONFIGURED_BUCKET.name;
  await s3.send(new CreateBucketCommand({ Bucket }));
  const TagSet = Object.entries(CONFIGURED_BUCKET.tags).map(([Key, Value]) => ({ Key, Value }));
  await s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet } }));
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: CONFIGURED_BUCKET.kmsKeyId },
            BucketKeyEnabled: true,
          },
        ],
      },
    }),
  );
  await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: JSON.stringify(CONFIGURED_BUCKET.policy) }));

  const replicated = { Bucket: REPLICATED_BUCKET.name };
  await s3.send(new CreateBucketCommand(replicated));
  await s3.send(new PutBucketVersioningCommand({ ...replicated, VersioningConfiguration: { Status: "Enabled" } }));
  const configuration = plainReplication(REPLICATED_BUCKET.destination);
  await s3.send(new PutBucketReplicationCommand({ ...replicated, ReplicationConfiguration: configuration }));
}

// ---------------------------------------------------------------- replication configurations the S3 sequence puts

const REPLICATION_ROLE = `arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:role/s3-replication`;
const bucketArn = (bucket: string): string => `arn:aws:s3:::${bucket}`;

/** A configuration moto stores without loss: empty prefix filter, delete markers not replicated, RTC with metrics. */
export function plainReplication(destination: string): ReplicationConfiguration {
  return {
    Role: REPLICATION_ROLE,
    Rules: [
      {
        ID: "everything",
        Status: "Enabled",
        Priority: 1,
        Filter: { Prefix: "" },
        DeleteMarkerReplication: { Status: "Disabled" },
        Destination: {
          Bucket: bucketArn(destination),
          StorageClass: "STANDARD_IA",
          Metrics: { Status: "Enabled", EventThreshold: { Minutes: 15 } },
          ReplicationTime: { Status: "Enabled", Time: { Minutes: 15 } },
        },
      },
    ],
  };
}

/** A valid configuration that moto 5.2.1 loses parts of: a prefix filter, delete markers, a tag filter, SSE-KMS objects. */
export function detailedReplication(destination: string): ReplicationConfiguration {
  return {
    Role: REPLICATION_ROLE,
    Rules: [
      {
        ID: "logs",
        Status: "Enabled",
        Priority: 1,
        Filter: { Prefix: "logs/" },
        DeleteMarkerReplication: { Status: "Enabled" },
        Destination: { Bucket: bucketArn(destination) },
      },
      {
        ID: "sensitive",
        Status: "Disabled",
        Priority: 2,
        Filter: { Tag: { Key: "classification", Value: "sensitive" } },
        DeleteMarkerReplication: { Status: "Disabled" },
        SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: "Enabled" } },
        Destination: {
          Bucket: bucketArn(destination),
          EncryptionConfiguration: { ReplicaKmsKeyID: `arn:aws:kms:eu-west-1:${MANAGEMENT_ACCOUNT_ID}:key/replica` },
        },
      },
    ],
  };
}

/** One rule, shaped by `change`, on top of a valid V2 rule to `destination`. */
export function oneRule(destination: string, change: Partial<ReplicationRule>): ReplicationConfiguration {
  const rule: ReplicationRule = {
    ID: "rule",
    Status: "Enabled",
    Priority: 1,
    Filter: { Prefix: "" },
    DeleteMarkerReplication: { Status: "Disabled" },
    Destination: { Bucket: bucketArn(destination) },
    ...change,
  };
  return { Role: REPLICATION_ROLE, Rules: [rule] };
}
