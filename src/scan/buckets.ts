/**
 * Listing an account's buckets: ListBuckets with MaxBuckets/ContinuationToken (all pages, on the lean
 * path: src/aws/lean-list-buckets.ts), whose answers carry `BucketRegion`; GetBucketLocation (on the
 * account's S3 client, made only then) for a bucket listed without one.
 */
import { GetBucketLocationCommand } from "@aws-sdk/client-s3";
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

/**
 * An account's listing, packed: its names' UTF-8 bytes in one buffer and a Region number each. An
 * account may hold a million buckets, and its listing is kept until its last bucket is read (and
 * while it waits, opened ahead, for a reading place): as objects and strings it was ~150 bytes a
 * bucket, ~30 here. Kept whole (not streamed by page) so that a ListBuckets page failing fails the
 * account before any of its buckets is read, as before.
 */
export class Listing {
  private bytes: Buffer = Buffer.alloc(1 << 12);
  private used = 0;
  private ends = new Uint32Array(64);
  /** 0: no Region known; n: `regions[n - 1]`. */
  private regionOf = new Uint16Array(64);
  private readonly regions: string[] = [];
  private readonly regionIds = new Map<string, number>();
  private readonly errors = new Map<number, BucketError>();
  length = 0;

  push(name: string, region: string | null): void {
    const size = Buffer.byteLength(name, "utf8");
    if (this.used + size > this.bytes.length) this.bytes = grow(this.bytes, this.used + size);
    if (this.length === this.ends.length) {
      this.ends = growInts(this.ends);
      this.regionOf = growInts(this.regionOf);
    }
    this.used += this.bytes.write(name, this.used, "utf8");
    this.ends[this.length] = this.used;
    this.setRegion(this.length++, region, null);
  }

  setRegion(at: number, region: string | null, error: BucketError | null): void {
    let id = region === null ? 0 : this.regionIds.get(region);
    if (id === undefined) {
      this.regions.push(region!);
      this.regionIds.set(region!, (id = this.regions.length));
    }
    this.regionOf[at] = id;
    if (error !== null) this.errors.set(at, error);
  }

  name(at: number): string {
    return this.bytes.toString("utf8", at === 0 ? 0 : this.ends[at - 1], this.ends[at]);
  }

  region(at: number): string | null {
    const id = this.regionOf[at]!;
    return id === 0 ? null : this.regions[id - 1]!;
  }

  at(at: number): ListedBucket {
    return { name: this.name(at), region: this.region(at), error: this.errors.get(at) ?? null };
  }
}

function grow(bytes: Buffer, needed: number): Buffer {
  const larger = Buffer.alloc(Math.max(needed, 2 * bytes.length));
  bytes.copy(larger);
  return larger;
}

function growInts<T extends Uint32Array | Uint16Array>(array: T): T {
  const larger = new (array.constructor as new (length: number) => T)(2 * array.length);
  larger.set(array);
  return larger;
}

/** All of the account's bucket names and regions. Throws the ListBuckets error (an account failure). */
export async function listBuckets(ctx: ScanContext, session: AccountSession): Promise<Listing> {
  const pages = session.bucketLists(ctx.homeRegion);
  const listed = new Listing();
  const unplaced: number[] = [];
  let token: string | undefined;
  do {
    const ContinuationToken = token;
    const page = await ctx.request(() => pages.list({ MaxBuckets: PAGE_SIZE, ContinuationToken }));
    for (const b of page.Buckets ?? []) {
      if (b.Name === undefined) continue;
      if (!b.BucketRegion) unplaced.push(listed.length);
      listed.push(b.Name, b.BucketRegion || null);
    }
    token = page.ContinuationToken || undefined;
  } while (token !== undefined);

  await Promise.all(
    unplaced.map(async (at) => {
      try {
        const out = await ctx.request(() => session.s3(ctx.homeRegion).send(new GetBucketLocationCommand({ Bucket: listed.name(at) })));
        listed.setRegion(at, regionFromLocation(out.LocationConstraint), null);
      } catch (error) {
        listed.setRegion(at, null, toBucketError("GetBucketLocation", error));
      }
    }),
  );
  return listed;
}
