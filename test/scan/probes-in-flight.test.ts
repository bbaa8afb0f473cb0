/**
 * Destination resolution probes each destination outside the inventory (HeadBucket). It began every
 * probe at once: at a million buckets ~30,000 pending calls, each an async frame, a promise, a
 * request slot and a claim (~2.3 KB: 69 MB of heap measured with the scan's limiter). Now
 * `bucketsInFlight` at a time, as the second pass; the answers are the same. Each probe's S3 client
 * was its source account's, one per account and Region kept to the stage's end (~27 KB each once it
 * has sent: ~117 MB at a million buckets); now the probes of one account and Region are made one
 * after another on a client of their own, dropped after the last.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRequestLimiter, type RequestLimiter } from "../../src/aws/index.js";
import type { AccountRef } from "../../src/model/index.js";
import { unreadBucketDocument } from "../../src/model/index.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { AccountSession } from "../../src/scan/context.js";
import { Inventory } from "../../src/scan/inventory.js";
import { PROBES, resolveDestinations } from "../../src/scan/resolve.js";
import { inventoryEntry } from "../../src/scan/spool.js";
import { probeContext } from "../support/probe-context.js";
import { testScenario } from "../support/scenarios/scan.js";

const MISSING = 120;
const IN_FLIGHT = 4;
/** Source accounts and Regions of the client test: a probe from each pair, twice. */
const ACCOUNTS = 12;
const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];

describe("destination probes", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: testScenario() });
  });
  afterAll(() => sandbox.close());

  it("are made bucketsInFlight at a time, each answered", async () => {
    const limiter = createRequestLimiter(IN_FLIGHT);
    // Calls handed to the limiter and not yet answered: waiting for a slot or running.
    let pending = 0;
    let most = 0;
    const counting = async <T>(call: () => Promise<T>): Promise<T> => {
      most = Math.max(most, ++pending);
      try {
        return await limiter(call);
      } finally {
        pending--;
      }
    };
    const request = Object.assign(counting, { counts: limiter.counts }) as RequestLimiter;
    const ctx = await probeContext(sandbox, IN_FLIGHT, request);
    const caller = ctx.caller;
    const account: AccountRef = { id: caller.accountId, name: "m", ouPath: "", tags: {} };
    const inventory = new Inventory();
    for (let i = 0; i < MISSING; i++) {
      const doc = unreadBucketDocument(`source-${i}`, sandbox.region, account);
      inventory.set(doc.name, { ...inventoryEntry(doc), destinations: [`gone-${i}`] });
    }
    const sessions = new Map([[account.id, new AccountSession(account.id, caller.credentials, "caller", ctx.factory)]]);
    try {
      const resolution = await resolveDestinations(ctx, inventory, sessions);
      expect(resolution.heads.size).toBe(MISSING);
      for (let i = 0; i < MISSING; i++) expect(resolution.heads.get(`gone-${i}`)).toEqual({ exists: false, region: null, error: null });
      expect(limiter.counts.calls).toBe(MISSING);
      expect(most, "probes handed to the limiter at once").toBeLessThanOrEqual(IN_FLIGHT);
    } finally {
      ctx.factory.close();
    }
  });

  it("hold a client for each source account and Region only while its probes are made", async () => {
    const ctx = await probeContext(sandbox, IN_FLIGHT);
    const { credentials } = ctx.caller;
    const inventory = new Inventory();
    const sessions = new Map<string, AccountSession>();
    // Two rounds over every account and Region: in inventory order a pair's probes are far apart.
    for (let round = 0; round < 2; round++) {
      for (let a = 0; a < ACCOUNTS; a++) {
        const id = String(300000000000 + a);
        const account: AccountRef = { id, name: `a${a}`, ouPath: "", tags: {} };
        if (!sessions.has(id)) sessions.set(id, new AccountSession(id, credentials, "caller", ctx.factory));
        for (const region of REGIONS) {
          const doc = unreadBucketDocument(`source-${a}-${region}-${round}`, region, account);
          inventory.set(doc.name, { ...inventoryEntry(doc), destinations: [`gone-${a}-${region}-${round}`] });
        }
      }
    }
    let held = 0;
    let most = 0;
    let made = 0;
    const onClient = (message: unknown): void => {
      if ((message as { probeClient: string }).probeClient === "made") {
        made++;
        most = Math.max(most, ++held);
      } else held--;
    };
    subscribe(PROBES.name, onClient);
    try {
      const resolution = await resolveDestinations(ctx, inventory, sessions);
      expect(resolution.heads.size).toBe(2 * ACCOUNTS * REGIONS.length);
      for (const answer of resolution.heads.values()) expect(answer).toEqual({ exists: false, region: null, error: null });
      expect(made, "one client per source account and Region").toBe(ACCOUNTS * REGIONS.length);
      expect(held, "every client dropped after its pair's last probe").toBe(0);
      expect(most, "clients held at once").toBeLessThanOrEqual(IN_FLIGHT + 1);
    } finally {
      unsubscribe(PROBES.name, onClient);
      ctx.factory.close();
    }
  });
});
