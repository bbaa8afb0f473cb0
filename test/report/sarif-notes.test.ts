/**
 * The SARIF's notifications of partly read buckets and `error` results wait in a temporary file
 * beside the report, not in memory, until the run head is written after the results (at 1,000,000
 * buckets they were hundreds of thousands of objects held to the end); the file is removed when the
 * report is written, and the report's bytes are what the in-memory lists gave (render-reference.test.ts
 * checks the digests; here, the notifications' order).
 */
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { SnapshotRecord } from "../../src/model/index.js";
import { snapshotRecords } from "../../src/report/index.js";
import { ReportFileWriter } from "../../src/report/output-stream.js";
import { accountNotifications, bucketNotifications, errorResultNotification } from "../../src/report/sarif.js";
import { SarifSink, SharedCatalog } from "../../src/report/stream-sinks.js";
import { SpilledNotes } from "../../src/report/sarif-notes.js";
import { POLICY_INFOS } from "../support/report-fixture.js";

const GENERATED = fileURLToPath(new URL("fixtures/generated-4x25.json.gz", import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("the SARIF's notifications", () => {
  it("come out in order (accounts, buckets, error results), and their temporary files are gone", async () => {
    const dir = await mkdtemp(join(tmpdir(), "replguard-sarif-notes-"));
    dirs.push(dir);
    const file = join(dir, "results.sarif");
    const catalog = new SharedCatalog(POLICY_INFOS);
    const sink = new SarifSink(new ReportFileWriter(file), catalog, undefined);
    const expected = { accounts: [] as unknown[], buckets: [] as unknown[], errors: [] as unknown[] };
    let finishedAt = "";
    for await (const record of snapshotRecords(GENERATED) as AsyncIterable<SnapshotRecord>) {
      catalog.add(record);
      if (record.record === "header") finishedAt = record.scan.finishedAt;
      else if (record.record === "account") expected.accounts.push(...accountNotifications(record.account, finishedAt));
      else if (record.record === "bucket") expected.buckets.push(...bucketNotifications(record.bucket, finishedAt));
      else if (record.record === "result" && record.result.status === "error") expected.errors.push(errorResultNotification(record.result, finishedAt));
      await sink.add(record);
    }
    await sink.finish();
    expect(expected.buckets.length).toBeGreaterThan(0);
    expect(expected.errors.length).toBeGreaterThan(0);
    const sarif = JSON.parse(await readFile(file, "utf8")) as { runs: { invocations: { toolExecutionNotifications: unknown[] }[] }[] };
    expect(sarif.runs[0]!.invocations[0]!.toolExecutionNotifications).toEqual([...expected.accounts, ...expected.buckets, ...expected.errors]);
    expect(await readdir(dir)).toEqual(["results.sarif"]);
  });

  it("are on disk, not in memory, as they come (all but the last batch), and are written as JSON.stringify would", async () => {
    const dir = await mkdtemp(join(tmpdir(), "replguard-sarif-notes-"));
    dirs.push(dir);
    const notes = new SpilledNotes(join(dir, "results.sarif"));
    notes.accounts.push({ message: { text: "an account" } });
    const bucketNotes = Array.from({ length: 300 }, (_, i) => ({ message: { text: `bucket ${i} ${"é".repeat(1000)}` } }));
    const errorNotes = Array.from({ length: 300 }, (_, i) => ({ message: { text: `error ${i} ${"x".repeat(1000)}` }, level: "error" }));
    notes.bucket(bucketNotes);
    for (const note of errorNotes) notes.error(note);
    const spilled = await Promise.all((await readdir(dir)).map(async (name) => (await stat(join(dir, name))).size));
    const total = [...bucketNotes, ...errorNotes].reduce((sum, note) => sum + Buffer.byteLength(`,${JSON.stringify(note)}`), 0);
    // Each lane keeps at most one batch (64 Ki characters) in memory.
    expect(spilled.reduce((a, b) => a + b, 0)).toBeGreaterThan(total - 2 * 3 * 64 * 1024);
    expect(notes.errorCount).toBe(300);
    const head = { before: "\u0000", invocations: [{ toolExecutionNotifications: notes.placeholder }], after: 1 };
    let text = "";
    await notes.write(JSON.stringify(head), { write: async (chunk) => void (text += chunk) });
    expect(text).toBe(JSON.stringify({ ...head, invocations: [{ toolExecutionNotifications: [...notes.accounts, ...bucketNotes, ...errorNotes] }] }));
    await notes.discard();
    expect(await readdir(dir)).toEqual([]);
  });
});
