/**
 * The request limiter's first lane (aws/limiter.ts `first`), which the access batches begun during
 * the accounts stage use (scan/early-access.ts): their calls, a few dependent round trips a batch,
 * are served before the bucket reads queued, so a batch no longer holds its place while waiting
 * behind them (10–20 s a batch at 100 ms a call: docs/scale.md "Throttling"). The same slots and
 * counts: `--concurrency` still bounds every call in flight. No clock: the test ends the calls, or
 * reads the order of the sandbox's answers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRequestLimiter } from "../../src/aws/index.js";
import { currentSlot } from "../../src/aws/request-slots.js";
import { loadPolicies, requiredFacts } from "../../src/policy/index.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { scanSandbox } from "../support/scan.js";

const ACCESS_READS = new Set(["GetRole", "GetRolePolicy", "ListRolePolicies", "ListAttachedRolePolicies", "GetBucketPolicy", "GetBucketOwnershipControls", "GetKeyPolicy"]);

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ generate: { accounts: 7, buckets: 12, seed: 7 } });
});
afterAll(async () => {
  await sandbox.close();
});

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

  it("the early batches use it: an account's role is read soon after its last bucket read, not behind the next accounts' reads", async () => {
    const requests = 4;
    const from = sandbox.calls.length;
    await scanSandbox(sandbox, { facts: requiredFacts(await loadPolicies()), concurrency: { accounts: 2, requests } });
    const log = sandbox.calls.slice(from);
    const bucketRead = (call: (typeof log)[number]): boolean => call.service === "s3" && call.operation !== "ListBuckets" && !ACCESS_READS.has(call.operation);
    const lastBucketRead = log.findLastIndex(bucketRead);
    // For each role read by an early batch (answered while buckets are still read): the other
    // accounts' bucket reads answered between its account's last bucket read and it.
    const gaps: number[] = [];
    log.forEach((call, index) => {
      if (call.operation !== "GetRole" || index > lastBucketRead) return;
      const own = log.slice(0, index).findLastIndex((earlier) => earlier.account === call.account && bucketRead(earlier));
      gaps.push(log.slice(own + 1, index).filter((between) => between.account !== call.account && bucketRead(between)).length);
    });
    expect(gaps.length, "early batches read roles").toBeGreaterThanOrEqual(5);
    // With the lane 33 in all (5.5 a batch: the calls already sending at each of the batch's steps);
    // through the plain queue, 76 (12.7 a batch, up to 32 for one): it waited behind them.
    const total = gaps.reduce((sum, gap) => sum + gap, 0);
    expect(total, `bucket reads answered before each early role read: ${gaps.join(", ")}`).toBeLessThanOrEqual(2 * requests * gaps.length);
  });
});
