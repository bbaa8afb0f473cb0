/**
 * Generates large scenarios for benchmarks and load tests, deterministically from a seed. The mix
 * follows real organizations so every code path is exercised: a management account, a log-archive
 * account whose buckets receive cross-account replication, workload accounts in nested OUs, a few
 * accounts without the audit role or suspended, and an account outside the organization.
 */
import { UsageError } from "../../errors.js";
import { seededRandom } from "./faults.js";
import type { Scenario, ScenarioAccount, ScenarioBucket } from "../types.js";

export interface GenerateSpec {
  /** Accounts in the organization (including the management and log-archive accounts). */
  accounts: number;
  /** Buckets per account. */
  buckets: number;
  seed?: number;
}

const REGIONS = ["us-east-1", "eu-west-1", "eu-central-1", "us-west-2", "ap-southeast-2"];
const OUS = ["Workloads/Prod", "Workloads/Prod/Payments", "Workloads/Dev", "Sandbox", "Infrastructure"];
const MANAGEMENT_ID = 100000000000;
const EXTERNAL_ID = "999900000001";

const accountId = (index: number): string => String(MANAGEMENT_ID + index);

const LIMITS = { accounts: [1, 20_000], buckets: [0, 1_000_000], seed: [0, 2 ** 31 - 1] } as const;

/** Parses `accounts=1000,buckets=100,seed=1` (the `--generate` flag). */
export function parseGenerateSpec(text: string): Required<GenerateSpec> {
  const values: Partial<Record<keyof typeof LIMITS, number>> = {};
  for (const part of text.split(",")) {
    const [name, value, extra] = part.trim().split("=");
    if (name === undefined || value === undefined || extra !== undefined || !(name in LIMITS)) {
      throw new UsageError(`--generate expects accounts=N,buckets=M[,seed=S]; "${part.trim()}" is not one of those`);
    }
    const key = name as keyof typeof LIMITS;
    const [min, max] = LIMITS[key];
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > max) throw new UsageError(`--generate ${key} must be a whole number from ${min} to ${max}, not "${value}"`);
    if (values[key] !== undefined) throw new UsageError(`--generate names ${key} twice`);
    values[key] = number;
  }
  if (values.accounts === undefined || values.buckets === undefined) throw new UsageError("--generate needs both accounts=N and buckets=M");
  return { accounts: values.accounts, buckets: values.buckets, seed: values.seed ?? 1 };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

type Rule = NonNullable<ScenarioBucket["replication"]>["Rules"][number];

function rule(id: string, priority: number, destination: string, account?: string): Rule {
  return {
    ID: id,
    Priority: priority,
    Filter: {},
    DeleteMarkerReplication: { Status: "Disabled" },
    Status: "Enabled",
    Destination: {
      Bucket: `arn:aws:s3:::${destination}`,
      ...(account === undefined ? {} : { Account: account, AccessControlTranslation: { Owner: "Destination" as const } }),
    },
  };
}

/** Variations a real cross-account rule has: delete markers, filters, disabled, no owner override, KMS, RTC. */
function vary(random: Random, cross: Rule, kms: boolean, region: string, archiveAccount: string): void {
  const destination = cross.Destination!;
  if (random() < 0.2) cross.DeleteMarkerReplication = { Status: "Enabled" };
  if (random() < 0.15) cross.Filter = random() < 0.5 ? { Prefix: "logs/" } : { Tag: { Key: "replicate", Value: "true" } };
  if (random() < 0.05) cross.Status = "Disabled";
  if (random() < 0.1) delete destination.AccessControlTranslation;
  // Half the SSE-KMS sources replicate their KMS objects with a replica key; the rest have none.
  if (kms && random() < 0.5) {
    cross.SourceSelectionCriteria = { SseKmsEncryptedObjects: { Status: "Enabled" } };
    destination.EncryptionConfiguration = { ReplicaKmsKeyID: `arn:aws:kms:${region}:${archiveAccount}:key/replica` };
  }
  if (random() < 0.1) {
    destination.ReplicationTime = { Status: "Enabled", Time: { Minutes: 15 } };
    destination.Metrics = { Status: "Enabled", EventThreshold: { Minutes: 15 } };
  }
}

/** One workload bucket; `archive` lists the log-archive buckets replication may target. */
function workloadBucket(random: Random, owner: string, name: string, sibling: string, archive: readonly ScenarioBucket[], archiveAccount: string): ScenarioBucket {
  const region = pick(random, REGIONS);
  const kms = random() < 0.3;
  const bucket: ScenarioBucket = {
    name,
    region,
    versioning: "Enabled",
    objects: Math.floor(random() * 100_000),
    encryption: kms ? { algorithm: "aws:kms", kmsKeyId: `arn:aws:kms:${region}:${owner}:key/${name}`, bucketKeyEnabled: true } : { algorithm: "AES256" },
  };
  const role = `arn:aws:iam::${owner}:role/s3-replication`;
  const roll = random();
  if (roll < 0.35 && archive.length > 0) {
    const target = pick(random, archive);
    const cross = rule("to-archive", 1, target.name, archiveAccount);
    vary(random, cross, kms, target.region, archiveAccount);
    bucket.replication = { Role: role, Rules: [cross] };
    if (random() < 0.1) bucket.replication.Rules.push(rule("second-copy", 2, pick(random, archive).name, archiveAccount));
  } else if (roll < 0.5) {
    bucket.replication = { Role: role, Rules: [rule("same-account", 1, sibling)] };
  } else if (roll < 0.53) {
    bucket.replication = { Role: role, Rules: [rule("missing-destination", 1, `${name}-gone`, archiveAccount)] };
  } else if (roll < 0.55) {
    bucket.replication = { Role: role, Rules: [rule("outside-org", 1, `partner-replica-${pick(random, REGIONS)}`, EXTERNAL_ID)] };
  } else if (roll < 0.7) {
    delete bucket.versioning;
  } else if (roll < 0.75) {
    bucket.versioning = "Suspended";
  }
  if (random() < 0.2) bucket.tags = { env: pick(random, ["prod", "dev", "test"]), owner: `team-${Math.floor(random() * 20)}` };
  if (random() < 0.01) bucket.deny = ["GetBucketReplication"];
  return bucket;
}

/** A deterministic organization of `accounts` accounts with `buckets` buckets each. */
/**
 * The replication role every workload bucket names: trusted by S3 only, allowed to read the
 * account's buckets and to replicate anywhere (`Resource: *`, a common shortcut the access
 * policies flag), so the IAM reads of an audit are those of a real role.
 */
function replicationRole(seed: number, index: number): NonNullable<ScenarioAccount["roles"]>[number] {
  const mine = `arn:aws:s3:::g${seed}-a${index}-*`;
  return {
    name: "s3-replication",
    trustPolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }] },
    inlinePolicies: {
      replicate: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], Resource: [mine, `${mine}/*`] },
          { Effect: "Allow", Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], Resource: "*" },
        ],
      },
    },
  };
}

export function generateScenario(spec: GenerateSpec): Scenario {
  for (const key of ["accounts", "buckets", "seed"] as const) {
    const value = spec[key];
    const [min, max] = LIMITS[key];
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      throw new UsageError(`generate.${key} must be a whole number from ${min} to ${max}, not ${value}`);
    }
  }
  const seed = spec.seed ?? 1;
  const random = seededRandom(seed);
  const management = accountId(0);
  const archiveId = accountId(1);
  const accounts: ScenarioAccount[] = [];

  // Log archive first, so workload replication can target its buckets (some unversioned: a broken destination).
  const archiveBuckets: ScenarioBucket[] = [];
  for (let j = 0; j < spec.buckets; j++) {
    const region = REGIONS[j % REGIONS.length] as string;
    archiveBuckets.push({
      name: `g${seed}-archive-${j}-${region}`,
      region,
      ...(j % 17 === 16 ? {} : { versioning: "Enabled" as const }),
      ...(j % 3 === 0 ? { objectLock: { mode: "COMPLIANCE" as const, days: 365 } } : {}),
      objects: Math.floor(random() * 1_000_000),
    });
  }

  for (let i = 0; i < spec.accounts; i++) {
    const id = accountId(i);
    const account: ScenarioAccount = { id, name: `account-${i}`, email: `aws+account-${i}@example.com`, tags: { index: String(i) } };
    if (i === 0) {
      account.name = "management";
      account.auditRole = false;
    } else if (i === 1 && spec.accounts > 1) {
      account.name = "log-archive";
      account.ou = "Security";
      account.buckets = archiveBuckets;
      accounts.push(account);
      continue;
    } else {
      account.ou = pick(random, OUS);
      account.tags = { index: String(i), env: account.ou.includes("Prod") ? "prod" : "dev" };
      // At fixed positions, so every generated organization of 8+ accounts has both cases.
      if (i % 40 === 7) account.auditRole = false;
      else if (i % 40 === 23) account.status = "SUSPENDED";
    }
    const target = spec.accounts > 1 ? archiveBuckets : [];
    account.roles = [replicationRole(seed, i)];
    account.buckets = [];
    for (let j = 0; j < spec.buckets; j++) {
      const name = `g${seed}-a${i}-b${j}`;
      const sibling = `g${seed}-a${i}-b${(j + 1) % spec.buckets}`;
      account.buckets.push(workloadBucket(random, id, name, sibling, target, archiveId));
    }
    accounts.push(account);
  }

  const partner: ScenarioAccount = {
    id: EXTERNAL_ID,
    name: "partner",
    buckets: REGIONS.map((region) => ({ name: `partner-replica-${region}`, region, versioning: "Enabled" as const })),
  };
  return {
    organization: { id: `o-gen${String(seed).padStart(7, "0")}`, managementAccountId: management },
    auditRole: { name: "OrganizationAccountAccessRole", externalId: null },
    accounts,
    externalAccounts: [partner],
  };
}
