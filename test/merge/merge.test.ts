/**
 * A sharded run merged equals the whole run: the demo and a small generated organization, audited
 * once whole and once as four shards (`scan.shard`), then `merge`d: same accounts, buckets, results,
 * fingerprints and reports apart from timestamps. Also what merge refuses.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit, type AuditResult } from "../../src/audit/index.js";
import { ExitCode, UsageError } from "../../src/errors.js";
import { merge, type MergeResult } from "../../src/merge/index.js";
import { ACCESS_FACTS, FACTS } from "../../src/model/index.js";
import type { LoadOptions } from "../../src/policy/index.js";
import { readSnapshot, REPORT_FILE_NAMES, REPORT_FORMATS, writeSnapshotJson } from "../../src/report/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { asVersion12 } from "../support/documents-v1.js";
import { tempDir } from "../support/temp-dir.js";

const SHARDS = 4;
const now = new Date("2026-01-01T00:00:00Z");

interface Runs {
  whole: AuditResult;
  shards: AuditResult[];
  shardFiles: string[];
  merged: MergeResult;
  wholeDir: string;
  mergedDir: string;
}

/**
 * The access policies (IAM, bucket and key policies) of a destination in another shard's account
 * cannot be decided by a sharded run (they are `error` after the merge, see the last test), so the
 * exact-equality runs load the baseline pack, which has none of them.
 */
async function runBoth(sandbox: Sandbox, root: string, policies: LoadOptions = { packs: ["baseline"] }): Promise<Runs> {
  const scan = { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region };
  const wholeDir = join(root, "whole");
  const whole = await audit({ scan, outDir: wholeDir, now, policies });
  const shards: AuditResult[] = [];
  const shardFiles: string[] = [];
  for (let index = 0; index < SHARDS; index++) {
    const outDir = join(root, `shard-${index}`);
    shards.push(await audit({ scan: { ...scan, shard: { index, count: SHARDS } }, outDir, formats: ["json"], now, policies }));
    shardFiles.push(join(outDir, "snapshot.json"));
  }
  const mergedDir = join(root, "merged");
  const merged = await merge({ snapshots: [...shardFiles].reverse(), outDir: mergedDir, now, policies });
  return { whole, shards, shardFiles, merged, wholeDir, mergedDir };
}

/** What may differ between two runs of the same organization: when they ran, and how many calls it took. */
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g;
const withoutRunFacts = (text: string): string => text.replace(ISO, "<time>").replace(/<time> \([0-9.]+m?s\)/g, "<time>").replace(/"retries":\s*\{[^}]*\}/g, '"retries":{}');

function expectEqualRuns(runs: Runs): void {
  const { whole, merged } = runs;
  expect(merged.snapshot.accounts).toEqual(whole.snapshot.accounts);
  expect(merged.snapshot.buckets).toEqual(whole.snapshot.buckets);
  expect(merged.snapshot.results).toEqual(whole.snapshot.results);
  expect(merged.snapshot.coverage).toEqual(whole.snapshot.coverage);
  expect(merged.snapshot.configHash).toBe(whole.snapshot.configHash);
  expect(merged.summary).toEqual(whole.summary);
  expect(merged.exitCode).toBe(whole.exitCode);
  const { startedAt: _a, finishedAt: _b, retries: _c, ...wholeScan } = whole.snapshot.scan;
  const { startedAt: _d, finishedAt: _e, retries: _f, ...mergedScan } = merged.snapshot.scan;
  expect(mergedScan).toEqual(wholeScan);
}

async function expectEqualReports(runs: Runs): Promise<void> {
  for (const format of REPORT_FORMATS) {
    const name = REPORT_FILE_NAMES[format];
    const [a, b] = await Promise.all([readFile(join(runs.wholeDir, name), "utf8"), readFile(join(runs.mergedDir, name), "utf8")]);
    expect(withoutRunFacts(b), name).toBe(withoutRunFacts(a));
  }
}

describe("merge", () => {
  let demo: Sandbox;
  let generated: Sandbox;
  let demoRuns: Runs;
  let generatedRuns: Runs;
  let temp: { dir: string; cleanup: () => Promise<void> };
  let made = 0;
  const fresh = (): string => join(temp.dir, `run-${made++}`);

  beforeAll(async () => {
    temp = await tempDir("merge");
    demo = await startSandbox({ scenario: "demo" });
    generated = await startSandbox({ generate: { accounts: 8, buckets: 4, seed: 3 } });
    demoRuns = await runBoth(demo, fresh());
    generatedRuns = await runBoth(generated, fresh());
  }, 120_000);
  afterAll(async () => {
    await demo?.close();
    await generated?.close();
    await temp?.cleanup();
  });

  it("gives every in-scope account to exactly one shard", () => {
    for (const runs of [demoRuns, generatedRuns]) {
      const scannedBy = runs.shards.flatMap((s) => s.snapshot.accounts.filter((a) => a.scope === "in-scope").map((a) => a.id));
      const inScope = runs.whole.snapshot.accounts.filter((a) => a.scope === "in-scope").map((a) => a.id);
      expect([...scannedBy].sort()).toEqual([...inScope].sort());
      expect(runs.shards.filter((s) => s.snapshot.buckets.length > 0).length).toBeGreaterThan(1);
    }
  });

  it("leaves destinations in other shards unresolved (never pass) until the merge", () => {
    for (const runs of [demoRuns, generatedRuns]) {
      const pending = runs.shards.flatMap((s) => s.snapshot.scan.shard?.pendingDestinations ?? []);
      expect(pending.length).toBeGreaterThan(0);
      for (const shard of runs.shards) {
        for (const doc of shard.snapshot.buckets) {
          for (const rule of doc.replication?.rules ?? []) {
            if (!shard.snapshot.scan.shard!.pendingDestinations.includes(rule.destination.bucket)) continue;
            expect(rule.destination.resolved).toBe(false);
            expect(rule.destination.resolution).not.toBe("resolved");
          }
        }
      }
    }
  });

  it("merges four shards of the demo into exactly the whole run", async () => {
    expectEqualRuns(demoRuns);
    await expectEqualReports(demoRuns);
  });

  it("merges four shards of a generated organization into exactly the whole run", async () => {
    expect(generatedRuns.whole.snapshot.buckets.some((b) => b.isReplicaDestination)).toBe(true);
    expectEqualRuns(generatedRuns);
    await expectEqualReports(generatedRuns);
  });

  it("reports an account its shard never listed as in scope and not scanned (exit 3), never as excluded", async () => {
    const files = [...demoRuns.shardFiles];
    const owner = demoRuns.shards.findIndex((s) => s.snapshot.accounts.some((a) => a.scope === "in-scope" && a.scan === "scanned" && s.snapshot.buckets.some((b) => b.account.id === a.id)));
    const shard = await readSnapshot(files[owner]!);
    const gone = shard.accounts.find((a) => a.scope === "in-scope" && a.scan === "scanned")!;
    shard.accounts = shard.accounts.filter((a) => a.id !== gone.id);
    shard.buckets = shard.buckets.filter((b) => b.account.id !== gone.id);
    files[owner] = join(fresh(), "..", `late-${owner}.json`);
    await writeSnapshotJson(shard, files[owner]!);
    const result = await merge({ snapshots: files, outDir: fresh(), formats: [], now, policies: { packs: ["baseline"] } });
    const record = result.snapshot.accounts.find((a) => a.id === gone.id);
    expect(record).toMatchObject({ scope: "in-scope", scan: "not-scanned", scopeReason: null });
    expect(record?.errors.at(-1)).toMatchObject({ operation: "ListAccounts", code: "NotListedByShard" });
    expect(result.snapshot.coverage.complete).toBe(false);
    expect(result.exitCode).toBe(ExitCode.Incomplete);
  });

  it("says which shard is missing", async () => {
    const files = demoRuns.shardFiles;
    await expect(merge({ snapshots: [files[0]!, files[1]!, files[3]!], outDir: join(fresh(), "m"), formats: [] })).rejects.toThrow(
      new UsageError("shard 2/4 missing (given: 0, 1, 3): a merge needs every shard of the run"),
    );
  });

  it("refuses shards of different configurations or policy sets, naming the files", async () => {
    const [a, b] = [demoRuns.shardFiles[0]!, generatedRuns.shardFiles[1]!];
    await expect(merge({ snapshots: [a, b], outDir: join(fresh(), "m"), formats: [] })).rejects.toThrow(/come from different configurations/);
    const error = await merge({ snapshots: [a, b], outDir: join(fresh(), "m"), formats: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(a);
    expect((error as Error).message).toContain(b);
    const whole = join(demoRuns.wholeDir, "snapshot.json");
    await expect(merge({ snapshots: [whole], outDir: join(fresh(), "m"), formats: [] })).rejects.toThrow(/not a shard's snapshot/);
  });

  it("refuses a shard of 1.x bucket documents, naming its file", async () => {
    const files = [...demoRuns.shardFiles];
    const owner = demoRuns.shards.findIndex((s) => s.snapshot.buckets.length > 0);
    const shard = await readSnapshot(files[owner]!);
    files[owner] = join(fresh(), "..", `v1-${owner}.json`);
    await writeSnapshotJson({ ...shard, bucketDocumentSchemaVersion: "1.2.0", buckets: asVersion12(shard.buckets) }, files[owner]!);
    const error = await merge({ snapshots: files, outDir: fresh(), formats: [], now, policies: { packs: ["baseline"] } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(`${files[owner]}: its bucket documents are version 1.2.0; this replguard merges 2.x documents only: run that shard again with this replguard (docs/scale.md)`);
  });

  it("never decides an access policy on a destination in another shard: the merged result is `error`, all else equal", async () => {
    const runs = await runBoth(generated, fresh(), {});
    const key = (r: { bucket: string; policyId: string }): string => `${r.bucket} ${r.policyId}`;
    const whole = new Map(runs.whole.snapshot.results.map((r) => [key(r), r]));
    let undecided = 0;
    expect(runs.merged.snapshot.results.map(key).sort()).toEqual([...whole.keys()].sort());
    for (const result of runs.merged.snapshot.results) {
      const before = whole.get(key(result))!;
      if (result.status === before.status) continue;
      expect(result.status, key(result)).toBe("error");
      // The message names the access fact that stayed unread (the destination fields of FACTS' access entries).
      const fields = ACCESS_FACTS.flatMap((fact) => [...FACTS[fact].destination]);
      expect(fields.some((field) => result.message.includes(field)), result.message).toBe(true);
      undecided++;
    }
    expect(undecided).toBeGreaterThan(0);
  });
});
