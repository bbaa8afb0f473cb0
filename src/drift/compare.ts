/** Small helpers shared by the drift comparisons: canonical equality and a stable sort. */
import { canonicalJson } from "../hash.js";

/** Equal in content whatever the key order of objects (tags come back in any order). */
export const sameValue = (a: unknown, b: unknown): boolean => canonicalJson(a ?? null) === canonicalJson(b ?? null);

/** Code-unit order, not locale order: the same on every machine. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sorts by each key in turn (nulls first). */
export function sortBy<T>(items: T[], ...keys: ((item: T) => string | null)[]): T[] {
  return items.sort((x, y) => {
    for (const key of keys) {
      const order = compareText(key(x) ?? "", key(y) ?? "");
      if (order !== 0) return order;
    }
    return 0;
  });
}
