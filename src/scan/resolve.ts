/**
 * Destination resolution: every rule's destination bucket is matched against the org-wide
 * inventory built by the first pass; the buckets found get `isReplicaDestination`, `replicatedFrom`
 * and the facts `plan.destinations` asks for (second pass). A destination not in the inventory is
 * probed once with HeadBucket (read-only, with the source account's credentials) to tell a missing
 * bucket from one that exists elsewhere.
 */
import { HeadBucketCommand } from "@aws-sdk/client-s3";
import pLimit from "p-limit";
import { httpStatusOf, responseHeaderOf } from "../aws/index.js";
import { FACT_SOURCES, type BucketDocument, type DestinationFact, type ReplicationDestination } from "../model/index.js";
import type { AccountSession, ScanContext } from "./context.js";
import { readFacts } from "./facts.js";

/** What the rest of the scan knows about the organization, for telling unresolved destinations apart. */
export interface OrganizationView {
  mode: "organization" | "single-account";
  /** Every account of the organization (any scope), or the caller's only in single-account mode. */
  accountIds: Set<string>;
  /** Every organization account was scanned (so a bucket owned by none of them is outside). */
  allScanned: boolean;
}

/** HeadBucket's answer: `exists` null when it could not tell (throttled, network...). */
export interface HeadResult {
  exists: boolean | null;
  region: string | null;
}

async function headBucket(ctx: ScanContext, session: AccountSession, region: string, bucket: string): Promise<HeadResult> {
  try {
    const out = await ctx.request(() => session.s3(region).send(new HeadBucketCommand({ Bucket: bucket })));
    return { exists: true, region: out.BucketRegion ?? null };
  } catch (error) {
    const status = httpStatusOf(error);
    const headerRegion = responseHeaderOf(error, "x-amz-bucket-region") ?? null;
    if (status === 404) return { exists: false, region: null };
    // 403: someone else's bucket; 301: it lives in another region. Either way it exists.
    if (status === 403 || status === 301) return { exists: true, region: headerRegion };
    return { exists: null, region: headerRegion };
  }
}

const DESTINATION_FACTS: readonly DestinationFact[] = ["versioning", "objectLock"];

export function fillResolved(dest: ReplicationDestination, source: BucketDocument, target: BucketDocument): void {
  dest.resolved = true;
  dest.resolution = "resolved";
  dest.account = dest.declaredAccount ?? target.account.id;
  dest.region = target.region;
  dest.inOrganization = true;
  dest.crossAccount = target.account.id !== source.account.id;
  dest.crossRegion = target.region !== source.region;
  dest.versioning = target.versioning?.status ?? null;
  dest.objectLock = target.objectLock;
  // A destination fact whose call failed is unknown, not absent: policies resting on it give `error`.
  dest.unreadable = DESTINATION_FACTS.filter((fact) => target.errors.some((e) => e.operation === FACT_SOURCES[fact]));
}

export function fillUnresolved(
  dest: ReplicationDestination,
  source: BucketDocument,
  head: HeadResult,
  owner: string | null,
  org: OrganizationView,
): void {
  dest.resolved = false;
  dest.account = dest.declaredAccount ?? owner;
  dest.region = head.region;
  dest.crossRegion = head.region === null ? null : head.region !== source.region;
  dest.versioning = null;
  dest.objectLock = null;
  dest.unreadable = [];
  const ownerInOrg = owner === null ? null : org.accountIds.has(owner);
  // An existing bucket absent from a scanned account's listing is not that account's.
  dest.crossAccount = owner !== null ? owner !== source.account.id : head.exists === true ? true : null;
  if (head.exists === false) {
    dest.resolution = "missing";
    dest.inOrganization = null;
  } else if (head.exists === null) {
    dest.resolution = "unknown";
    dest.inOrganization = org.mode === "organization" ? ownerInOrg : null;
  } else if (ownerInOrg === true) {
    dest.resolution = "not-scanned";
    dest.inOrganization = true;
  } else if (org.mode === "single-account") {
    dest.resolution = "unknown";
    dest.inOrganization = null;
  } else if (ownerInOrg === false) {
    dest.resolution = "outside-organization";
    dest.inOrganization = false;
  } else if (!org.allScanned) {
    dest.resolution = "not-scanned";
    dest.inOrganization = null;
  } else {
    dest.resolution = "outside-organization";
    dest.inOrganization = false;
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
        if (target !== undefined) return fillResolved(dest, source, target);
        const session = sessions.get(source.account.id);
        let head = heads.get(dest.bucket);
        if (head === undefined) {
          head = session === undefined ? Promise.resolve({ exists: null, region: null }) : headBucket(ctx, session, source.region, dest.bucket);
          heads.set(dest.bucket, head);
        }
        const owner = ctx.outOfScopeBuckets.get(dest.bucket) ?? dest.declaredAccount;
        fillUnresolved(dest, source, await head, owner, org);
      }),
    ),
  );
  for (const session of sessions.values()) session.release();
}
