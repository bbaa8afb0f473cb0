/**
 * The HTML page from one reading of the snapshot (src/report/html-stream.ts, html-body.ts) gives
 * the bytes the two-pass renderer gave (test/support/html-two-pass.ts, the code it replaced), in
 * each of the page's three listings (detailed, one line per clean bucket, findings by account),
 * with results whose bucket document is absent, from a plain file (its trailer's count read
 * first), a gzipped one (count unknown until the end) and memory; and its spill files are gone
 * afterwards, also when the reading or the writing fails.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SnapshotError } from "../../src/errors.js";
import type { PolicyResult, Snapshot, SnapshotRecord } from "../../src/model/index.js";
import { buildPolicyCatalog } from "../../src/report/policy-catalog.js";
import { trailerBuckets } from "../../src/report/from-snapshot.js";
import { HtmlRenderer } from "../../src/report/html-stream.js";
import {
  interruptReportWrites,
  readSnapshot,
  recordsOfSnapshot,
  renderHtmlString,
  snapshotRecords,
  writeReportsFromRecords,
  writeReportsFromSnapshot,
  writeSnapshotJson,
} from "../../src/report/index.js";
import type { HtmlOptions } from "../../src/report/types.js";
import { renderHtmlRecords as renderTwoPass } from "../support/html-two-pass.js";
import { POLICY_INFOS } from "../support/report-fixture.js";
import { tempDir } from "../support/temp-dir.js";

const GENERATED = new URL("fixtures/generated-4x25.json.gz", import.meta.url).pathname;
/** Each listing of the page for the 100 buckets (the first: the defaults), and limits the other way round. */
const LISTINGS: Record<string, HtmlOptions> = {
  detailed: {},
  listed: { detailedBucketLimit: 10 },
  // The detailed limit above the listed one too.
  findings: { detailedBucketLimit: 50, listedBucketLimit: 10 },
  // 100 buckets in the file: findings; 98 with the orphans: detailed.
  "at the limits": { detailedBucketLimit: 99, listedBucketLimit: 99 },
};

let dir: string;
let cleanup: () => Promise<void>;
let snapshot: Snapshot;
/** The generated organization without two bucket documents (their results stay), and a result of an account with no bucket. */
let orphans: Snapshot;
const files: { gzip?: string; plain?: string; orphans?: string } = {};
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("one-pass"));
  snapshot = await readSnapshot(GENERATED);
  const dropped = new Set([snapshot.buckets[3]!.arn, snapshot.buckets[60]!.arn]);
  const stray = snapshot.results.find((r) => r.status === "fail")!;
  const elsewhere: PolicyResult = { ...stray, accountId: "999999999999", bucket: "gone-bucket", bucketArn: "arn:aws:s3:::gone-bucket" };
  orphans = { ...snapshot, buckets: snapshot.buckets.filter((b) => !dropped.has(b.arn)), results: [...snapshot.results, elsewhere] };
  files.gzip = GENERATED;
  files.plain = join(dir, "generated.json");
  await pipeline(createReadStream(GENERATED), createGunzip(), createWriteStream(files.plain));
  files.orphans = join(dir, "orphans.json");
  await writeSnapshotJson(orphans, files.orphans);
});
afterAll(() => cleanup());

const catalogs = new Map<string, ReturnType<typeof buildPolicyCatalog>>();
/** The page the two-pass renderer writes for the file, with the catalog the report's pass builds. */
async function twoPass(file: string, options: HtmlOptions): Promise<string> {
  if (!catalogs.has(file)) catalogs.set(file, buildPolicyCatalog(await readSnapshot(file), POLICY_INFOS));
  const policies = catalogs.get(file)!;
  const chunks: string[] = [];
  await renderTwoPass(() => snapshotRecords(file), policies, async (chunk) => void chunks.push(chunk), options);
  return chunks.join("");
}

async function onePass(file: string, options: HtmlOptions, name: string): Promise<string> {
  const outDir = join(dir, name);
  await writeReportsFromSnapshot(file, { outDir, formats: ["html"], policies: POLICY_INFOS, html: options, threads: false });
  // Only the report: its spill files are removed.
  expect(await readdir(outDir)).toEqual(["report.html"]);
  return readFile(join(outDir, "report.html"), "utf8");
}

describe("report/html in one pass", () => {
  it("writes the bytes of the two-pass renderer in each listing, from a plain file, a gzipped one and memory", async () => {
    // In memory the spill files go to the system's temporary folder.
    const memory = join(dir, "memory");
    await mkdir(memory, { recursive: true });
    const memoryPolicies = buildPolicyCatalog(orphans, POLICY_INFOS);
    for (const [listing, options] of Object.entries(LISTINGS)) {
      const name = listing.replace(/\W+/g, "-");
      // The same organization from a plain file (its count known first) and gzipped (known at the end).
      const expected = await twoPass(files.plain!, options);
      expect(await onePass(files.plain!, options, `${name}-plain`), `${listing}, plain`).toBe(expected);
      expect(await onePass(files.gzip!, options, `${name}-gzip`), `${listing}, gzip`).toBe(expected);
      // Results without their bucket document, from a file and from memory.
      const withOrphans = await twoPass(files.orphans!, options);
      expect(await onePass(files.orphans!, options, `${name}-orphans`), `${listing}, orphans`).toBe(withOrphans);
      vi.stubEnv("TMPDIR", memory);
      expect(await renderHtmlString(orphans, memoryPolicies, options), `${listing}, in memory`).toBe(withOrphans);
      vi.unstubAllEnvs();
      expect(await readdir(memory), "no spill file left in the temporary folder").toEqual([]);
    }
    // The placeholders and the findings lines are really there.
    const findings = await readFile(join(dir, "findings-orphans", "report.html"), "utf8");
    expect(findings).toContain('class="findings fail"');
    expect(findings).toContain("gone-bucket");
  });

  it("reads the records once", async () => {
    let readings = 0;
    const records = (): AsyncIterable<SnapshotRecord> => {
      readings++;
      return snapshotRecords(files.plain!);
    };
    await writeReportsFromRecords(records, null, { outDir: join(dir, "once"), formats: ["html"], policies: POLICY_INFOS });
    expect(readings).toBe(1);
  });

  it("reads the bucket count from an uncompressed file's trailer, and nothing from a gzipped or 1.x one", async () => {
    expect(await trailerBuckets(files.plain!)).toBe(100);
    expect(await trailerBuckets(files.orphans!)).toBe(98);
    expect(await trailerBuckets(files.gzip!)).toBeUndefined();
    const legacy = join(dir, "legacy.json");
    await writeFile(legacy, `${JSON.stringify({ schemaVersion: "1.0.0" }, null, 2)}\n`);
    expect(await trailerBuckets(legacy)).toBeUndefined();
    expect(await trailerBuckets(join(dir, "missing.json"))).toBeUndefined();
  });

  it("refuses a trailer whose count is not the file's, leaving no file behind", async () => {
    const text = await readFile(files.plain!, "utf8");
    const lying = join(dir, "lying.json");
    // The trailer says 10 buckets: the page would keep the wrong listing; the reader refuses the file.
    await writeFile(lying, text.replace(/"counts":\{"accounts":(\d+),"buckets":100,/, '"counts":{"accounts":$1,"buckets":10,'));
    expect(await trailerBuckets(lying)).toBe(10);
    const outDir = join(dir, "lying");
    await expect(writeReportsFromSnapshot(lying, { outDir, formats: ["html"], policies: POLICY_INFOS, threads: false })).rejects.toThrow(SnapshotError);
    expect(await readdir(outDir)).toEqual([]);
  });

  it("removes its spill files when the records fail midway", async () => {
    const text = await readFile(files.plain!, "utf8");
    const cut = join(dir, "cut.json");
    await writeFile(cut, text.slice(0, Math.floor(text.length * 0.7)));
    const outDir = join(dir, "cut");
    await expect(writeReportsFromSnapshot(cut, { outDir, formats: ["html"], policies: POLICY_INFOS, threads: false })).rejects.toThrow(/truncated/);
    expect(await readdir(outDir)).toEqual([]);
  });

  it("removes its spill files when writing the page fails, and on an interrupt", async () => {
    const folder = join(dir, "failing");
    await mkdir(folder);
    const policies = buildPolicyCatalog(snapshot, POLICY_INFOS);
    const renderer = new HtmlRenderer(join(folder, "report.html"), new Map(policies.map((p) => [p.id, p])));
    for (const record of recordsOfSnapshot(snapshot)) renderer.add(record);
    expect((await readdir(folder)).length, "a spill file while reading").toBeGreaterThan(0);
    let writes = 0;
    const failing = async (): Promise<void> => {
      if (++writes > 3) throw new Error("disk full");
    };
    await expect(renderer.finish(policies, { write: failing, writeBytes: failing })).rejects.toThrow("disk full");
    expect(await readdir(folder)).toEqual([]);

    const interrupted = new HtmlRenderer(join(folder, "report.html"), new Map(policies.map((p) => [p.id, p])));
    for (const record of recordsOfSnapshot(snapshot)) interrupted.add(record);
    expect((await readdir(folder)).length).toBeGreaterThan(0);
    interruptReportWrites();
    expect(await readdir(folder)).toEqual([]);
    await interrupted.abort();
  });
});
