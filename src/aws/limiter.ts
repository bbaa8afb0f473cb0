/**
 * The shared request limiter: every AWS call of a scan, from every account, goes through one
 * p-limit, so `--concurrency` bounds requests in flight across the whole organization.
 */
import pLimit from "p-limit";
import { isThrottling } from "./errors.js";

export type RequestLimiter = (<T>(call: () => Promise<T>) => Promise<T>) & {
  /** Calls made through the limiter and their retries, so far. */
  readonly counts: RetryCounts;
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

/**
 * Throttling must never lose a bucket: the SDK retries a throttled call up to `maxAttempts` times,
 * but its retry quota is per client and can run dry under a burst; then the call is queued again
 * here, after a pause spent outside the limiter so other calls proceed.
 */
export function createRequestLimiter(concurrency: number, options: RequestLimiterOptions = {}): RequestLimiter {
  const limit = pLimit(concurrency);
  const rounds = options.throttleRounds ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const counts: RetryCounts = { calls: 0, retriedCalls: 0, extraAttempts: 0 };
  const limiter = async <T>(call: () => Promise<T>): Promise<T> => {
    // Attempts of every round, so a call retried by the SDK and then again here counts once, with all its attempts.
    let attempts = 0;
    const settle = (): void => {
      counts.calls++;
      if (attempts > 1) {
        counts.retriedCalls++;
        counts.extraAttempts += attempts - 1;
      }
    };
    for (let round = 0; ; round++) {
      try {
        const result = await limit(call);
        attempts += attemptsOf(result);
        settle();
        return result;
      } catch (error) {
        attempts += attemptsOf(error);
        if (round >= rounds || !isThrottling(error)) {
          settle();
          throw error;
        }
        await sleep(baseDelayMs * 2 ** round * (0.5 + Math.random() / 2));
      }
    }
  };
  return Object.assign(limiter, { counts });
}
