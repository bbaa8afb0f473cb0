import { describe, expect, it } from "vitest";
import { freshWakeCost, wakeCostLine, type WakeCost } from "../../bench/wake-cost.js";

const cost: WakeCost = { wakeMicros: 100, turnMicros: 2, sleepMs: 5, wakes: 300 };

describe("bench: what a sleep and wake-up costs on this machine", () => {
  it("prints the probe, and what a stage's wake-ups cost per bucket at that rate", () => {
    expect(wakeCostLine(cost)).toBe("100 µs CPU a sleep and wake of an idle event loop (5 ms timer; a turn without sleeping 2.0 µs)");
    // 1,000 wake-ups × 100 µs over 500 buckets: 0.2 ms a bucket, beside the stage's 1.2.
    expect(wakeCostLine(cost, { wakeUps: 1000, buckets: 500, cpuMs: 600 })).toBe(
      "100 µs CPU a sleep and wake of an idle event loop (5 ms timer; a turn without sleeping 2.0 µs); the accounts stage's 1000 wake-ups at that rate: 0.200 ms/bucket of its 1.200",
    );
    expect(wakeCostLine(cost, { wakeUps: 10, buckets: 0, cpuMs: 5 })).toBe(wakeCostLine(cost));
  });

  it("measures in a process of its own and hands back the figures it measured with", async () => {
    const measured = await freshWakeCost(20);
    expect(measured.wakes).toBe(20);
    expect(measured.sleepMs).toBe(5);
    expect(Number.isFinite(measured.wakeMicros) && measured.wakeMicros > 0).toBe(true);
    expect(Number.isFinite(measured.turnMicros) && measured.turnMicros > 0).toBe(true);
  }, 60_000);
});
