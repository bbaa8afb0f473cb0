/**
 * The audit renders its reports on two threads by default once the snapshot is large (issue #15),
 * and lets go of the scan's leftovers before they start. A large snapshot (32 MiB, ~3,000 buckets)
 * would make this test slow: REPLGUARD_REPORT_THREADS_MIN_BYTES lowers the size instead, so the
 * demo's snapshot counts as large; which thread rendered what is read from the diagnostics channel
 * `replguard:report-thread`.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { audit, type AuditResult } from "../../src/audit/index.js";
import { collectBeforeReportWorker } from "../../src/audit/release.js";
import { UsageError } from "../../src/errors.js";
import { decisionMemoStats } from "../../src/policy/iam/evaluate.js";
import { REPORT_THREADS_MIN_BYTES, useReportThreads } from "../../src/report/render-threads.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { tempDir } from "../support/temp-dir.js";

let dir: string;
let cleanup: () => Promise<void>;
let sandbox: Sandbox;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("render-threads-audit"));
  sandbox = await startSandbox({ scenario: "demo" });
});
afterAll(async () => {
  await sandbox.close();
  await cleanup();
});

const SETTINGS = ["REPLGUARD_REPORT_THREADS", "REPLGUARD_REPORT_THREADS_MIN_BYTES"] as const;
const saved = Object.fromEntries(SETTINGS.map((name) => [name, process.env[name]]));
afterEach(() => {
  for (const name of SETTINGS) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});
const setting = (values: Partial<Record<(typeof SETTINGS)[number], string>>): void => {
  for (const name of SETTINGS) {
    if (values[name] === undefined) delete process.env[name];
    else process.env[name] = values[name];
  }
};

interface Observed {
  events: { thread: string; event: string; formats: string[] }[];
  /** Questions the IAM decision memo was asked during this audit (its counts outlive its answers), and the answers it holds, as the main thread's reports start. */
  askedAtReports: number;
  memoAtReports: number | null;
  result: AuditResult;
}

async function observedAudit(name: string): Promise<Observed> {
  const observed: Omit<Observed, "result"> = { events: [], askedAtReports: 0, memoAtReports: null };
  const before = decisionMemoStats();
  const listener = (message: unknown): void => {
    const event = message as Observed["events"][number];
    observed.events.push(event);
    if (event.thread === "main" && event.event === "start") {
      const stats = decisionMemoStats();
      observed.memoAtReports = stats.size;
      observed.askedAtReports = stats.hits + stats.misses - (before.hits + before.misses);
    }
  };
  subscribe("replguard:report-thread", listener);
  try {
    const result = await audit({
      scan: { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region },
      outDir: join(dir, name),
      formats: ["html", "csv", "sarif"],
    });
    return { ...observed, result };
  } finally {
    unsubscribe("replguard:report-thread", listener);
  }
}

describe("audit: the reports on two threads", () => {
  it("uses the worker by default for a large snapshot, after letting go of the scan's decision memo", async () => {
    setting({ REPLGUARD_REPORT_THREADS_MIN_BYTES: "1" });
    const { events, askedAtReports, memoAtReports, result } = await observedAudit("default");
    expect(events.map(({ thread, event }) => `${thread} ${event}`).slice(0, 2)).toEqual(["worker start", "main start"]);
    expect(events.find((e) => e.thread === "worker")?.formats).toEqual(["csv", "sarif"]);
    expect(events.find((e) => e.thread === "main")?.formats).toEqual(["html"]);
    expect(result.reports.map((report) => report.format)).toEqual(["html", "csv", "sarif"]);
    // The access pass filled the memo (the scan released it after the pass: memory-bounds.test.ts); nothing of it is left once the reports begin.
    expect(askedAtReports).toBeGreaterThan(0);
    expect(memoAtReports).toBe(0);
  });

  it("renders on one thread with REPLGUARD_REPORT_THREADS=0, whatever the size", async () => {
    setting({ REPLGUARD_REPORT_THREADS: "0", REPLGUARD_REPORT_THREADS_MIN_BYTES: "1" });
    const { events } = await observedAudit("one-thread");
    expect(events).toEqual([
      { thread: "main", event: "start", formats: ["html", "csv", "sarif"] },
      { thread: "main", event: "end", formats: ["html", "csv", "sarif"] },
    ]);
  });

  it("collects what nothing holds any more before the worker starts", async () => {
    let ref: WeakRef<object> | undefined;
    (() => void (ref = new WeakRef({ rows: new Array(10_000).fill("row") })))();
    // A WeakRef's target stays alive until the job that made it ends.
    await new Promise((resolve) => setImmediate(resolve));
    collectBeforeReportWorker();
    expect(ref!.deref()).toBeUndefined();
  });

  it("decides by the snapshot's size: 32 MiB by default, REPLGUARD_REPORT_THREADS_MIN_BYTES otherwise, refusing a bad value", async () => {
    const file = join(dir, "small.json");
    await writeFile(file, "x".repeat(1000));
    setting({});
    expect(REPORT_THREADS_MIN_BYTES).toBe(32 * 2 ** 20);
    expect(await useReportThreads(file, undefined)).toBe(false);
    setting({ REPLGUARD_REPORT_THREADS_MIN_BYTES: "1000" });
    expect(await useReportThreads(file, undefined)).toBe(true);
    setting({ REPLGUARD_REPORT_THREADS_MIN_BYTES: "1001" });
    expect(await useReportThreads(file, undefined)).toBe(false);
    setting({ REPLGUARD_REPORT_THREADS: "1", REPLGUARD_REPORT_THREADS_MIN_BYTES: "1001" });
    expect(await useReportThreads(file, undefined)).toBe(true);
    setting({ REPLGUARD_REPORT_THREADS_MIN_BYTES: "lots" });
    await expect(useReportThreads(file, undefined)).rejects.toThrow(UsageError);
    // The audit refuses it before scanning (no endpoint answers here: a scan would fail otherwise).
    await expect(audit({ scan: { endpoint: "http://127.0.0.1:9", region: "us-east-1" }, outDir: join(dir, "refused") })).rejects.toThrow(/REPLGUARD_REPORT_THREADS_MIN_BYTES must be a whole number of bytes, got "lots"/);
    setting({ REPLGUARD_REPORT_THREADS: "two" });
    await expect(useReportThreads(file, undefined)).rejects.toThrow('REPLGUARD_REPORT_THREADS must be 0 or 1, got "two"');
    await expect(audit({ scan: { endpoint: "http://127.0.0.1:9", region: "us-east-1" }, outDir: join(dir, "refused") })).rejects.toThrow('REPLGUARD_REPORT_THREADS must be 0 or 1, got "two"');
  });
});
