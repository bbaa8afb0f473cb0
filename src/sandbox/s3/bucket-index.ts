/**
 * Per-account index of bucket names, so ListBuckets reads only the caller's buckets instead of
 * scanning World.buckets (a 1,000-account × 100-bucket world has 100,000 of them). Built lazily per
 * World and kept in step by CreateBucket; rebuilt if the world's bucket count changes behind it.
 */
import type { BucketState, World } from "../core/contracts.js";

interface Index {
  /** world.buckets.size when the index was last in step. */
  size: number;
  byAccount: Map<string, string[]>;
  /** Accounts whose name list must be re-sorted before the next read. */
  unsorted: Set<string>;
}

const indexes = new WeakMap<World, Index>();

function build(world: World): Index {
  const byAccount = new Map<string, string[]>();
  for (const bucket of world.buckets.values()) {
    const names = byAccount.get(bucket.accountId);
    if (names === undefined) byAccount.set(bucket.accountId, [bucket.name]);
    else names.push(bucket.name);
  }
  for (const names of byAccount.values()) names.sort(compareNames);
  const index: Index = { size: world.buckets.size, byAccount, unsorted: new Set() };
  indexes.set(world, index);
  return index;
}

/** S3 lists buckets in ascending order of name (byte order; bucket names are ASCII). */
export const compareNames = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The names of the buckets an account owns, sorted by name. Do not mutate the array. */
export function accountBucketNames(world: World, accountId: string): readonly string[] {
  let index = indexes.get(world);
  if (index === undefined || index.size !== world.buckets.size) index = build(world);
  const names = index.byAccount.get(accountId) ?? [];
  if (index.unsorted.delete(accountId)) names.sort(compareNames);
  return names;
}

/** Adds a bucket to the world and to the index (CreateBucket). */
export function addBucket(world: World, bucket: BucketState): void {
  const index = indexes.get(world);
  const inStep = index !== undefined && index.size === world.buckets.size;
  world.buckets.set(bucket.name, bucket);
  if (!inStep) return; // rebuilt on the next read
  index.size = world.buckets.size;
  const names = index.byAccount.get(bucket.accountId);
  if (names === undefined) index.byAccount.set(bucket.accountId, [bucket.name]);
  else {
    names.push(bucket.name);
    index.unsorted.add(bucket.accountId);
  }
}
