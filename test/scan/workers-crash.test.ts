import { describe, expect, it } from "vitest";
import { AwsClientFactory, createRequestLimiter } from "../../src/aws/index.js";
import { describeError } from "../../src/cli/exit.js";
import { ReplguardError } from "../../src/errors.js";
import type { AccountRecord } from "../../src/model/index.js";
import { DEFAULT_FACT_PLAN } from "../../src/scan/index.js";
import { ProgressTracker, type AccountSession, type ScanContext } from "../../src/scan/context.js";
import { DocumentSpool, type InventoryEntry } from "../../src/scan/spool.js";
import { scanAccountsInWorkers, workerCount } from "../../src/scan/workers.js";

const record = (id: string): AccountRecord => ({
  id, name: id, email: null, status: "ACTIVE", ouPath: "", tags: {}, scope: "in-scope", scopeReason: null, scan: "not-scanned", access: null, bucketCount: 0, errors: [],
});

describe("scan/workers: a worker thread that crashes", () => {
  it("fails the scan with one clear line and exit 4, never a partial result", async () => {
    const factory = new AwsClientFactory({ region: "us-east-1", maxAttempts: 1, maxSockets: 2 });
    const ctx: ScanContext = {
      factory,
      request: createRequestLimiter(2),
      caller: { accountId: "111111111111", credentials: () => Promise.resolve({ accessKeyId: "AKIA", secretAccessKey: "secret" }) },
      homeRegion: "us-east-1",
      singleAccount: false,
      roleName: "OrganizationAccountAccessRole",
      externalId: undefined,
      regions: null,
      plan: DEFAULT_FACT_PLAN,
      bucketsInFlight: 2,
      outOfScopeBuckets: new Map(),
      progress: new ProgressTracker(undefined),
    };
    const spool = new DocumentSpool();
    const sink = { spool, inventory: new Map<string, InventoryEntry>(), sessions: new Map<string, AccountSession>() };
    const accounts = [record("222222222222"), record("333333333333")];
    const options = { workers: 2, accountsInFlight: 2, requests: 2, endpoint: "http://127.0.0.1:9", maxAttempts: 1, entry: new URL("./workers-crash.fixture.js", import.meta.url) };
    try {
      const error = await scanAccountsInWorkers(ctx, accounts, options, sink).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ReplguardError);
      const described = describeError(error, false);
      expect(described.exitCode).toBe(4);
      expect(described.message).toMatch(/^replguard: a scan worker thread failed while scanning account \d{12} \(.+\); the scan is incomplete and no report was written$/);
      expect(described.message).not.toContain("\n");
      // Nothing of a crashed account reached the results.
      expect(sink.inventory.size).toBe(0);
      expect(accounts.every((a) => a.scan === "not-scanned")).toBe(true);
    } finally {
      await spool.close();
      factory.close();
    }
  });

  it("uses one thread for `auto` on one core's worth of accounts, and refuses 0", () => {
    expect(workerCount("auto", 1)).toBe(1);
    expect(workerCount(8, 3)).toBe(3);
    expect(workerCount(undefined, 100)).toBe(1);
    expect(() => workerCount(0, 5)).toThrow(/positive integer/);
  });
});
