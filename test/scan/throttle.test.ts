import { describe, expect, it } from "vitest";
import { scanSandbox, withSandbox } from "./support/sandbox.js";
import { testScenario } from "./support/scenario.js";

// Adaptive retry mode slows a client to ~1 request/s after random throttles (its token bucket
// reads them as overload), so this scan takes ~35 s where the unthrottled one takes ~0.5 s.
describe("scan/throttling", { timeout: 180_000 }, () => {
  it("loses no bucket and records no error when 30% of all calls are throttled", async () => {
    const baseline = await withSandbox((sandbox) => scanSandbox(sandbox));
    await withSandbox(
      async (sandbox) => {
        const result = await scanSandbox(sandbox, { maxAttempts: 10 });
        expect(sandbox.calls.filter((c) => c.status === 503 || c.status === 400).length).toBeGreaterThan(5);
        expect(result.buckets.map((b) => b.name)).toEqual(baseline.buckets.map((b) => b.name));
        expect(result.coverage).toEqual(baseline.coverage);
        // Same documents, call for call: throttling changed nothing but the timing.
        expect(result.buckets).toEqual(baseline.buckets);
        expect(result.accounts).toEqual(baseline.accounts);
      },
      testScenario(),
      { faults: { throttleRate: 0.3, seed: 1 } },
    );
  });
});
