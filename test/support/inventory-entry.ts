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
