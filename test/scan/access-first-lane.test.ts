/**
 * The request limiter's first lane (aws/limiter.ts `first`), which the access batches begun during
 * the accounts stage use (scan/early-access.ts): their calls, a few dependent round trips a batch,
 * are served before the bucket reads queued, so a batch no longer holds its place while waiting
 * behind them (10–20 s a batch at 100 ms a call: docs/scale.md "Throttling"). The same slots and
 * counts: `--concurrency` still bounds every call in flight. No clock: the test ends the calls.
 */
import { describe, expect, it } from "vitest";
import { createRequestLimiter } from "../../src/aws/index.js";
import { currentSlot } from "../../src/aws/request-slots.js";

/** A call the test ends: records when it starts. */
function controlled(order: string[], name: string): { call: () => Promise<string>; end: () => void } {
  let end = (): void => undefined;
  const call = (): Promise<string> =>
    new Promise<string>((resolve) => {
      order.push(name);
      end = () => resolve(name);
    });
  return { call, end: () => end() };
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
};

describe("request limiter: the first lane", () => {
  it("serves a first-lane call before the calls queued through the plain limiter, on the same slots", async () => {
    const request = createRequestLimiter(1);
    const order: string[] = [];
    const holder = controlled(order, "holder");
    const held = request(holder.call);
    const plain = [1, 2, 3].map((i) => request(() => Promise.resolve(`plain ${i}`).then((name) => (order.push(name), name))));
    const first = request.first!(() => Promise.resolve("first").then((name) => (order.push(name), name)));
    await settle();
    expect(order, "one slot: nothing else starts while it is held").toEqual(["holder"]);
    holder.end();
    await Promise.all([held, first, ...plain]);
    expect(order).toEqual(["holder", "first", "plain 1", "plain 2", "plain 3"]);
    // One set of counts for both lanes (the audit's retry summary covers every call).
    expect(request.counts.calls).toBe(5);
    expect(request.first!.counts).toBe(request.counts);
  });

  it("a first-lane call's retry takes its slot back before the plain calls queued meanwhile", async () => {
    const request = createRequestLimiter(1);
    const order: string[] = [];
    let retry = (): void => undefined;
    // As the SDK's retry loop does: the slot given back during the backoff, taken again to send.
    const first = request.first!(async () => {
      const slot = currentSlot()!;
      order.push("first, attempt 1");
      slot.free();
      await new Promise<void>((resolve) => (retry = resolve));
      const wait = slot.take();
      if (wait !== undefined) await wait;
      order.push("first, attempt 2");
    });
    await settle();
    const holder = controlled(order, "plain 1");
    const plain1 = request(holder.call);
    const plain2 = request(() => Promise.resolve(void order.push("plain 2")));
    await settle();
    retry();
    await settle();
    holder.end();
    await Promise.all([first, plain1, plain2]);
    expect(order).toEqual(["first, attempt 1", "plain 1", "first, attempt 2", "plain 2"]);
  });
});
