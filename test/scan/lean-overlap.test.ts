/**
 * The scan's stages overlap where they can without changing what is read: the next accounts are
 * opened (AssumeRole, ListBuckets) while the current ones read their buckets (scan/account.ts
 * `scanAccounts`), and the destination pass's two halves run side by side (scan/resolve.ts). Told from the sandbox's call log (answers in the order they were given), never
 * from the clock: with one account reading at a time, an account's ListBuckets is answered before
 * the previous account's last bucket read; the destination pass probes (HeadBucket) while it reads
 * the destination-only facts, not after. And the scan publishes its stages (the bench prints
 * their wall times) on a diagnostics channel.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import type { ScanResult } from "../../src/scan/index.js";
import { scanSandbox } from "../support/scan.js";

const READS = new Set(["GetBucketVersioning", "GetBucketReplication"]);

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ generate: { accounts: 4, buckets: 10, seed: 11 } });
});
afterAll(async () => {
  await sandbox.close();
});

/** What the scan found, apart from its timestamps. */
const found = (result: ScanResult) => ({ accounts: result.accounts, buckets: result.buckets, coverage: result.coverage, calls: result.scan.retries?.calls });

describe("scan/overlap", () => {
  it("opens the next account while one account reads its buckets, and finds the same", async () => {
    const from = sandbox.calls.length;
    const stages: string[] = [];
    const listener = (message: unknown): void => void stages.push((message as { stage: string }).stage);
    subscribe("replguard:scan-stage", listener);
    let serial: ScanResult;
    try {
      serial = await scanSandbox(sandbox, { concurrency: { accounts: 1, requests: 2 } });
    } finally {
      unsubscribe("replguard:scan-stage", listener);
    }
    const log = sandbox.calls.slice(from);
    // Accounts in the order they were listed, and where each one's last bucket read was answered.
    const listed = log.flatMap((call, index) => (call.operation === "ListBuckets" && call.account !== null ? [{ account: call.account, index }] : []));
    const lastRead = (account: string): number => log.findLastIndex((call) => READS.has(call.operation) && call.account === account);
    expect(listed.length).toBeGreaterThanOrEqual(4);
    for (const [i, next] of listed.slice(1).entries()) {
      const previous = listed[i]!;
      expect(lastRead(previous.account), `account ${previous.account} has bucket reads`).toBeGreaterThan(previous.index);
      expect(next.index, `${next.account} listed while ${previous.account} was reading`).toBeLessThan(lastRead(previous.account));
    }
    expect(stages).toEqual(["organization", "accounts", "destinations", "handover", "done"]);

    const wide = await scanSandbox(sandbox, { concurrency: { accounts: 8, requests: 32 } });
    expect(JSON.stringify(found(serial))).toBe(JSON.stringify(found(wide)));
  });

  it("probes the destinations outside the inventory while it reads the destination-only facts", async () => {
    const facts = { all: [], replicating: [], destinations: ["objectLock" as const] };
    const from = sandbox.calls.length;
    // One request slot: the calls are answered in the order they were asked.
    const narrow = await scanSandbox(sandbox, { facts, concurrency: { accounts: 1, requests: 1 } });
    const log = sandbox.calls.slice(from);
    const heads = log.flatMap((call, index) => (call.operation === "HeadBucket" ? [index] : []));
    const locks = log.flatMap((call, index) => (call.operation === "GetObjectLockConfiguration" ? [index] : []));
    expect(heads.length).toBeGreaterThan(0);
    expect(locks.length).toBeGreaterThan(1);
    expect(heads[0]!, "a probe answered before the last destination-only read").toBeLessThan(locks.at(-1)!);
    const wide = await scanSandbox(sandbox, { facts, concurrency: { accounts: 8, requests: 32 } });
    expect(JSON.stringify(found(narrow))).toBe(JSON.stringify(found(wide)));
  });
});
