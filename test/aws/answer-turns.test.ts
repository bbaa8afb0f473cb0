/**
 * Coalesced wake-ups (src/aws/answer-turns.ts): while the answers are slow and the thread idle, a
 * turn that handled a few answers sleeps a few ms so the next finds more, once its next requests are
 * written; at 0 ms a call (a quick in-process sandbox, the thread busy) it never does, and either way
 * the documents are the same. With the wait off (the default) nothing is counted unless asked.
 * Asserted on counters (the thread's answers, turns and waits; undici's requests written), never on a clock.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { answerTurnCounts, COALESCE_WAITS, countAnswerTurns, type AnswerTurnCounts } from "../../src/aws/answer-turns.js";
import { UsageError } from "../../src/errors.js";
import type { FactPlan } from "../../src/model/index.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { scanSandbox } from "../support/scan.js";

/** S3 reads on the lean path for every bucket, and more for those that replicate. */
const FACTS: FactPlan = { all: ["versioning", "replication"], replicating: ["encryption", "tags"], destinations: [] };
const SLOTS = 8;

/** Scans `sandbox` (on `workers` threads); its documents, by name, and what this thread's transports counted meanwhile. */
async function scanCounting(sandbox: Sandbox, workers = 1) {
  const before = answerTurnCounts();
  const result = await scanSandbox(sandbox, { concurrency: { requests: SLOTS, accounts: 4 }, facts: FACTS, workers });
  result.buckets.sort((a, b) => a.name.localeCompare(b.name));
  const after = answerTurnCounts();
  const counted = Object.fromEntries(Object.entries(after).map(([name, value]) => [name, value - before[name as keyof AnswerTurnCounts]])) as unknown as AnswerTurnCounts;
  return { buckets: result.buckets, counted };
}

describe("aws/AnswerTurns: coalesced wake-ups", () => {
  let slow: Sandbox;
  let quick: Sandbox;
  beforeAll(async () => {
    const generate = { accounts: 4, buckets: 10, seed: 7 };
    [slow, quick] = await Promise.all([startSandbox({ generate, faults: { latencyMs: 100 } }), startSandbox({ generate })]);
  });
  afterAll(async () => {
    await Promise.all([slow?.close(), quick?.close()]);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    countAnswerTurns(false);
  });

  it("with the wait off (the default) counts nothing unless a bench asks (the transport has no AnswerTurns), and the documents are the same", async () => {
    const unasked = await scanCounting(quick);
    expect(unasked.counted).toEqual({ answers: 0, turns: 0, waits: 0, sleptMs: 0 });

    countAnswerTurns();
    const asked = await scanCounting(quick);
    expect(asked.counted.answers).toBeGreaterThan(40);
    expect(asked.counted.turns).toBeGreaterThan(0);
    expect(asked.counted.waits).toBe(0);
    expect(asked.buckets).toEqual(unasked.buckets);
  });

  it("sleeps only once the turn's next requests are written: most sleeps find every slot's request on the wire", async () => {
    vi.stubEnv("REPLGUARD_COALESCE_MS", "6");
    let written = 0;
    const onWritten = (): void => void written++;
    const before = answerTurnCounts();
    /** Requests on the wire (written, not yet answered) as each sleep began. */
    const onWire: number[] = [];
    const onSleep = (): void => void onWire.push(written - (answerTurnCounts().answers - before.answers));
    subscribe("undici:client:sendHeaders", onWritten);
    subscribe(COALESCE_WAITS.name, onSleep);
    try {
      await scanCounting(slow);
    } finally {
      unsubscribe("undici:client:sendHeaders", onWritten);
      unsubscribe(COALESCE_WAITS.name, onSleep);
    }
    expect(onWire.length).toBeGreaterThan(0);
    expect(onWire.every((requests) => requests <= SLOTS)).toBe(true);
    // Sleeping at the turn's end (the first version) held the turn's 1–2 next requests: no sleep found all SLOTS on the wire.
    expect(onWire.filter((requests) => requests === SLOTS).length * 2).toBeGreaterThanOrEqual(onWire.length);
  });

  it("sleeps for more answers at 100 ms a call (REPLGUARD_COALESCE_MS=6), and the documents are those of a scan that does not (the default, 0) and of two worker threads", async () => {
    countAnswerTurns(); // the scan without the wait counts too
    vi.stubEnv("REPLGUARD_COALESCE_MS", "6");
    const coalesced = await scanCounting(slow);
    expect(coalesced.counted.answers).toBeGreaterThan(40);
    expect(coalesced.counted.waits).toBeGreaterThan(0);
    expect(coalesced.counted.sleptMs).toBeGreaterThan(0);
    expect(coalesced.counted.turns).toBeLessThanOrEqual(coalesced.counted.answers);

    vi.unstubAllEnvs();
    const plain = await scanCounting(slow);
    expect(plain.counted.waits).toBe(0);
    expect(plain.counted.sleptMs).toBe(0);
    expect(plain.counted.answers).toBe(coalesced.counted.answers);
    expect(coalesced.buckets).toEqual(plain.buckets);

    // Each worker thread coalesces its own answers (not counted here: its counters are its own); the documents are the same.
    vi.stubEnv("REPLGUARD_COALESCE_MS", "6");
    const threads = await scanCounting(slow, 2);
    expect(threads.counted.answers).toBeLessThan(coalesced.counted.answers);
    expect(threads.buckets).toEqual(coalesced.buckets);
  });

  it("never sleeps at 0 ms a call, even with the wait set, and still counts the answers' turns", async () => {
    vi.stubEnv("REPLGUARD_COALESCE_MS", "6");
    const { counted } = await scanCounting(quick);
    expect(counted.answers).toBeGreaterThan(40);
    expect(counted.turns).toBeGreaterThan(0);
    expect(counted.waits).toBe(0);
  });

  it("refuses a REPLGUARD_COALESCE_MS that is not a whole number from 0 to 20, before any call", async () => {
    vi.stubEnv("REPLGUARD_COALESCE_MS", "2.5");
    const calls = quick.calls.length;
    await expect(scanSandbox(quick)).rejects.toThrow(new UsageError('REPLGUARD_COALESCE_MS must be a whole number from 0 to 20, got "2.5"'));
    expect(quick.calls.length).toBe(calls);
  });
});
