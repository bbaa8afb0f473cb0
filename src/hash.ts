/** Content hashes over canonical JSON (sorted keys), so equal content hashes equally whatever the key order. */
import { createHash } from "node:crypto";

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, val: unknown) =>
    val !== null && typeof val === "object" && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : val,
  );
}

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

export const contentHash = (value: unknown): string => sha256(canonicalJson(value));
