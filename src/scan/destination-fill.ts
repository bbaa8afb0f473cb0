/**
 * Filling a replication destination from what is known about its bucket: pure functions, shared by
 * the scanner's destination pass and by `replguard merge`, which resolves the destinations one
 * shard could not see from the other shards' inventories (docs/scale.md). No AWS call here.
 */
import { DESTINATION_FACTS, FACTS, type BucketDocument, type BucketError, type DeclaredAccountStatus, type DestinationFact, type ReplicationDestination } from "../model/index.js";

/** What the rest of the scan knows about the organization, for telling unresolved destinations apart. */
export interface OrganizationView {
  mode: "organization" | "single-account";
  /** Every account of the organization (any scope), or the caller's only in single-account mode. */
  accountIds: Set<string>;
  /** Accounts whose bucket listing was read: a bucket none of them lists is not theirs. */
  scannedAccountIds: Set<string>;
  /** Every organization account was scanned (so a bucket owned by none of them is outside). */
  allScanned: boolean;
}

/** HeadBucket's answer: `exists` null, with the error, when it could not tell (throttled, 5xx, network...). */
export interface HeadResult {
  exists: boolean | null;
  region: string | null;
  error: BucketError | null;
}

/** Destination facts copied from a scanned destination bucket (kind `bucket` in FACTS). */
const COPIED: readonly DestinationFact[] = DESTINATION_FACTS.filter((f) => FACTS[f].kind === "bucket");

const ACCOUNT_ID = /^[0-9]{12}$/;

/** The rule's declared `Account` against the verified owner (null when unknown). Never the other way round. */
export function declaredAccountStatus(declared: string | null, owner: string | null, org: OrganizationView): DeclaredAccountStatus | null {
  if (declared === null) return null;
  if (!ACCOUNT_ID.test(declared)) return "invalid";
  if (owner !== null) return declared === owner ? "matches" : "mismatch";
  // The declared account's listing was read and does not have this bucket: it is not the owner.
  return org.scannedAccountIds.has(declared) ? "mismatch" : "unverified";
}

/** Whether a declared account id is a member account; null when nothing (valid) is declared or the organization is unknown. */
export function declaredAccountInOrganization(declared: string | null, org: OrganizationView): boolean | null {
  if (declared === null || !ACCOUNT_ID.test(declared) || org.mode === "single-account") return null;
  return org.accountIds.has(declared);
}

/** What `fillResolved` reads of a destination bucket: its document, or its scan inventory entry (scan/spool.ts). */
export type ResolvedTarget = Pick<BucketDocument, "account" | "region" | "objectLock"> & {
  versioning: { status: NonNullable<BucketDocument["versioning"]>["status"] } | null;
  errors: readonly { operation: string }[];
};

export function fillResolved(dest: ReplicationDestination, source: Pick<BucketDocument, "account" | "region">, target: ResolvedTarget, org: OrganizationView): void {
  dest.resolved = true;
  dest.resolution = "resolved";
  dest.account = target.account.id;
  dest.declaredAccountStatus = declaredAccountStatus(dest.declaredAccount, target.account.id, org);
  dest.declaredAccountInOrganization = declaredAccountInOrganization(dest.declaredAccount, org);
  dest.region = target.region;
  dest.inOrganization = true;
  dest.crossAccount = target.account.id !== source.account.id;
  dest.crossRegion = target.region !== source.region;
  dest.versioning = target.versioning?.status ?? null;
  dest.objectLock = target.objectLock;
  // A destination fact whose call failed is unknown, not absent: policies resting on it give `error`.
  dest.unreadable = COPIED.filter((fact) => target.errors.some((e) => e.operation === FACTS[fact].call));
}

/**
 * A destination outside the scanned inventory. `owner` is the account whose listing showed the
 * bucket (outside --regions), else null: the rule's declared account is checked, never believed.
 */
export function fillUnresolved(
  dest: ReplicationDestination,
  source: BucketDocument,
  head: HeadResult,
  owner: string | null,
  org: OrganizationView,
): void {
  dest.resolved = false;
  dest.account = owner;
  dest.declaredAccountStatus = declaredAccountStatus(dest.declaredAccount, owner, org);
  dest.declaredAccountInOrganization = declaredAccountInOrganization(dest.declaredAccount, org);
  dest.region = head.region;
  dest.crossRegion = head.region === null ? null : head.region !== source.region;
  dest.versioning = null;
  dest.objectLock = null;
  dest.unreadable = head.error === null ? [] : ["destinationBucket"];
  const listed = owner !== null;
  const exists = listed ? true : head.exists;
  // An existing bucket absent from the source account's own listing is not that account's.
  dest.crossAccount = listed ? owner !== source.account.id : exists === true ? true : null;
  if (listed) {
    // Listed by an organization account, but outside the scan's --regions.
    dest.resolution = "not-scanned";
    dest.inOrganization = org.accountIds.has(owner);
  } else if (exists === false) {
    dest.resolution = "missing";
    dest.inOrganization = null;
  } else if (exists === true && org.mode === "organization" && org.allScanned) {
    dest.resolution = "outside-organization";
    dest.inOrganization = false;
  } else {
    // Probe failed, single-account mode, or an organization account that was not scanned might own it.
    dest.resolution = "unknown";
    dest.inOrganization = null;
  }
}

/**
 * Marks every bucket of `inventory` that a rule of `sources` replicates into (`isReplicaDestination`,
 * `replicatedFrom`, sorted) and returns them.
 */
export function markReplicaDestinations(sources: readonly BucketDocument[], inventory: ReadonlyMap<string, BucketDocument>): Set<BucketDocument> {
  const destinations = new Set<BucketDocument>();
  for (const source of sources) {
    for (const rule of source.replication?.rules ?? []) {
      const target = inventory.get(rule.destination.bucket);
      if (target === undefined) continue;
      target.isReplicaDestination = true;
      if (!target.replicatedFrom.includes(source.arn)) target.replicatedFrom.push(source.arn);
      destinations.add(target);
    }
  }
  for (const target of destinations) target.replicatedFrom.sort();
  return destinations;
}
