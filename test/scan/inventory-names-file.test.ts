/**
 * The inventory's names on disk (src/scan/name-file.ts): the file goes where it is told (the scan's
 * temporary directory) and is removed at close and at exit; names answer as a `Map`'s keys whether
 * they sit in the write buffer, in the file, across a flush, in UTF-16 or past the buffer's size;
 * a write or a read that fails fails every later answer with one error naming the file.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ReplguardError } from "../../src/errors.js";
import { Inventory } from "../../src/scan/inventory.js";
import type { InventoryEntry } from "../../src/scan/spool.js";
import { importable } from "../support/cli.js";
import { inMetOrder, inventoryEntryOf } from "../support/inventory-entry.js";

const entry = (name: string, destinations: string[] | null): InventoryEntry => inventoryEntryOf(name, destinations);

/** More names than the 64 KiB write buffer holds: the first ones are in the file. */
const names = (count: number, prefix = "bucket"): string[] => Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(6, "0")}-${"n".repeat(i % 40)}`);

const directories: string[] = [];
const directory = (): string => {
  const made = mkdtempSync(join(tmpdir(), "replguard-names-test-"));
  directories.push(made);
  return made;
};
afterEach(() => {
  for (const made of directories.splice(0)) rmSync(made, { recursive: true, force: true });
});

describe("scan/Inventory: names on disk", () => {
  it("writes its names' file in the directory it is given, once past the write buffer, and removes it at close", () => {
    const dir = directory();
    const inventory = new Inventory({ directory: dir });
    inventory.set("first", entry("first", null));
    expect(inventory.namesFile).toBeNull(); // a small inventory never touches the disk
    for (const name of names(3_000)) inventory.set(name, entry(name, null));
    expect(readdirSync(dir)).toEqual(["inventory-names.bin"]);
    expect(inventory.namesFile).toBe(join(dir, "inventory-names.bin"));
    expect(inventory.get("first")?.name).toBe("first");
    inventory.close();
    expect(readdirSync(dir)).toEqual([]);
    // Closed, it answers nothing rather than a wrong answer.
    expect(() => inventory.has("first")).toThrow(/closed/);
  });

  it("removes its own temporary directory at exit when the scan is interrupted", () => {
    const module = importable("scan/inventory.ts");
    const script = `
      const { Inventory } = await import(${JSON.stringify(module.file)});
      const inventory = new Inventory();
      for (let i = 0; i < 5000; i++) inventory.set("bucket-" + i + "-${"x".repeat(20)}", { name: "", region: "r", account: {}, versioning: null, objectLock: null, errors: [], collected: [], destinations: null });
      console.log(inventory.namesFile);
      process.exit(130);
    `;
    const run = spawnSync(process.execPath, [...module.nodeArgs, "--input-type=module", "-e", script], { encoding: "utf8" });
    expect(run.status).toBe(130);
    const file = run.stdout.trim();
    expect(file).toMatch(/replguard-scan-.*inventory-names\.bin$/);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(join(file, ".."))).toBe(false);
  });

  it("answers as a Map across flushes, for UTF-16 names, empty names and a 70,000-byte name, in order and out of it", () => {
    const inventory = new Inventory({ directory: directory() });
    const map = new Map<string, InventoryEntry>();
    const done: [string, InventoryEntry][] = [];
    const long = "l".repeat(70_000); // longer than the write buffer: written on its own
    const wide = Array.from({ length: 400 }, (_, i) => `ü€-${i}-${"ß".repeat(i % 30)}`); // UTF-16 bytes
    const all = [...names(2_000), long, "after-long", ...wide, "", "after-empty", "l".repeat(69_999), ...names(2_000, "later")];
    for (const [i, name] of all.entries()) {
      // Each names a bucket set long before (in the file by now) and the next one (still in the buffer).
      const e = entry(name, i % 3 === 0 ? [all[(i * 7) % (i + 1)]!, all[i + 1] ?? "never-set", long] : null);
      map.set(name, e);
      done.push([name, e]);
      inventory.set(name, e);
    }
    expect(inventory.namesFile).not.toBeNull();
    const ordered = inMetOrder(done);
    expect([...inventory.keys()]).toEqual([...ordered.keys()]);
    expect([...inventory.values()]).toEqual([...ordered.values()]);
    const before = inventory.nameReads.count;
    // Out of order: each name looked up and named again by its id, far from the one before.
    for (let k = 0; k < all.length; k++) {
      const name = all[(k * 997) % all.length]!;
      expect(inventory.get(name)).toEqual(map.get(name));
      expect(inventory.nameOf(inventory.idOf(name))).toBe(name);
    }
    expect(inventory.nameReads.count).toBeGreaterThan(before); // the file was read, not a copy in memory
    // Names of the same length and bytes but one: not met.
    for (const near of ["bucket-000001-m", "later-001999-" + "n".repeat(39) + "m", "ü€-1-ẞ", "l".repeat(69_998) + "m"]) expect(inventory.idOf(near)).toBe(-1);
    expect(inventory.has("never-set")).toBe(false);
    expect(inventory.nameOf(inventory.idOf("never-set"))).toBe("never-set");
    inventory.close();
  });

  it("fails every answer with one error naming the file when the file is cut short, never a wrong answer", () => {
    const inventory = new Inventory({ directory: directory() });
    const all = names(4_000);
    for (const name of all) inventory.set(name, entry(name, null));
    truncateSync(inventory.namesFile!, 0);
    // The first name asked is read alone (the hash table's rebuilds read the file to its end before: no window in order): the file has none of it.
    expect(() => inventory.get(all[0]!)).toThrow(ReplguardError);
    let error: unknown;
    try {
      inventory.has(all[1]!);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ReplguardError);
    expect((error as Error).message).toBe(
      `the scan's inventory of bucket names ${inventory.namesFile} ends before what was written to it (${all[0]!.length} bytes at 0 asked, 0 read); the scan is incomplete and no report was written`,
    );
    // Names still in the write buffer (the last ones) answer nothing either.
    expect(() => inventory.has(all[all.length - 1]!)).toThrow(error as Error);
    expect(() => inventory.set("new", entry("new", null))).toThrow(error as Error);
    inventory.close();
  });

  it("fails the set that cannot write its names (the disk full: Linux's /dev/full), and every answer after", () => {
    const dir = directory();
    symlinkSync("/dev/full", join(dir, "inventory-names.bin"));
    const inventory = new Inventory({ directory: dir });
    const all = names(4_000);
    let failed = -1;
    let error: unknown;
    for (const [i, name] of all.entries()) {
      try {
        inventory.set(name, entry(name, null));
      } catch (thrown) {
        [failed, error] = [i, thrown];
        break;
      }
    }
    expect(failed).toBeGreaterThan(1_000); // the first 64 KiB fit in memory
    expect(error).toBeInstanceOf(ReplguardError);
    expect((error as ReplguardError).exitCode).toBe(4);
    expect((error as Error).message).toMatch(/^the scan's inventory of bucket names .*inventory-names\.bin could not be written \(ENOSPC: no space left on device, write\); the scan is incomplete and no report was written$/);
    expect(() => inventory.has(all[0]!)).toThrow(error as Error);
    inventory.close();
  });
});
