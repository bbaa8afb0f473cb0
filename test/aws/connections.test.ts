/**
 * CPU at latency: a call that waits 100 ms for its answer must not cost a TCP connection. Every SDK
 * client of a scan (S3, S3 Control, IAM, the AssumeRole providers' STS clients) shares one pair of
 * keep-alive agents whose `maxSockets` is the request slot count (src/aws/clients.ts), and the lean
 * reads share one set of undici keep-alive pools of as many connections an origin
 * (src/aws/lean-transport.ts), so however many calls are in flight or queued, a scan opens at most
 * one connection per slot open on each at once and reuses them (docs/scale.md, "CPU at 100 ms a
 * call"). Counted from node's `net.client.socket` channel (every connection, and when it closes) and
 * undici's `undici:client:beforeConnect` (which of them are the lean reads') over a real sandbox
 * whose answers are delayed, so calls overlap; no clock is read.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import type { FactPlan } from "../../src/model/index.js";
import { scanSandbox } from "../support/scan.js";

const SLOTS = 4;

describe("aws/AwsClientFactory: connections at latency", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    // A delay on every answer, so the scan's calls overlap and queue for the slots as they do against AWS.
    sandbox = await startSandbox({ generate: { accounts: 4, buckets: 10, seed: 7 }, faults: { latencyMs: 5 } });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it("opens at most one connection per request slot for a whole audit-plan scan, and reuses them", async () => {
    // Much of the audit's plan (not loaded from the policies: that compiles them, seconds): S3 reads on
    // the lean path and the SDK, S3 Control, the replication roles through IAM, AssumeRole per account.
    const facts: FactPlan = { all: [], replicating: ["encryption", "tags", "batchReplication"], destinations: ["objectLock"], access: ["replicationRole"] };
    // Connections open at once, by transport: an idle connection the sandbox closes (its 5 s keep-alive,
    // easily reached on a busy machine) is opened again, so the bound is on those open together.
    // undici announces a connection just before it opens its socket (synchronously, for http).
    const open = { lean: 0, sdk: 0 };
    const most = { lean: 0, sdk: 0 };
    let opened = 0;
    let leanNext = 0;
    const onLean = (): void => void leanNext++;
    const onSocket = (message: unknown): void => {
      const kind = leanNext > 0 ? "lean" : "sdk";
      if (kind === "lean") leanNext--;
      opened++;
      most[kind] = Math.max(most[kind], ++open[kind]);
      (message as { socket: Socket }).socket.once("close", () => void open[kind]--);
    };
    subscribe("undici:client:beforeConnect", onLean);
    subscribe("net.client.socket", onSocket);
    const before = sandbox.calls.length;
    try {
      const result = await scanSandbox(sandbox, { concurrency: { requests: SLOTS, accounts: 2 }, facts });
      expect(result.buckets).toHaveLength(40);
    } finally {
      unsubscribe("net.client.socket", onSocket);
      unsubscribe("undici:client:beforeConnect", onLean);
    }
    const calls = sandbox.calls.length - before;
    const services = new Set(sandbox.calls.slice(before).map((c) => c.service));
    expect([...services].sort()).toEqual(["iam", "organizations", "s3", "sts"]);
    expect(calls).toBeGreaterThan(100);
    expect(most.lean).toBeGreaterThan(0);
    expect(most.sdk).toBeGreaterThan(0);
    // The lean reads' pools: at most one connection per slot open at once; the SDK clients' agents: as many again, no more.
    expect(most.lean).toBeLessThanOrEqual(SLOTS);
    expect(most.sdk).toBeLessThanOrEqual(SLOTS);
    // Without keep-alive (or with an agent per client): one connection per call, 100 or more.
    expect(opened).toBeLessThan(calls / 4);
  });
});
