/**
 * Normalises parsed AWS answers so that two independent servers can be compared with `toEqual`:
 * values that legitimately differ between them (timestamps, generated ids and ARNs, owner ids) are
 * replaced by a token naming their format — and only when they HAVE that format; a malformed value
 * becomes a token quoting it, so the comparison fails and shows it.
 */

export type FormatCheck = (value: unknown) => boolean;

/** Replaces `value` by `<name>` when it passes `check`, else by `<not name: value>`. */
export const token = (name: string, check: FormatCheck, value: unknown): string =>
  check(value) ? `<${name}>` : `<not ${name}: ${JSON.stringify(value)}>`;

export const isDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime());
export const matches =
  (pattern: RegExp): FormatCheck =>
  (value) =>
    typeof value === "string" && pattern.test(value);

/** Formats from the API references (each pattern as the API documents the field). */
export const FORMATS = {
  accountId: /^\d{12}$/,
  /** Organizations OrganizationId: ^o-[a-z0-9]{10,32}$ */
  organizationId: /^o-[a-z0-9]{10,32}$/,
  /** Organizations RootId: ^r-[0-9a-z]{4,32}$ */
  rootId: /^r-[0-9a-z]{4,32}$/,
  /** Organizations OrganizationalUnitId: ^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$ */
  ouId: /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/,
  /** STS temporary access key ids start with ASIA (long-term ones with AKIA). */
  temporaryAccessKeyId: /^ASIA[A-Z0-9]{12,124}$/,
  /** S3 canonical user id as moto and S3 answer it: hex. */
  canonicalUserId: /^[0-9a-f]{32,64}$/,
} as const;

/**
 * Deep-copies `value`, applying `rules[key]` to every property named `key` at any depth. Rules see
 * the value and return its replacement (usually a token). `$metadata` is always dropped.
 */
export function normalise(value: unknown, rules: Record<string, (value: unknown) => unknown> = {}): unknown {
  if (Array.isArray(value)) return value.map((item) => normalise(item, rules));
  if (value instanceof Date || typeof value !== "object" || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === "$metadata") continue;
    const rule = rules[key];
    result[key] = rule === undefined ? normalise(child, rules) : rule(child);
  }
  return result;
}

/** A copy of `value` without the named top-level properties (fields compared separately). */
export function without<T extends object>(value: T, ...keys: string[]): Partial<T> {
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key of keys) delete copy[key];
  return copy as Partial<T>;
}

/** Sorts a list of records by one string field: neither API promises an order. */
export const sortedBy = <T extends object>(items: readonly T[] | undefined, field: keyof T & string): T[] =>
  [...(items ?? [])].sort((a, b) => String(a[field]).localeCompare(String(b[field])));
