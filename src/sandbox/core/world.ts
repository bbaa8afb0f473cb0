/**
 * Builds the mutable World from a validated scenario: accounts, the OU tree from the accounts'
 * `ou` paths, buckets (replication loaded as written, without S3's write validation) and the
 * long-term keys of every account. Ids are derived from the scenario by hashing, so the same
 * scenario always yields the same root, OU ids and keys.
 */
import { createHash } from "node:crypto";
import type { IamPolicyDocument, Scenario, ScenarioAccount, ScenarioBucket } from "../types.js";
import { seedBatchOperations } from "../s3control/seed.js";
import type { AccountState, BucketState, KeyState, OrganizationalUnitState, World } from "./contracts.js";
import { DEFAULT_MAX_SESSION_SECONDS, kmsKeysOf, managedPoliciesOf, remediationRoleOf, rolesOf } from "./world-iam.js";

const DEFAULT_AUDIT_ROLE = "OrganizationAccountAccessRole";
/** Fixed dates so answers are reproducible: the organization's creation and the buckets' creation. */
const JOINED_AT = Date.UTC(2021, 2, 1);
const CREATED_AT = Date.UTC(2022, 0, 15);

const digest = (text: string): Buffer => createHash("sha256").update(text).digest();
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const LOWER36 = "0123456789abcdefghijklmnopqrstuvwxyz";

const fromAlphabet = (bytes: Buffer, alphabet: string, length: number): string =>
  Array.from(bytes.subarray(0, length), (byte) => alphabet[byte % alphabet.length]).join("");

/** Keys for an account without `credentials` in the scenario: stable across runs, 20-char AKIA ids like AWS's. */
export function derivedCredentials(accountId: string): { accessKeyId: string; secretAccessKey: string } {
  return {
    accessKeyId: `AKIA${fromAlphabet(digest(`replguard-sandbox-key:${accountId}`), BASE32, 16)}`,
    secretAccessKey: digest(`replguard-sandbox-secret:${accountId}`).toString("base64").slice(0, 40),
  };
}

/** Root id `r-` + 4 characters ([0-9a-z]{4,32} per the Organizations API). */
export const rootIdFor = (organizationId: string): string => `r-${fromAlphabet(digest(`root:${organizationId}`), LOWER36, 4)}`;

/** OU id `ou-<root suffix>-<8 chars>` as Organizations forms them. */
const ouIdFor = (rootId: string, path: string): string => `ou-${rootId.slice(2)}-${fromAlphabet(digest(`ou:${path}`), LOWER36, 8)}`;

function buildOus(world: World, organizationId: string, accounts: ScenarioAccount[]): Map<string, string> {
  /** OU path ("Workloads/Prod") → OU id. */
  const byPath = new Map<string, string>();
  for (const account of accounts) {
    const names = (account.ou ?? "").split("/").filter((name) => name !== "");
    let parentId = world.rootId;
    let path = "";
    for (const name of names) {
      path = path === "" ? name : `${path}/${name}`;
      let id = byPath.get(path);
      if (id === undefined) {
        id = ouIdFor(world.rootId, path);
        byPath.set(path, id);
        const ou: OrganizationalUnitState = {
          id,
          name,
          parentId,
          arn: `arn:aws:organizations::${world.managementAccountId}:ou/${organizationId}/${id}`,
        };
        world.ous.set(id, ou);
      }
      parentId = id;
    }
  }
  return byPath;
}

/** The management account, or the one standalone account of a scenario without an organization. */
export const homeAccountId = (scenario: Scenario): string => scenario.organization?.managementAccountId ?? (scenario.accounts[0] as ScenarioAccount).id;

function auditRoleOf(scenario: Scenario, account: ScenarioAccount, member: boolean): AccountState["auditRole"] {
  const trustedAccounts = scenario.auditRole?.trustedAccounts ?? [homeAccountId(scenario)];
  const externalId = scenario.auditRole?.externalId ?? null;
  const maxSessionDuration = scenario.auditRole?.maxSessionDuration ?? DEFAULT_MAX_SESSION_SECONDS;
  const policy = scenario.auditRole?.policy;
  // Written only when given, so a role without one reads as before.
  const withPolicy = (document: IamPolicyDocument | undefined) => (document === undefined ? {} : { policy: document });
  const setting = account.auditRole;
  if (setting === false) return null;
  // Accounts outside the organization have no audit role unless the scenario describes one.
  if (setting === undefined) return member ? { trustedAccounts, externalId, maxSessionDuration, ...withPolicy(policy) } : null;
  if (setting === true) return { trustedAccounts, externalId, maxSessionDuration, ...withPolicy(policy) };
  return {
    trustedAccounts: setting.trusts ?? trustedAccounts,
    externalId: setting.externalId === undefined ? externalId : setting.externalId,
    maxSessionDuration: setting.maxSessionDuration ?? maxSessionDuration,
    ...withPolicy(setting.policy ?? policy),
  };
}

/** JSON round trip: the replication shape is plain JSON, and this is twice as fast as structuredClone. */
const copyJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function bucketStateFrom(bucket: ScenarioBucket, accountId: string, share = false): BucketState {
  const lock = bucket.objectLock;
  const rule =
    lock === undefined || lock === true || lock.mode === undefined
      ? undefined
      : { mode: lock.mode, ...(lock.days === undefined ? {} : { days: lock.days }), ...(lock.years === undefined ? {} : { years: lock.years }) };
  return {
    name: bucket.name,
    accountId,
    region: bucket.region,
    createdAt: new Date(CREATED_AT),
    versioning: bucket.versioning,
    mfaDelete: bucket.mfaDelete,
    objectLockEnabled: lock !== undefined,
    objectLockRule: rule,
    encryption: bucket.encryption === undefined || share ? bucket.encryption : { ...bucket.encryption },
    tags: bucket.tags === undefined || share ? bucket.tags : { ...bucket.tags },
    policy: bucket.policy === undefined ? undefined : typeof bucket.policy === "string" ? bucket.policy : JSON.stringify(bucket.policy),
    publicAccessBlock: bucket.publicAccessBlock === undefined || share ? bucket.publicAccessBlock : { ...bucket.publicAccessBlock },
    ownershipControls: bucket.ownershipControls === undefined || share ? bucket.ownershipControls : copyJson(bucket.ownershipControls),
    lifecycle: bucket.lifecycle === undefined || share ? bucket.lifecycle : copyJson(bucket.lifecycle),
    replication: bucket.replication === undefined ? undefined : share ? bucket.replication : copyJson(bucket.replication),
    deny: new Set(bucket.deny ?? []),
    objects: bucket.objects ?? 0,
    stored: new Map(),
    ...(bucket.replicationFailures === undefined ? {} : { replicationFailures: bucket.replicationFailures }),
  };
}

export function longTermKey(account: ScenarioAccount): KeyState {
  const credentials = account.credentials ?? derivedCredentials(account.id);
  return { ...credentials, accountId: account.id, principalArn: `arn:aws:iam::${account.id}:root`, userId: account.id };
}

export interface BuildOptions {
  /**
   * Use the scenario's objects (replication, encryption, tags) in the world instead of copies. Only for scenarios
   * nobody else holds (a generated one): the S3 handler may change the world's objects.
   */
  shareScenarioObjects?: boolean;
}

/** The World a scenario describes. The scenario must already be validated (see core/scenario.ts). */
export function buildWorld(scenario: Scenario, options: BuildOptions = {}): World {
  const share = options.shareScenarioObjects ?? false;
  const organizationId = scenario.organization?.id ?? null;
  const world: World = {
    organizationId,
    managementAccountId: homeAccountId(scenario),
    rootId: organizationId === null ? "" : rootIdFor(organizationId),
    auditRoleName: scenario.auditRole?.name ?? DEFAULT_AUDIT_ROLE,
    remediationRoleName: scenario.remediationRole?.name ?? null,
    accounts: new Map(),
    ous: new Map(),
    buckets: new Map(),
    keys: new Map(),
    batchJobs: new Map(),
  };
  const ouIds = organizationId === null ? new Map<string, string>() : buildOus(world, organizationId, scenario.accounts);
  const add = (account: ScenarioAccount, member: boolean, index: number): void => {
    const ou = (account.ou ?? "").split("/").filter((name) => name !== "").join("/");
    world.accounts.set(account.id, {
      id: account.id,
      name: account.name,
      email: account.email ?? `aws+${account.name.replace(/[^\w.+-]/g, "-")}@example.com`,
      status: account.status ?? "ACTIVE",
      parentId: ou === "" ? world.rootId : (ouIds.get(ou) as string),
      tags: { ...account.tags },
      member,
      // A standalone account has its audit role as a member would (the caller may assume it in its own account).
      auditRole: auditRoleOf(scenario, account, member || organizationId === null),
      joinedAt: new Date(JOINED_AT + index * 86_400_000),
      remediationRole: remediationRoleOf(scenario, world.managementAccountId, member),
      roles: rolesOf(account),
      managedPolicies: managedPoliciesOf(account),
      kmsKeys: kmsKeysOf(account),
    });
    const key = longTermKey(account);
    world.keys.set(key.accessKeyId, key);
    for (const bucket of account.buckets ?? []) world.buckets.set(bucket.name, bucketStateFrom(bucket, account.id, share));
  };
  const all = [...scenario.accounts, ...(scenario.externalAccounts ?? [])];
  // Without an organization, the one account is a member of nothing: Organizations answers AWSOrganizationsNotInUseException.
  scenario.accounts.forEach((account, index) => add(account, organizationId !== null, index));
  (scenario.externalAccounts ?? []).forEach((account, index) => add(account, false, scenario.accounts.length + index));
  // After every bucket exists: a seeded job counts its source bucket's objects.
  for (const account of all) seedBatchOperations(world, world.accounts.get(account.id) as AccountState, account.batchOperations);
  return world;
}
