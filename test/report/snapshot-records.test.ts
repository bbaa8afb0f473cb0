import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSnapshot, writeSnapshotJson } from "../../src/report/index.js";
import { snapshotRecords } from "../../src/report/snapshot-records.js";
import { buildSnapshot } from "../support/report-fixture.js";
import { tempDir } from "../support/temp-dir.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir("snapshot-records")));
afterAll(() => cleanup());

const lines = async (file: string): Promise<string[]> => (await readFile(file, "utf8")).trimEnd().split("\n");

describe("report/snapshot records (format 2.x)", () => {
  it("round-trips through gzip, read back by the same reader as a plain file", async () => {
    const plain = join(dir, "snapshot.json");
    const gz = join(dir, "snapshot.json.gz");
    await writeSnapshotJson(buildSnapshot(), plain);
    await writeSnapshotJson(buildSnapshot(), gz, { gzip: true });
    const bytes = await readFile(gz);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(bytes).toString("utf8")).toBe(await readFile(plain, "utf8"));
    expect(await readSnapshot(gz)).toEqual(await readSnapshot(plain));
  });

  it("reads a gzipped 1.x document", async () => {
    const file = join(dir, "old.json.gz");
    await writeFile(file, gzipSync(JSON.stringify(buildSnapshot())));
    expect(await readSnapshot(file)).toEqual(buildSnapshot());
  });

  it("refuses a gzip file cut short, saying it is truncated", async () => {
    const gz = join(dir, "cut.json.gz");
    await writeSnapshotJson(buildSnapshot(), gz, { gzip: true });
    const bytes = await readFile(gz);
    await writeFile(gz, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(readSnapshot(gz)).rejects.toMatchObject({ name: "SnapshotError", exitCode: 2, message: expect.stringContaining("truncated") as unknown });
  });

  it("refuses a file cut at a line end (no trailer), and one whose trailer counts more records than it holds", async () => {
    const file = join(dir, "snapshot.json");
    await writeSnapshotJson(buildSnapshot(), file);
    const all = await lines(file);
    const cut = join(dir, "cut-at-line.json");
    await writeFile(cut, `${all.slice(0, -3).join("\n")}\n`);
    await expect(readSnapshot(cut)).rejects.toThrow(`${cut}: the file is truncated: it ends at line ${all.length - 3}`);
    const missing = join(dir, "missing-record.json");
    await writeFile(missing, `${[...all.slice(0, -3), ...all.slice(-2)].join("\n")}\n`);
    await expect(readSnapshot(missing)).rejects.toThrow(/the trailer counts \d+ buckets and \d+ results but the file holds/);
  });

  it("refuses records out of order, another major version in the header, and an invalid record, naming the line", async () => {
    const file = join(dir, "snapshot.json");
    await writeSnapshotJson(buildSnapshot(), file);
    const all = await lines(file);
    const accountLine = all.findIndex((l) => l.startsWith('{"record":"account"'));
    const late = join(dir, "late-account.json");
    await writeFile(late, `${[...all.slice(0, accountLine), ...all.slice(accountLine + 1, -1), all[accountLine], all.at(-1)].join("\n")}\n`);
    await expect(readSnapshot(late)).rejects.toThrow(/late-account\.json:\d+: a account record out of order/);

    const future = join(dir, "future.json");
    await writeFile(future, `${[all[0]!.replace('"schemaVersion":"2.1.0"', '"schemaVersion":"3.0.0"'), ...all.slice(1)].join("\n")}\n`);
    await expect(readSnapshot(future)).rejects.toMatchObject({ message: `${future}: snapshot format 3.0.0 is not readable by this replguard (it reads 1.x and 2.x)`, location: { file: future, pointer: "/schemaVersion" } });

    const bad = join(dir, "bad-result.json");
    const resultLine = all.findIndex((l) => l.startsWith('{"record":"result"'));
    all[resultLine] = all[resultLine]!.replace(/"severity":"[a-z]+"/, '"severity":"urgent"');
    await writeFile(bad, `${all.join("\n")}\n`);
    await expect(readSnapshot(bad)).rejects.toThrow(`${bad}:${resultLine + 1}: invalid snapshot record at /result/severity`);
  });

  it("tells a bad line that ends a chunk read from the file, with more lines after it, from a last line cut short", async () => {
    const file = join(dir, "snapshot.json");
    await writeSnapshotJson(buildSnapshot(), file);
    const all = await lines(file);
    // Blank lines (skipped) pad the bad line so that it ends exactly where the reader's first 64 KiB chunk does.
    const badLine = '{"record":"result","result":{';
    const pad = 65536 - Buffer.byteLength(`${all[0]}\n`) - 1 - Buffer.byteLength(`${badLine}\n`);
    const corrupt = join(dir, "corrupt-at-chunk-end.json");
    await writeFile(corrupt, `${[all[0], " ".repeat(pad), badLine, ...all.slice(1)].join("\n")}\n`);
    expect((await readFile(corrupt)).subarray(0, 65536).toString("utf8").endsWith(`${badLine}\n`)).toBe(true);
    await expect(readSnapshot(corrupt)).rejects.toThrow(`${corrupt}:3: not valid JSON:`);
    const cut = join(dir, "cut-at-chunk-end.json");
    await writeFile(cut, `${[all[0], " ".repeat(pad), badLine].join("\n")}\n`);
    await expect(readSnapshot(cut)).rejects.toThrow(`${cut}: not valid JSON: line 3 is cut short: the file is truncated`);
  });

  it("hands each bucket's results right after the bucket, also for a 1.x document", async () => {
    const file = join(dir, "old-order.json");
    await writeFile(file, JSON.stringify(buildSnapshot()));
    let current: string | null = null;
    const seen: string[] = [];
    for await (const record of snapshotRecords(file)) {
      if (record.record === "bucket") current = record.bucket.arn;
      if (record.record === "result" && current !== null && record.result.bucketArn !== current) seen.push(record.result.bucketArn);
    }
    // Only results without a bucket document may follow another bucket, and none of those repeats a bucket seen.
    const arns = new Set(buildSnapshot().buckets.map((b) => b.arn));
    expect(seen.filter((arn) => arns.has(arn))).toEqual([]);
  });
});
