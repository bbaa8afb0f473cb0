/**
 * The one way tests describe a sandbox world: small functions that return the scenario file's own
 * shape (src/sandbox/types.ts), so a scenario reads as a table of accounts and buckets and what the
 * sandbox receives is exactly what the test wrote. The named scenarios in ./scenarios/ are built
 * with these; a test that needs a variant takes one of them and changes a field.
 */
import type { Scenario, ScenarioAccount, ScenarioBucket } from "../../src/sandbox/index.js";
import { ACCOUNTS, AUDIT_ROLE } from "./accounts.js";

type ReplicationRule = NonNullable<ScenarioBucket["replication"]>["Rules"][number];

/**
 * An organization (`organization` is its id) whose management account is ACCOUNTS.management,
 * audited through AUDIT_ROLE with no external id.
 */
export function scenario(spec: {
  organization: string;
  accounts: ScenarioAccount[];
  /** Accounts outside the organization that own buckets; omitted when absent. */
  external?: ScenarioAccount[];
}): Scenario {
  return {
    organization: { id: spec.organization, managementAccountId: ACCOUNTS.management },
    auditRole: { name: AUDIT_ROLE, externalId: null },
    accounts: spec.accounts,
    ...(spec.external === undefined ? {} : { externalAccounts: spec.external }),
  };
}

/** One account; `options` are the scenario file's account fields, written only when given. */
export const account = (id: string, name: string, options: Omit<ScenarioAccount, "id" | "name"> = {}): ScenarioAccount => ({
  id,
  name,
  ...options,
});

/** One bucket; `options` are the scenario file's bucket fields, written only when given. */
export const bucket = (name: string, region: string, options: Omit<ScenarioBucket, "name" | "region"> = {}): ScenarioBucket => ({
  name,
  region,
  ...options,
});

/**
 * A V2 replication rule (it has a Filter, so DeleteMarkerReplication is required) that replicates
 * every object to `destinationBucket`; `extra` replaces whole fields (a Destination with an
 * Account, a narrower Filter).
 */
export const v2Rule = (id: string, priority: number, destinationBucket: string, extra: Partial<ReplicationRule> = {}): ReplicationRule => ({
  ID: id,
  Priority: priority,
  Filter: { Prefix: "" },
  DeleteMarkerReplication: { Status: "Disabled" },
  Status: "Enabled",
  Destination: { Bucket: `arn:aws:s3:::${destinationBucket}` },
  ...extra,
});

/** A bucket's replication configuration: `rules` replicated by role `roleName` of `accountId`. */
export const replication = (accountId: string, roleName: string, rules: ReplicationRule[]): NonNullable<ScenarioBucket["replication"]> => ({
  Role: `arn:aws:iam::${accountId}:role/${roleName}`,
  Rules: rules,
});
