/**
 * Suppressions (config file): a policy id and a bucket ARN or `*` glob, with a reason and an
 * optional `expires` day (null or omitted: permanent). A suppression applies through the end of that day (UTC); after it, it
 * no longer hides anything and is reported, with how many findings it would have hidden, so an
 * expired exception is seen rather than silently reopening or silently lasting forever.
 */
import { ConfigError } from "../errors.js";
import type { ActiveSuppression, ExpiredSuppression, PolicyResult, Suppression } from "../model/index.js";

interface Compiled {
  suppression: Suppression;
  index: number;
  /** Does the resource glob match this ARN? */
  matches: (arn: string) => boolean;
  /** First instant at which the suppression no longer applies, or null for never. */
  endsAt: number | null;
}

/** Suppressions grouped by policy id, compiled once per suppressions array (evaluateBucket runs per bucket). */
const indexes = new WeakMap<Suppression[], Map<string, Compiled[]>>();

export function suppressionIndex(suppressions: Suppression[]): Map<string, Compiled[]> {
  const cached = indexes.get(suppressions);
  if (cached) return cached;
  const index = new Map<string, Compiled[]>();
  suppressions.forEach((suppression, i) => {
    const compiled: Compiled = { suppression, index: i, matches: (arn) => globMatches(suppression.resource, arn), endsAt: endOfDay(suppression.expires, i) };
    const list = index.get(suppression.policyId) ?? [];
    list.push(compiled);
    index.set(suppression.policyId, list);
  });
  indexes.set(suppressions, index);
  return index;
}

/** The suppression that hides a failure of `policyId` on `bucketArn` at `now`, if any. */
export function findSuppression(suppressions: Suppression[], policyId: string, bucketArn: string, now: Date): Suppression | null {
  if (suppressions.length === 0) return null; // the usual case: no index to look up
  const candidates = suppressionIndex(suppressions).get(policyId) ?? [];
  const time = now.getTime();
  for (const c of candidates) {
    if ((c.endsAt === null || time < c.endsAt) && c.matches(bucketArn)) return c.suppression;
  }
  return null;
}

/**
 * Counts, result by result, the findings each suppression hid (active ones, permanent included)
 * and each expired one would have hidden. Feed results as they are produced (`observe`), read
 * `active()` and `expired()` at the end: memory is one counter per suppression, whatever the
 * number of results.
 */
export class SuppressionTracker {
  private readonly expiredByPolicy = new Map<string, Compiled[]>();
  private readonly activeByPolicy = new Map<string, Compiled[]>();
  private readonly counts: number[];

  constructor(suppressions: Suppression[], now: Date) {
    this.counts = suppressions.map(() => 0);
    for (const [policyId, list] of suppressionIndex(suppressions)) {
      const isExpired = (c: Compiled): boolean => c.endsAt !== null && now.getTime() >= c.endsAt;
      const expired = list.filter(isExpired);
      const active = list.filter((c) => !isExpired(c));
      if (expired.length > 0) this.expiredByPolicy.set(policyId, expired);
      if (active.length > 0) this.activeByPolicy.set(policyId, active);
    }
  }

  observe(result: PolicyResult): void {
    if (result.status !== "fail" && result.status !== "suppressed") return;
    for (const c of this.expiredByPolicy.get(result.policyId) ?? []) {
      if (c.matches(result.bucketArn)) this.count(c);
    }
    const applied = result.suppression;
    if (result.status === "suppressed" && applied) {
      const c = this.activeByPolicy.get(result.policyId)?.find((candidate) => sameSuppression(candidate.suppression, applied));
      if (c) this.count(c);
    }
  }

  /** Suppressions in force (not expired, or permanent) with the findings each hid. */
  active(): ActiveSuppression[] {
    return this.list(this.activeByPolicy);
  }

  /** Suppressions past their `expires` day with the findings each would have hidden. */
  expired(): ExpiredSuppression[] {
    return this.list(this.expiredByPolicy);
  }

  private count(c: Compiled): void {
    this.counts[c.index] = (this.counts[c.index] ?? 0) + 1;
  }

  private list(byPolicy: Map<string, Compiled[]>): (Suppression & { matched: number })[] {
    const compiled = [...byPolicy.values()].flat().sort((a, b) => a.index - b.index);
    return compiled.map((c) => ({ ...c.suppression, expires: c.suppression.expires ?? null, matched: this.counts[c.index] ?? 0 }));
  }
}

/** The earlier name, when only expired suppressions were counted. */
export { SuppressionTracker as ExpiredSuppressionTracker };

const sameSuppression = (a: Suppression, b: Suppression): boolean =>
  a === b || (a.policyId === b.policyId && a.resource === b.resource && a.reason === b.reason && (a.expires ?? null) === (b.expires ?? null));

/** Expired suppressions and how many of `results` each would have hidden. Accepts any iterable (a generator over a stream of results). */
export function expiredSuppressions(suppressions: Suppression[], results: Iterable<PolicyResult>, now: Date): ExpiredSuppression[] {
  const tracker = new SuppressionTracker(suppressions, now);
  for (const result of results) tracker.observe(result);
  return tracker.expired();
}

/** Suppressions in force at `now` (permanent ones included) and how many of `results` each hid. */
export function activeSuppressions(suppressions: Suppression[], results: Iterable<PolicyResult>, now: Date): ActiveSuppression[] {
  const tracker = new SuppressionTracker(suppressions, now);
  for (const result of results) tracker.observe(result);
  return tracker.active();
}

/**
 * `*` matches any run of characters, everything else itself. The classic two-pointer matcher: on
 * a mismatch it resumes after the last `*` one character further, never revisiting earlier stars,
 * so it takes at most (glob length × ARN length) steps. A RegExp of `.*` runs backtracks
 * exponentially on globs like `*x*x*x*x*y`.
 */
export function globMatches(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let star = -1; // index in glob of the last `*` seen
  let resume = 0; // index in text that star currently stops at
  while (t < text.length) {
    if (g < glob.length && glob[g] === "*") {
      star = g++;
      resume = t;
    } else if (g < glob.length && glob[g] === text[t]) {
      g++;
      t++;
    } else if (star !== -1) {
      g = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (g < glob.length && glob[g] === "*") g++;
  return g === glob.length;
}

/** `expires` null or absent (a library caller may leave it out, as the config file may): never. */
function endOfDay(expires: string | null | undefined, index: number): number | null {
  if (expires === null || expires === undefined) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(expires);
  const start = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  const valid = match !== null && new Date(start).toISOString().startsWith(expires);
  if (!valid) {
    throw new ConfigError(`suppressions[${index}].expires must be a date YYYY-MM-DD, got ${JSON.stringify(expires)}`, {
      pointer: `/suppressions/${index}/expires`,
    });
  }
  return start + 24 * 60 * 60 * 1000;
}
