/** An inventory entry (src/scan/spool.ts) for the inventory's tests: what they vary, the rest fixed. */
import type { AccountRef } from "../../src/model/index.js";
import type { InventoryEntry } from "../../src/scan/spool.js";

export const OWNER: AccountRef = { id: "111111111111", name: "a", ouPath: "Root", tags: {} };

export const inventoryEntryOf = (name: string, destinations: string[] | null, account: AccountRef = OWNER, region = "us-east-1"): InventoryEntry => ({
  name,
  region,
  account,
  versioning: null,
  objectLock: null,
  errors: [],
  collected: ["versioning", "replication"],
  destinations,
});

/**
 * The entries a `Map` would hold after these `set`s, in the order the inventory gives its buckets
 * (src/scan/inventory.ts `keys()`, `values()`, `bucketIds()`: id order): each name where it was
 * first met, a set's name and then its destinations, rule by rule.
 */
export function inMetOrder<E extends { destinations: string[] | null }>(sets: Iterable<readonly [string, E]>): Map<string, E> {
  const met = new Map<string, E | undefined>();
  for (const [name, entry] of sets) {
    met.set(name, entry);
    for (const destination of entry.destinations ?? []) if (!met.has(destination)) met.set(destination, undefined);
  }
  return new Map([...met].filter((pair): pair is [string, E] => pair[1] !== undefined));
}
