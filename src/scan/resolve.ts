/**
 * Destination resolution: every rule's destination bucket is matched against the org-wide
 * inventory built by the first pass; the buckets found get `isReplicaDestination`, `replicatedFrom`
 * and the facts `plan.destinations` asks for (second pass). A destination not in the inventory is
 * probed once with HeadBucket (read-only, with the source account's credentials) to tell a missing
 * bucket from one that exists elsewhere; a probe that fails is an error of the source bucket.
 * The owner of a destination is what a listing shows (the inventory), or unknown: the rule's own
 * `Destination.Account` is only checked against it (`declaredAccountStatus`).
 */
import { HeadBucketCommand } from "@aws-sdk/client-s3";
import pLimit from "p-limit";
import { httpStatusOf, responseHeaderOf, toBucketError } from "../aws/index.js";
import {
  DESTINATION_FACTS,
  FACTS,
  type BucketDocument,
  type BucketError,
  type DeclaredAccountStatus,
  type DestinationFact,
  type ReplicationDestination,
} from "../model/index.js";
import type { AccountSession, ScanContext } from "./context.js";
import { readFacts } from "./facts.js";

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

const PROBE = FACTS.destinationBucket.call;

async function headBucket(ctx: ScanContext, session: AccountSession, region: string, bucket: string): Promise<HeadResult> {
  try {
    const out = await ctx.request(() => session.s3(region).send(new HeadBucketCommand({ Bucket: bucket })));
    return { exists: true, region: out.BucketRegion ?? null, error: null };
  } catch (error) {
    const status = httpStatusOf(error);
    const headerRegion = responseHeaderOf(error, "x-amz-bucket-region") ?? null;
    if (status === 404) return { exists: false, region: null, error: null };
    // 403: someone else's bucket; 301: it lives in another region. Either way it exists.
    if (status === 403 || status === 301) return { exists: true, region: headerRegion, error: null };
    return { exists: null, region: headerRegion, error: probeError(bucket, toBucketError(PROBE, error)) };
  }
}

/** The failed probe as an entry of the source bucket's errors[]: the message names the destination it was for. */
const probeError = (bucket: string, error: BucketError): BucketError => ({ ...error, message: `destination ${bucket}: ${error.message}` });

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

export function fillResolved(dest: ReplicationDestination, source: BucketDocument, target: BucketDocument, org: OrganizationView): void {
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

export async function resolveDestinations(
  ctx: ScanContext,
  documents: BucketDocument[],
  sessions: Map<string, AccountSession>,
  org: OrganizationView,
): Promise<void> {
  const inventory = new Map(documents.map((d) => [d.name, d]));
  const sources = documents.filter((d) => (d.replication?.rules.length ?? 0) > 0);

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

  // Second pass: the facts only destinations need (e.g. Object Lock), read before rules copy them.
  const limit = pLimit(ctx.bucketsInFlight);
  await Promise.all(
    [...destinations].map((target) =>
      limit(async () => {
        const session = sessions.get(target.account.id);
        const missing = ctx.plan.destinations.filter((f) => !target.collected.includes(f));
        if (session === undefined || target.region === "unknown" || missing.length === 0) return;
        const before = target.errors.length;
        await readFacts(target, missing, session.s3(target.region), ctx.request);
        ctx.progress.errors += target.errors.length - before;
      }),
    ),
  );

  const heads = new Map<string, Promise<HeadResult>>();
  await Promise.all(
    sources.flatMap((source) =>
      (source.replication?.rules ?? []).map(async (rule) => {
        const dest = rule.destination;
        const target = inventory.get(dest.bucket);
        if (target !== undefined) return fillResolved(dest, source, target, org);
        const session = sessions.get(source.account.id);
        let head = heads.get(dest.bucket);
        if (head === undefined) {
          head =
            session === undefined
              ? Promise.resolve({ exists: null, region: null, error: { operation: PROBE, code: "NotProbed", message: `destination ${dest.bucket}: no session for account ${source.account.id}` } })
              : headBucket(ctx, session, source.region, dest.bucket);
          heads.set(dest.bucket, head);
        }
        const result = await head;
        fillUnresolved(dest, source, result, ctx.outOfScopeBuckets.get(dest.bucket) ?? null, org);
        if (result.error !== null && !source.errors.some((e) => e.operation === PROBE && e.message === result.error?.message)) {
          source.errors.push(result.error);
          ctx.progress.errors++;
        }
      }),
    ),
  );
  for (const session of sessions.values()) session.release();
}
