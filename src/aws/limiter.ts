/**
 * The shared request limiter: every AWS call of a scan, from every account, goes through one set
 * of request slots, so `--concurrency` bounds requests in flight across the whole organization.
 * A call holds a slot while it sends, not while it waits to retry (request-slots.ts).
 */
import { isThrottling } from "./errors.js";
import { CallSlot, Slots, withSlot } from "./request-slots.js";

export type RequestLimiter = (<T>(call: () => Promise<T>) => Promise<T>) & {
  /** Calls made through the limiter and their retries, so far. */
  readonly counts: RetryCounts;
  /**
   * The same slots and counts, its calls (and their retries) served before every call queued through
   * the plain limiter: the access batches begun during the accounts stage (scan/early-access.ts), a few
   * dependent calls each, would otherwise wait behind every bucket read queued, seconds a round trip.
   * Absent on a limiter without lanes (then its calls are served in order).
   */
  readonly first?: RequestLimiter;
};

export interface RetryCounts {
  /** Calls made, each counted once whatever its attempts. */
  calls: number;
  /** Calls that took more than one attempt (the SDK's retries or this limiter's rounds). */
  retriedCalls: number;
  /** Attempts beyond the first, summed over all calls. */
  extraAttempts: number;
}

/** The SDK's attempt count, on an answer or an error (`$metadata.attempts`); 1 when it does not say. */
const attemptsOf = (value: unknown): number => {
  const attempts = (value as { $metadata?: { attempts?: unknown } } | null)?.$metadata?.attempts;
  return typeof attempts === "number" && attempts > 0 ? attempts : 1;
};

export interface RequestLimiterOptions {
  /** Extra rounds after the SDK's own retries gave up on throttling (retry quota spent). Default 4. */
  throttleRounds?: number;
  /** First pause before such a round, doubled each time, with jitter. Default 1000 ms. */
  baseDelayMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A call ended after `attempts` attempts in all: counted once (a function, not a closure made per call). */
function settle(counts: RetryCounts, attempts: number): void {
  counts.calls++;
  if (attempts > 1) {
    counts.retriedCalls++;
    counts.extraAttempts += attempts - 1;
  }
}

/**
 * Throttling must never lose a bucket: the SDK retries a throttled call up to `maxAttempts` times,
 * but its retry quota is per client and can run dry under a burst; then the call is queued again
 * here, after a pause spent outside the limiter so other calls proceed.
 */
export function createRequestLimiter(concurrency: number, options: RequestLimiterOptions = {}): RequestLimiter {
  const slots = new Slots(concurrency);
  const rounds = options.throttleRounds ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const counts: RetryCounts = { calls: 0, retriedCalls: 0, extraAttempts: 0 };
  const run = async <T>(call: () => Promise<T>, first: boolean): Promise<T> => {
    // Attempts of every round, so a call retried by the SDK and then again here counts once, with all its attempts.
    let attempts = 0;
    for (let round = 0; ; round++) {
      const slot = new CallSlot(slots, first);
      try {
        const wait = slot.take();
        if (wait !== undefined) await wait;
        const result = await withSlot(slot, call);
        attempts += attemptsOf(result);
        settle(counts, attempts);
        return result;
      } catch (error) {
        attempts += attemptsOf(error);
        if (round >= rounds || !isThrottling(error)) {
          settle(counts, attempts);
          throw error;
        }
        slot.free();
        await sleep(baseDelayMs * 2 ** round * (0.5 + Math.random() / 2));
      } finally {
        slot.free();
      }
    }
  };
  const lane = Object.assign(<T>(call: () => Promise<T>) => run(call, true), { counts });
  return Object.assign(<T>(call: () => Promise<T>) => run(call, false), { counts, first: lane });
}
