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
import { FACTS, type BucketDocument, type BucketError } from "../model/index.js";
import type { AccountSession, ScanContext } from "./context.js";
import { fillResolved, fillUnresolved, markReplicaDestinations, type HeadResult, type OrganizationView } from "./destination-fill.js";
import { readFacts } from "./facts.js";

export {
  declaredAccountInOrganization,
  declaredAccountStatus,
  fillResolved,
  fillUnresolved,
  type HeadResult,
  type OrganizationView,
} from "./destination-fill.js";

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

export interface ResolveOptions {
  /**
   * One shard of a sharded run: a bucket of another shard may be a destination this shard cannot
   * see, so the destination-only facts are read on every bucket here (merge trims them off the
   * buckets that turn out not to be destinations).
   */
  shard?: boolean;
}

export async function resolveDestinations(
  ctx: ScanContext,
  documents: BucketDocument[],
  sessions: Map<string, AccountSession>,
  org: OrganizationView,
  options: ResolveOptions = {},
): Promise<void> {
  const inventory = new Map(documents.map((d) => [d.name, d]));
  const sources = documents.filter((d) => (d.replication?.rules.length ?? 0) > 0);
  const destinations = options.shard === true ? new Set(documents) : markReplicaDestinations(sources, inventory);
  if (options.shard === true) markReplicaDestinations(sources, inventory);

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
