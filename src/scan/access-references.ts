/**
 * What the access pass's first reading (scan/access-pass.ts) holds until each group's batch: the
 * reads each group names, and how many groups name each read (to forget it after the last). As a
 * `Set` per account and a `Map` over every distinct read that was ~15 MB at a million buckets
 * (~500 references an account of 1,000 buckets, ~30 bytes an entry); here an account's references
 * are a sorted `Int32Array` of inventory ids (a bucket's name; ~4 bytes each) and an array of the
 * role and key ARNs (a few an account), made as the spool moves on to the next account, and the
 * count is kept only for the reads two or more groups name (an archive bucket, a shared key): one
 * group is the default, and most reads (an account's own sibling destinations) have one.
 */
import type { Inventory } from "./inventory.js";
import { sortedIndexOf } from "./resolution-tables.js";

/** The reads a group names: bucket names as inventory ids (sorted, once each), other names (ARNs) as themselves. */
export interface References {
  ids: Int32Array;
  names: string[];
}

const EMPTY: References = { ids: new Int32Array(0), names: [] };

function compact(ids: Iterable<number>, names: Iterable<string>): References {
  return { ids: Int32Array.from(new Set(ids)).sort(), names: [...new Set(names)] };
}

/** Both groups' references, each once. */
export const union = (a: References, b: References): References => compact([...a.ids, ...b.ids], [...a.names, ...b.names]);

/**
 * Each account's references, read account by account (the spool's order): the current account's
 * in `Set`s, compacted when the next account begins (an account met again is joined to its own).
 */
export class ReferenceCollector {
  private readonly accounts = new Map<string, References>();
  private account: string | undefined;
  private ids = new Set<number>();
  private names = new Set<string>();

  constructor(private readonly inventory: Inventory) {}

  add(account: string, names: Iterable<string>): void {
    if (account !== this.account) {
      this.flush();
      this.account = account;
    }
    for (const name of names) {
      const id = this.inventory.idOf(name);
      if (id < 0) this.names.add(name);
      else this.ids.add(id);
    }
  }

  /** Every account's references, in the order accounts were first met. */
  take(): Map<string, References> {
    this.flush();
    return this.accounts;
  }

  private flush(): void {
    if (this.account === undefined) return;
    const made = compact(this.ids, this.names);
    const before = this.accounts.get(this.account);
    this.accounts.set(this.account, before === undefined ? made : union(before, made));
    this.ids = new Set();
    this.names = new Set();
    this.account = undefined;
  }
}

/** How many groups name each read: counted for those two or more name, 1 otherwise. */
export class NamedBy {
  private readonly shared = new Map<number | string, number>();
  /** Every id some group names, one bit each (for `has`: what the early batches read is kept when named). */
  private named: Uint8Array;
  private names = new Set<string>();
  /** `has` is answered no more (see `forgetNamed`). */
  private forgotten = false;

  constructor(
    private readonly inventory: Inventory,
    groups: Iterable<References>,
  ) {
    this.named = new Uint8Array((inventory.idCount + 7) >>> 3);
    const twice = new Uint8Array(this.named.length);
    const lists = [...groups];
    for (const { ids, names } of lists) {
      for (const id of ids) {
        const bit = 1 << (id & 7);
        if (this.named[id >>> 3]! & bit) twice[id >>> 3]! |= bit;
        else this.named[id >>> 3]! |= bit;
      }
      for (const name of names) {
        if (this.names.has(name)) this.shared.set(name, (this.shared.get(name) ?? 1) + 1);
        else this.names.add(name);
      }
    }
    for (const { ids } of lists) for (const id of ids) if (twice[id >>> 3]! & (1 << (id & 7))) this.shared.set(id, (this.shared.get(id) ?? 0) + 1);
  }

  /** Some group names this read (a bucket's name, a role's or key's ARN). */
  has(name: string): boolean {
    if (this.forgotten) throw new Error("NamedBy.has asked after forgetNamed");
    const id = this.inventory.idOf(name);
    return id < 0 ? this.names.has(name) : (this.named[id >>> 3]! & (1 << (id & 7))) !== 0;
  }

  /**
   * `has` will not be asked again (the early batches' reads are retained, at the pass's start):
   * what only it needed goes, so the pass does not hold it to its end (the names' set: ~50,000 key
   * ARNs at a million buckets, 1.3 MB of table, and a bit an id). `release` needs only the counts.
   */
  forgetNamed(): void {
    this.forgotten = true;
    this.names = new Set();
    this.named = new Uint8Array(0);
  }

  /** A group naming these is done: the names of those it was the last to name. */
  release(references: References = EMPTY): string[] {
    const done: string[] = [];
    const one = (ref: number | string): boolean => {
      const count = this.shared.get(ref);
      if (count === undefined) return true;
      if (count > 2) this.shared.set(ref, count - 1);
      else this.shared.delete(ref);
      return false;
    };
    for (const id of references.ids) if (one(id)) done.push(this.inventory.nameOf(id));
    for (const name of references.names) if (one(name)) done.push(name);
    return done;
  }
}

/**
 * Bucket names of the inventory as their ids, sorted: an account's buckets the early batches left
 * to the access pass (scan/early-access.ts `settle`), held from the accounts stage to the pass's
 * end. As a `Set` of names they were ~55 bytes a bucket, 2.6 MB for the ~47,000 left at a million
 * buckets (docs/memory.md); here 4.
 */
export class BucketIds {
  private constructor(
    private readonly inventory: Inventory,
    private readonly ids: Int32Array,
  ) {}

  /** `names` must be the inventory's buckets (an account's, entered before it is offered). */
  static of(inventory: Inventory, names: readonly string[]): BucketIds {
    const ids = Int32Array.from(names, (name) => {
      const id = inventory.idOf(name);
      if (id < 0) throw new Error(`bucket ${name} is not in the scan's inventory`);
      return id;
    });
    return new BucketIds(inventory, ids.sort());
  }

  get size(): number {
    return this.ids.length;
  }

  has(name: string): boolean {
    return this.ids.length > 0 && sortedIndexOf(this.ids, this.inventory.idOf(name)) >= 0;
  }
}
