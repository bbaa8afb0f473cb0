/**
 * Listing an account's buckets: ListBuckets with MaxBuckets/ContinuationToken (all pages), whose
 * answers carry `BucketRegion`; GetBucketLocation only for a bucket listed without one.
 */
import { GetBucketLocationCommand, ListBucketsCommand } from "@aws-sdk/client-s3";
import { toBucketError } from "../aws/index.js";
import type { BucketError } from "../model/index.js";
import type { AccountSession, ScanContext } from "./context.js";
import { regionFromLocation } from "./parse.js";

export interface ListedBucket {
  name: string;
  /** Null when neither ListBuckets nor GetBucketLocation could tell. */
  region: string | null;
  /** GetBucketLocation failure, for a bucket whose region is unknown. */
  error: BucketError | null;
}

const PAGE_SIZE = 1000;

/** All of the account's bucket names and regions. Throws the ListBuckets error (an account failure). */
export async function listBuckets(ctx: ScanContext, session: AccountSession): Promise<ListedBucket[]> {
  const home = session.s3(ctx.homeRegion);
  const listed: { name: string; region: string | undefined }[] = [];
  let token: string | undefined;
  do {
    const page = await ctx.request(() => home.send(new ListBucketsCommand({ MaxBuckets: PAGE_SIZE, ContinuationToken: token })));
    for (const b of page.Buckets ?? []) if (b.Name !== undefined) listed.push({ name: b.Name, region: b.BucketRegion || undefined });
    token = page.ContinuationToken || undefined;
  } while (token !== undefined);

  return Promise.all(
    listed.map(async ({ name, region }): Promise<ListedBucket> => {
      if (region !== undefined) return { name, region, error: null };
      try {
        const out = await ctx.request(() => home.send(new GetBucketLocationCommand({ Bucket: name })));
        return { name, region: regionFromLocation(out.LocationConstraint), error: null };
      } catch (error) {
        return { name, region: null, error: toBucketError("GetBucketLocation", error) };
      }
    }),
  );
}
