/**
 * The shared request limiter: every AWS call of a scan, from every account, goes through one
 * p-limit, so `--concurrency` bounds requests in flight across the whole organization.
 */
import pLimit from "p-limit";
import { isThrottling } from "./errors.js";

export type RequestLimiter = <T>(call: () => Promise<T>) => Promise<T>;

export interface RequestLimiterOptions {
  /** Extra rounds after the SDK's own adaptive retries gave up on throttling (retry quota spent). Default 4. */
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
  return async <T>(call: () => Promise<T>): Promise<T> => {
    for (let round = 0; ; round++) {
      try {
        return await limit(call);
      } catch (error) {
        if (round >= rounds || !isThrottling(error)) throw error;
        await sleep(baseDelayMs * 2 ** round * (0.5 + Math.random() / 2));
      }
    }
  };
}
