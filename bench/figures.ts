/**
 * Figures the bench derives from a finished audit's snapshot file, each read as a stream (the
 * bench must not need the memory the audit saves): the fact plan's minimum calls, policy evaluation
 * time, and the HTML's first screen in headless Chromium.
 */
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { BucketDocument, FactName } from "../src/model/index.js";
import { evaluateBucket, loadPolicies, requiredFacts } from "../src/policy/index.js";
import { snapshotRecords } from "../src/report/index.js";

/**
 * The calls the fact plan needs for the buckets the snapshot holds, by operation: per bucket its
 * `all` facts (replication only when versioning was ever enabled), `replicating` facts where
 * replication is configured, `destinations` facts on each destination not already read, one
 * HeadBucket per destination outside the inventory; per account one ListBuckets.
 */
export async function minimumCalls(snapshotFile: string): Promise<Map<string, number>> {
  const plan = requiredFacts(await loadPolicies());
  const always = [...new Set<FactName>(["versioning", "replication", ...plan.all])];
  const calls = new Map<string, number>();
  const add = (operation: string, n = 1): void => void calls.set(operation, (calls.get(operation) ?? 0) + n);
  const CALL: Record<FactName, string> = {
    versioning: "GetBucketVersioning",
    replication: "GetBucketReplication",
    objectLock: "GetObjectLockConfiguration",
    encryption: "GetBucketEncryption",
    tags: "GetBucketTagging",
  } as Record<FactName, string>;
  const names = new Set<string>();
  const destinations = new Map<string, boolean>(); // name → needs destination facts
  const accounts = new Set<string>();
  for await (const record of snapshotRecords(snapshotFile, { validate: false })) {
    if (record.record === "account" && record.account.scan === "scanned") accounts.add(record.account.id);
    if (record.record !== "bucket") continue;
    const doc: BucketDocument = record.bucket;
    names.add(doc.name);
    for (const fact of always) {
      // Never-versioned buckets cannot replicate: their replication is not read (scan/facts.ts).
      if (fact === "replication" && doc.versioning?.status === "Disabled") continue;
      if (CALL[fact] !== undefined) add(CALL[fact]);
    }
    const rules = doc.replication?.rules ?? [];
    if (rules.length > 0) for (const fact of plan.replicating ?? []) if (CALL[fact] !== undefined) add(CALL[fact]);
    for (const rule of rules) destinations.set(rule.destination.bucket, true);
  }
  for (const name of destinations.keys()) {
    if (!names.has(name)) add("HeadBucket");
    else for (const fact of plan.destinations) if (!plan.all.includes(fact) && CALL[fact] !== undefined) add(CALL[fact]);
  }
  add("ListBuckets", accounts.size);
  return calls;
}

/** Seconds to evaluate every policy over every bucket document of the snapshot (reading excluded). */
export async function evaluationSeconds(snapshotFile: string): Promise<number> {
  const set = await loadPolicies();
  let spent = 0;
  const now = new Date();
  for await (const record of snapshotRecords(snapshotFile, { validate: false })) {
    if (record.record !== "bucket") continue;
    const started = performance.now();
    for (const _ of evaluateBucket(set, record.bucket, { suppressions: [], now })) void _;
    spent += performance.now() - started;
  }
  return spent / 1000;
}

const CHROMIUM = "/usr/bin/chromium";

/** Milliseconds until headless Chromium paints the report's first contentful screen, or null without Chromium. */
export async function htmlFirstScreenMs(htmlFile: string): Promise<number | null> {
  if (!existsSync(CHROMIUM)) return null;
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage();
    const started = performance.now();
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: "commit", timeout: 300_000 });
    await page.waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length > 0, undefined, { timeout: 300_000, polling: 50 });
    return Math.round(performance.now() - started);
  } finally {
    await browser.close();
  }
}
