/**
 * Suppressions (config file): a policy id and a bucket ARN or `*` glob, with a reason and an
 * optional `expires` day. A suppression applies through the end of that day (UTC); after it, it
 * no longer hides anything and is reported, with how many findings it would have hidden, so an
 * expired exception is seen rather than silently reopening or silently lasting forever.
 */
import { ConfigError } from "../errors.js";
import type { ExpiredSuppression, PolicyResult, Suppression } from "../model/index.js";

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
  const candidates = suppressionIndex(suppressions).get(policyId) ?? [];
  const time = now.getTime();
  for (const c of candidates) {
    if ((c.endsAt === null || time < c.endsAt) && c.matches(bucketArn)) return c.suppression;
  }
  return null;
}

/**
 * Counts, result by result, the failures each expired suppression would have hidden. Feed results
 * as they are produced (`observe`), read `expired()` at the end: memory is one counter per
 * suppression, whatever the number of results.
 */
export class ExpiredSuppressionTracker {
  private readonly expiredByPolicy = new Map<string, Compiled[]>();
  private readonly counts: number[];

  constructor(suppressions: Suppression[], now: Date) {
    this.counts = suppressions.map(() => 0);
    for (const [policyId, list] of suppressionIndex(suppressions)) {
      const expired = list.filter((c) => c.endsAt !== null && now.getTime() >= c.endsAt);
      if (expired.length > 0) this.expiredByPolicy.set(policyId, expired);
    }
  }

  observe(result: PolicyResult): void {
    if (result.status !== "fail" && result.status !== "suppressed") return;
    for (const c of this.expiredByPolicy.get(result.policyId) ?? []) {
      if (c.matches(result.bucketArn)) this.counts[c.index] = (this.counts[c.index] ?? 0) + 1;
    }
  }

  expired(): ExpiredSuppression[] {
    const expired = [...this.expiredByPolicy.values()].flat().sort((a, b) => a.index - b.index);
    return expired.map((c) => ({ ...c.suppression, matched: this.counts[c.index] ?? 0 }));
  }
}

/** Expired suppressions and how many of `results` each would have hidden. Accepts any iterable (a generator over a stream of results). */
export function expiredSuppressions(suppressions: Suppression[], results: Iterable<PolicyResult>, now: Date): ExpiredSuppression[] {
  const tracker = new ExpiredSuppressionTracker(suppressions, now);
  for (const result of results) tracker.observe(result);
  return tracker.expired();
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

function endOfDay(expires: string | null, index: number): number | null {
  if (expires === null) return null;
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
