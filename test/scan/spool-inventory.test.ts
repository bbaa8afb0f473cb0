/**
 * The packed inventory (src/scan/inventory.ts) and the resolution tables in its ids
 * (src/scan/resolution-tables.ts) give the answers the `Map` of entries and the per-destination
 * arrays gave: checked against those, written out here as the reference.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AccountRef, FactName } from "../../src/model/index.js";
import { Inventory } from "../../src/scan/inventory.js";
import { Patches, ReplicatedFrom } from "../../src/scan/resolution-tables.js";
import type { InventoryEntry } from "../../src/scan/spool.js";
import { inMetOrder } from "../support/inventory-entry.js";

const ACCOUNTS: AccountRef[] = [
  { id: "111111111111", name: "prod", ouPath: "Root", tags: {} },
  { id: "222222222222", name: "backup", ouPath: "Root/Backup", tags: { team: "x" } },
];
/** Names as a listing can show them, and odder ones (a library caller may give anything). */
const ODD_NAMES = ["logs", "logs.", "Logs", "", "a".repeat(63), "café", "ünïcödé-bücket", "日本語", "emoji-😀", "lone-\ud800", "lone-\udc00", "nul\u0000byte", "ÿ", "\u0100"];

const entry = (name: string, account: AccountRef, region: string, destinations: string[] | null, collected: FactName[] = ["versioning", "replication"]): InventoryEntry => ({
  name,
  region,
  account,
  versioning: region === "eu-west-1" ? { status: "Enabled" } : null,
  objectLock: null,
  errors: region === "ap-south-1" ? [{ operation: "GetBucketVersioning" }] : [],
  collected,
  destinations,
});

/** What the scan did before: source names per destination, a source once, sorted. */
function referenceReplicatedFrom(map: Map<string, InventoryEntry>): Map<string, string[]> {
  const from = new Map<string, string[]>();
  for (const source of map.values()) {
    for (const name of source.destinations ?? []) {
      if (!map.has(name)) continue;
      const list = from.get(name);
      if (list === undefined) from.set(name, [source.name]);
      else if (list[list.length - 1] !== source.name) list.push(source.name);
    }
  }
  for (const list of from.values()) list.sort();
  return from;
}

const nameArb = fc.oneof(fc.constantFrom(...ODD_NAMES), fc.string({ maxLength: 8 }), fc.stringMatching(/^[a-z0-9.-]{3,12}$/));
const setArb = fc.record({
  name: nameArb,
  account: fc.constantFrom(...ACCOUNTS),
  region: fc.constantFrom("us-east-1", "eu-west-1", "ap-south-1"),
  destinations: fc.option(fc.array(nameArb, { maxLength: 4 }), { nil: null }),
});

describe("scan/Inventory", () => {
  it("answers has, get, keys, values and size as a Map of the same entries, whatever the names and repeats", () => {
    fc.assert(
      fc.property(fc.array(setArb, { maxLength: 60 }), fc.array(nameArb, { maxLength: 10 }), (sets, probes) => {
        const map = new Map<string, InventoryEntry>();
        const done: [string, InventoryEntry][] = [];
        // A write buffer of 24 bytes: most names are read back from the names' file, across flushes (scan/name-file.ts).
        const inventory = new Inventory({ writeBuffer: 24 });
        for (const s of sets) {
          const e = entry(s.name, s.account, s.region, s.destinations);
          map.set(s.name, e);
          done.push([s.name, e]);
          inventory.set(s.name, e);
        }
        expect(inventory.size).toBe(map.size);
        const ordered = inMetOrder(done);
        expect([...inventory.keys()]).toEqual([...ordered.keys()]);
        expect([...inventory.values()]).toEqual([...ordered.values()]);
        const asked = [...probes, ...sets.flatMap((s) => s.destinations ?? [])];
        expect(asked.map((name) => [inventory.has(name), inventory.get(name)])).toEqual(asked.map((name) => [map.has(name), map.get(name)]));
        const from = ReplicatedFrom.of(inventory);
        const reference = referenceReplicatedFrom(ordered);
        expect([...from.keys()]).toEqual([...reference.keys()]);
        for (const [name, sources] of reference) expect(from.get(name)).toEqual(sources);
        expect(probes.map((name) => from.get(name))).toEqual(probes.map((name) => reference.get(name)));
        inventory.close();
      }),
      { numRuns: 100 },
    );
  });

  it("keeps the first place and the last entry of a name set twice (the same name in two accounts or Regions)", () => {
    const inventory = new Inventory();
    inventory.set("shared", entry("shared", ACCOUNTS[0]!, "us-east-1", ["elsewhere"]));
    inventory.set("other", entry("other", ACCOUNTS[0]!, "us-east-1", null));
    inventory.set("shared", entry("shared", ACCOUNTS[1]!, "eu-west-1", null));
    expect([...inventory.keys()]).toEqual(["shared", "other"]);
    expect(inventory.get("shared")).toMatchObject({ account: ACCOUNTS[1], region: "eu-west-1", versioning: { status: "Enabled" }, destinations: null });
    // The account object given is the one returned (documents share one AccountRef per account).
    expect(inventory.get("shared")!.account).toBe(ACCOUNTS[1]);
    expect(inventory.size).toBe(2);
  });

  it("knows a destination outside the organization by id only: not a bucket, not in has/get, nowhere in replicatedFrom", () => {
    const inventory = new Inventory();
    inventory.set("source", entry("source", ACCOUNTS[0]!, "us-east-1", ["outside", "inside", "outside"]));
    inventory.set("inside", entry("inside", ACCOUNTS[1]!, "eu-west-1", null));
    expect(inventory.has("outside")).toBe(false);
    expect(inventory.get("outside")).toBeUndefined();
    const id = inventory.idOf("outside");
    expect(id).toBeGreaterThanOrEqual(0);
    expect(inventory.isBucket(id)).toBe(false);
    expect(inventory.nameOf(id)).toBe("outside");
    expect(inventory.idOf("never-named")).toBe(-1);
    expect(inventory.get("source")!.destinations).toEqual(["outside", "inside", "outside"]);
    const from = ReplicatedFrom.of(inventory);
    expect([...from.keys()]).toEqual(["inside"]);
    expect(from.get("inside")).toEqual(["source"]);
    expect(from.get("outside")).toBeUndefined();
  });

  it("becomes a bucket when a name first seen as a destination is listed later, in the place it was first named", () => {
    const inventory = new Inventory();
    inventory.set("a", entry("a", ACCOUNTS[0]!, "us-east-1", ["late"]));
    inventory.set("b", entry("b", ACCOUNTS[0]!, "us-east-1", null));
    expect(inventory.has("late")).toBe(false);
    inventory.set("late", entry("late", ACCOUNTS[1]!, "ap-south-1", ["a"]));
    expect([...inventory.keys()]).toEqual(["a", "late", "b"]);
    expect(inventory.get("late")!.errors).toEqual([{ operation: "GetBucketVersioning" }]);
    expect(ReplicatedFrom.of(inventory).get("late")).toEqual(["a"]);
    expect(ReplicatedFrom.of(inventory).get("a")).toEqual(["late"]);
  });

  it("stays exact past many names (the hash table and every column grow; the names' file is written and read back across many flushes)", () => {
    const inventory = new Inventory({ writeBuffer: 256 });
    const map = new Map<string, InventoryEntry>();
    const names = Array.from({ length: 2000 }, (_, i) => `bucket-${i}-${ODD_NAMES[i % ODD_NAMES.length]}`);
    for (const [i, name] of names.entries()) {
      const e = entry(name, ACCOUNTS[i % 2]!, "us-east-1", [`archive-${i % 7}`, names[(i + 1) % names.length]!]);
      map.set(name, e);
      inventory.set(name, e);
    }
    expect(inventory.size).toBe(2000);
    expect([...inventory.values()]).toEqual([...map.values()]);
    expect(names.map((name) => inventory.get(name)?.name)).toEqual(names);
    expect(inventory.has("archive-3")).toBe(false);
    expect(inventory.idCount).toBe(2007);
    expect(inventory.nameReads.count).toBeGreaterThan(0);
    inventory.close();
  });
});

describe("scan/Patches", () => {
  it("gives each destination its patch as a fresh copy, one stored copy per distinct patch", () => {
    const inventory = new Inventory();
    for (const name of ["d1", "d2", "d3"]) inventory.set(name, entry(name, ACCOUNTS[0]!, "us-east-1", null));
    const patches = new Patches(inventory);
    const locked = { fields: { objectLock: { enabled: true, mode: null, days: null, years: null } }, errors: [], collected: ["objectLock"] as FactName[] };
    patches.set("d1", locked);
    patches.set("d2", structuredClone(locked));
    patches.set("d3", { fields: { objectLock: undefined }, errors: [], collected: [] });
    expect(patches.get("d1")).toEqual(locked);
    const copy = patches.get("d2")!;
    expect(copy).toEqual(locked);
    copy.collected.push("tags");
    expect(patches.get("d1")!.collected).toEqual(["objectLock"]);
    // A field set to undefined is not a field left out: it still overwrites the document's.
    expect(Object.hasOwn(patches.get("d3")!.fields, "objectLock")).toBe(true);
    expect(patches.get("d4")).toBeUndefined();
  });
});
