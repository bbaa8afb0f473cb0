/**
 * The inventory's hash of a name (scan/inventory.ts): FNV-1a over its UTF-16 code units. Made from
 * the string for a lookup, and from the name's bytes in the names' file (scan/name-file.ts: latin1,
 * a code unit a byte, or UTF-16LE) when the hash table is rebuilt at a larger size: the inventory
 * keeps no hash per name (4 bytes a name, ~4 MB at a million buckets, docs/memory.md), so both
 * must give the same number for the same name.
 */
import type { NameEncoding } from "./name-file.js";

const OFFSET = 0x811c9dc5;
const PRIME = 0x01000193;

export function hashOfName(name: string): number {
  let h = OFFSET;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), PRIME);
  return h >>> 0;
}

/** The same hash from the name's bytes [from, to) of `bytes` in `encoding`. */
export function hashOfBytes(bytes: Uint8Array, from: number, to: number, encoding: NameEncoding): number {
  let h = OFFSET;
  if (encoding === "latin1") for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, PRIME);
  else for (let i = from; i + 1 < to; i += 2) h = Math.imul(h ^ (bytes[i]! | (bytes[i + 1]! << 8)), PRIME);
  return h >>> 0;
}
