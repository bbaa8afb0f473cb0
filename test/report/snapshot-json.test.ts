import { execFileSync } from "node:child_process";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SnapshotError } from "../../src/errors.js";
import { SNAPSHOT_SCHEMA_VERSION, bucketOrder, type Snapshot } from "../../src/model/index.js";
import { readSnapshot, validateSnapshot, writeSnapshotJson } from "../../src/report/index.js";
import { buildSnapshot } from "../support/report-fixture.js";
import { tempDir } from "../support/temp-dir.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir("snapshot")));
afterAll(() => cleanup());

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

/** A snapshot with `mutate` applied to a deep copy of the fixture. */
const broken = (mutate: (s: Record<string, any>) => void): unknown => { // eslint-disable-line @typescript-eslint/no-explicit-any
  const copy = structuredClone(buildSnapshot()) as unknown as Record<string, unknown>;
  mutate(copy);
  return copy;
};

/** What a 2.x file gives back: this format's version, buckets in (account, name) order, each followed by its results. */
function asWritten(snapshot: Snapshot): Snapshot {
  const buckets = [...snapshot.buckets].sort(bucketOrder);
  const arns = buckets.map((b) => b.arn);
  const rank = (arn: string): number => (arns.includes(arn) ? arns.indexOf(arn) : arns.length);
  const results = snapshot.results.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r.bucketArn) - rank(b.r.bucketArn) || a.i - b.i).map(({ r }) => r);
  return { ...snapshot, schemaVersion: SNAPSHOT_SCHEMA_VERSION, buckets, results };
}

describe("report/validateSnapshot", () => {
  it("accepts the fixture snapshot (accounts, bucket documents, all five statuses)", () => {
    const snapshot = buildSnapshot();
    expect(validateSnapshot(snapshot)).toBe(snapshot);
    expect(new Set(snapshot.results.map((r) => r.status))).toEqual(new Set(["pass", "fail", "error", "not_applicable", "suppressed"]));
  });

  it.each([
    ["an unknown status", (s: Record<string, any>) => (s.results[3].status = "failed"), "/results/3/status"], // eslint-disable-line @typescript-eslint/no-explicit-any
    ["a short account id", (s: Record<string, any>) => (s.accounts[1].id = "2222"), "/accounts/1/id"], // eslint-disable-line @typescript-eslint/no-explicit-any
    ["a bucket document missing its versioning", (s: Record<string, any>) => delete s.buckets[2].versioning, "/buckets/2/versioning"], // eslint-disable-line @typescript-eslint/no-explicit-any
    ["an unknown top-level field", (s: Record<string, any>) => (s.extra = 1), "/extra"], // eslint-disable-line @typescript-eslint/no-explicit-any
    ["an expired suppression without its count", (s: Record<string, any>) => delete s.expiredSuppressions[0].matched, "/expiredSuppressions/0/matched"], // eslint-disable-line @typescript-eslint/no-explicit-any
    ["a non-date finish time", (s: Record<string, any>) => (s.scan.finishedAt = "yesterday"), "/scan/finishedAt"], // eslint-disable-line @typescript-eslint/no-explicit-any
  ])("rejects %s with a SnapshotError naming the file and JSON pointer", (_name, mutate, pointer) => {
    const error = catchError(() => validateSnapshot(broken(mutate), "audit/snapshot.json"));
    expect(error).toBeInstanceOf(SnapshotError);
    expect((error as SnapshotError).location).toEqual({ file: "audit/snapshot.json", pointer });
    expect((error as SnapshotError).message).toContain(`audit/snapshot.json: invalid snapshot at ${pointer || "/"}`);
    expect((error as SnapshotError).exitCode).toBe(2);
  });
});

describe("report/writeSnapshotJson", () => {
  it("writes a file that readSnapshot gives back equal (format 2.x: buckets in order, each with its results), one record per line", async () => {
    const snapshot = buildSnapshot();
    const file = join(dir, "snapshot.json");
    await writeSnapshotJson(snapshot, file);
    expect(await readSnapshot(file)).toEqual(asWritten(snapshot));
    const lines = (await readFile(file, "utf8")).trimEnd().split("\n");
    expect(lines.filter((line) => line.startsWith('{"record":"result"'))).toHaveLength(snapshot.results.length);
    expect(JSON.parse(lines[0]!)).toMatchObject({ record: "header", schemaVersion: SNAPSHOT_SCHEMA_VERSION });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ record: "trailer", counts: { accounts: snapshot.accounts.length, buckets: snapshot.buckets.length, results: snapshot.results.length } });
  });

  it("writes a snapshot with no accounts, buckets or results", async () => {
    const snapshot: Snapshot = { ...buildSnapshot(), accounts: [], buckets: [], results: [] };
    const file = join(dir, "empty.json");
    await writeSnapshotJson(snapshot, file);
    expect(await readSnapshot(file)).toEqual({ ...snapshot, schemaVersion: SNAPSHOT_SCHEMA_VERSION });
  });

  // 1,000 buckets are enough for what the size shows (the file is written in many 64 KiB batches,
  // waiting for 'drain', and parsed back in many chunks); 10,000 cost 3.5 s of the test loop. The
  // large snapshots are the bench's (bench/run.ts --accounts N --buckets M).
  it("streams 1,000 buckets × 14 policies in many batches and reads them back", async () => {
    const base = buildSnapshot();
    const template = base.buckets[0]!;
    const buckets = Array.from({ length: 1_000 }, (_, i) => ({ ...template, name: `bulk-${i}`, arn: `arn:aws:s3:::bulk-${i}` }));
    const resultTemplate = base.results[0]!;
    const results = buckets.flatMap((b) =>
      Array.from({ length: 14 }, (_, p) => ({ ...resultTemplate, policyId: `policy-${p}`, bucket: b.name, bucketArn: b.arn })),
    );
    const file = join(dir, "bulk.json");
    await writeSnapshotJson({ ...base, buckets, results }, file);
    expect((await stat(file)).size).toBeGreaterThan(50 * 64 * 1024);
    const back = await readSnapshot(file);
    expect(back.buckets).toHaveLength(1_000);
    expect(back.results).toHaveLength(14_000);
    expect(new Set(back.buckets.map((b) => b.name))).toEqual(new Set(buckets.map((b) => b.name)));
    expect(back.results[13_999]!.bucketArn).toBe("arn:aws:s3:::bulk-999");
  });
});

describe("report/readSnapshot", () => {
  it("reads the checked-in fixture snapshot (used by CLI tests), which matches the fixture builder", async () => {
    const file = fileURLToPath(new URL("fixtures/snapshot.json", import.meta.url));
    expect(await readSnapshot(file)).toEqual(buildSnapshot());
  });

  it("names the file when it does not exist", async () => {
    const file = join(dir, "missing.json");
    await expect(readSnapshot(file)).rejects.toMatchObject({ name: "SnapshotError", location: { file, code: "ENOENT" } });
  });

  it("names the file when it is not JSON", async () => {
    const file = join(dir, "garbage.json");
    await writeFile(file, '{"kind": "replguard-snapshot",');
    const error: unknown = await readSnapshot(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotError);
    expect((error as SnapshotError).message).toMatch(/garbage\.json: not valid JSON/);
    expect((error as SnapshotError).location).toEqual({ file, pointer: "" });
  });

  it("names the file and pointer when a result is invalid", async () => {
    const file = join(dir, "invalid.json");
    const snapshot = buildSnapshot() as unknown as { results: { severity: string }[] };
    snapshot.results[7]!.severity = "urgent";
    await writeFile(file, JSON.stringify(snapshot));
    await expect(readSnapshot(file)).rejects.toMatchObject({ name: "SnapshotError", location: { file, pointer: "/results/7/severity" } });
  });

  const layouts: [string, (snapshot: Snapshot) => string][] = [
    ["re-indented by jq with 2 spaces", (s) => JSON.stringify(s, null, 2)],
    ["indented with 4 spaces", (s) => JSON.stringify(s, null, 4)],
    ["indented with tabs", (s) => JSON.stringify(s, null, "\t")],
    ["minified", (s) => JSON.stringify(s)],
    ["with CRLF line ends", (s) => JSON.stringify(s, null, 2).replace(/\n/g, "\r\n")],
    ["with a byte-order mark", (s) => `\uFEFF${JSON.stringify(s, null, 1)}`],
  ];
  for (const [layout, render] of layouts) {
    it(`reads a snapshot ${layout}`, async () => {
      const file = join(dir, `layout-${layouts.findIndex(([name]) => name === layout)}.json`);
      await writeFile(file, render(buildSnapshot()));
      expect(await readSnapshot(file)).toEqual(buildSnapshot());
    });
  }

  it("reads a 1.x snapshot that `jq .` re-indented, and a 2.x one that `jq -c -S` re-wrote (the real jq)", async () => {
    const old = join(dir, "old.json");
    await writeFile(old, JSON.stringify(buildSnapshot()));
    const file = join(dir, "jq.json");
    await writeFile(file, execFileSync("jq", [".", old], { encoding: "utf8" }));
    expect(await readSnapshot(file)).toEqual(buildSnapshot());

    const written = join(dir, "written.json");
    await writeSnapshotJson(buildSnapshot(), written);
    const sorted = join(dir, "jq-sorted.json");
    // Keys sorted, so `record` is no longer first on its line: the format is the records, not the layout.
    await writeFile(sorted, execFileSync("jq", ["-c", "-S", ".", written], { encoding: "utf8" }));
    expect(await readFile(sorted, "utf8")).not.toBe(await readFile(written, "utf8"));
    expect(await readSnapshot(sorted)).toEqual(asWritten(buildSnapshot()));
  });

  it("names the file, line and column of a corrupt element", async () => {
    const file = join(dir, "corrupt.json");
    await writeSnapshotJson(buildSnapshot(), file);
    const lines = (await readFile(file, "utf8")).split("\n");
    const third = lines.findIndex((line) => line.startsWith('{"record":"result"')) + 2;
    lines[third] = `${lines[third]!.slice(0, 40)}}}},`;
    await writeFile(file, lines.join("\n"));
    const error = (await readSnapshot(file).catch((e: unknown) => e)) as SnapshotError;
    expect(error).toBeInstanceOf(SnapshotError);
    expect(error.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:${third + 1}: not valid JSON: `));
    expect(error.location).toEqual({ file, pointer: "" });
  });

  it("says a snapshot is truncated, whatever its layout", async () => {
    for (const [name, text] of [["streamed", null], ["pretty", JSON.stringify(buildSnapshot(), null, 2)]] as const) {
      const file = join(dir, `truncated-${name}.json`);
      if (text === null) await writeSnapshotJson(buildSnapshot(), file);
      else await writeFile(file, text);
      const full = await readFile(file, "utf8");
      await writeFile(file, full.slice(0, Math.floor(full.length / 2)));
      await expect(readSnapshot(file)).rejects.toMatchObject({
        name: "SnapshotError",
        message: expect.stringMatching(name === "streamed" ? /not valid JSON: line \d+ is cut short: the file is truncated/ : /ends before the snapshot is complete/) as unknown,
      });
    }
  });

  it("refuses trailing content after the snapshot as invalid JSON", async () => {
    const file = join(dir, "trailing.json");
    await writeFile(file, `${JSON.stringify(buildSnapshot())}\n{"again": true}\n`);
    await expect(readSnapshot(file)).rejects.toMatchObject({ name: "SnapshotError", message: expect.stringMatching(/trailing\.json:2:\d+: not valid JSON/) as unknown });
  });

  it("names the file of an empty file and of a folder", async () => {
    const empty = join(dir, "empty.json");
    await writeFile(empty, "");
    await expect(readSnapshot(empty)).rejects.toMatchObject({ name: "SnapshotError", location: { file: empty } });
    await expect(readSnapshot(dir)).rejects.toMatchObject({ name: "SnapshotError", location: { file: dir } });
  });

  it("refuses a snapshot written in a newer major format", async () => {
    const file = join(dir, "future.json");
    await writeFile(file, JSON.stringify({ ...buildSnapshot(), schemaVersion: "2.0.0" }));
    await expect(readSnapshot(file)).rejects.toMatchObject({ name: "SnapshotError", location: { file, pointer: "/schemaVersion" } });
  });
});
