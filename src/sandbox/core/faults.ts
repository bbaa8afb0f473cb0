/**
 * Injected faults: latency (fixed + uniform jitter) and throttling at a given rate, decided by a
 * seeded PRNG so a run with the same seed and the same call order sees the same faults.
 * Throttle answers follow each service's documentation:
 * - S3 503 SlowDown: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
 * - STS 400 Throttling ("Rate exceeded"), as STS's query protocol answers it
 * - Organizations 400 TooManyRequestsException: https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html#API_ListAccounts_Errors
 */
import type { FaultOptions } from "../types.js";

/** mulberry32: small, fast, good enough for fault decisions; same seed → same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultDecision {
  latencyMs: number;
  throttled: boolean;
}

export interface FaultInjector {
  readonly options: Required<FaultOptions>;
  /** Draws the faults for the next call. */
  next(): FaultDecision;
}

/** Options given to startSandbox override the scenario's, field by field. */
export function mergeFaults(scenario: FaultOptions | undefined, override: FaultOptions | undefined): Required<FaultOptions> {
  const pick = <K extends keyof FaultOptions>(key: K, fallback: number): number => override?.[key] ?? scenario?.[key] ?? fallback;
  return { latencyMs: pick("latencyMs", 0), jitterMs: pick("jitterMs", 0), throttleRate: pick("throttleRate", 0), seed: pick("seed", 1) };
}

export function createFaultInjector(options: Required<FaultOptions>): FaultInjector {
  const random = seededRandom(options.seed);
  return {
    options,
    next() {
      // Always draw both numbers so the throttle sequence does not depend on whether jitter is on.
      const jitter = random();
      const throttle = random();
      return {
        latencyMs: options.latencyMs + (options.jitterMs > 0 ? jitter * options.jitterMs : 0),
        throttled: options.throttleRate > 0 && throttle < options.throttleRate,
      };
    },
  };
}
