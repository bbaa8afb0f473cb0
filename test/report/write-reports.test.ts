import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutDirError, OutputError } from "../../src/errors.js";
import { LOCK_FILE, openReportDir, readSnapshot, writeReports } from "../../src/report/index.js";
import { POLICY_INFOS, buildSnapshot } from "../support/report-fixture.js";
import { tempDir } from "../support/temp-dir.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir("write")));
afterAll(() => cleanup());

describe("report/writeReports", () => {
  it("creates the output folder and writes each requested format once, in request order", async () => {
    const outDir = join(dir, "reports", "2026-11-25T100312Z");
    const written = await writeReports(buildSnapshot(), { outDir, formats: ["sarif", "html", "csv", "json", "csv"], policies: POLICY_INFOS });
    expect(written).toEqual([
      { format: "sarif", file: join(outDir, "results.sarif") },
      { format: "html", file: join(outDir, "report.html") },
      { format: "csv", file: join(outDir, "results.csv") },
      { format: "json", file: join(outDir, "snapshot.json") },
    ]);
    expect((await readdir(outDir)).sort()).toEqual(["report.html", "results.csv", "results.sarif", "snapshot.json"]);
  });

  it("writes only the formats asked for", async () => {
    const outDir = join(dir, "only-csv");
    await writeReports(buildSnapshot(), { outDir, formats: ["csv"], policies: POLICY_INFOS });
    expect(await readdir(outDir)).toEqual(["results.csv"]);
  });

  it("re-renders every format from a snapshot file without the policies' help text", async () => {
    const first = join(dir, "first");
    await writeReports(buildSnapshot(), { outDir: first, formats: ["json"], policies: POLICY_INFOS });
    const snapshot = await readSnapshot(join(first, "snapshot.json"));
    const again = join(dir, "again");
    const written = await writeReports(snapshot, { outDir: again, formats: ["html", "csv", "sarif", "json"], policies: [] });
    expect(written).toHaveLength(4);
    expect(await readFile(join(again, "snapshot.json"), "utf8")).toBe(await readFile(join(first, "snapshot.json"), "utf8"));
    const sarif = JSON.parse(await readFile(join(again, "results.sarif"), "utf8")) as { runs: { tool: { driver: { rules: { help: { text: string } }[] } } }[] };
    expect(sarif.runs[0]!.tool.driver.rules.every((r) => r.help.text.includes("not in the current policy set"))).toBe(true);
  });

  it("throws an OutDirError (exit 2) naming the folder when it cannot be created", async () => {
    const blocker = join(dir, "a-file");
    await writeFile(blocker, "not a folder");
    for (const outDir of [join(blocker, "reports"), blocker]) {
      const error: unknown = await writeReports(buildSnapshot(), { outDir, formats: ["json"], policies: POLICY_INFOS }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutDirError);
      expect((error as OutDirError).exitCode).toBe(2);
      expect((error as OutDirError).location).toMatchObject({ file: outDir, code: "ENOTDIR" });
    }
  });

  it("leaves nothing under a final name when a writer fails mid-way, and no temporary file either", async () => {
    const outDir = join(dir, "fails-midway");
    const snapshot = buildSnapshot();
    // A value JSON.stringify cannot write, in the last bucket: the snapshot writer fails after writing most of the file
    // (the CSV does not read bucket documents, so it completes).
    const buckets = [...snapshot.buckets];
    buckets[buckets.length - 1] = { ...buckets[buckets.length - 1]!, unwritable: 1n } as unknown as (typeof buckets)[number];
    const broken = { ...snapshot, buckets };
    const error: unknown = await writeReports(broken, { outDir, formats: ["csv", "json"], policies: POLICY_INFOS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as OutputError).location.file).toBe(join(outDir, "snapshot.json"));
    // The CSV was complete and stays; the snapshot never appears; no temporary file and no lock remain.
    expect((await readdir(outDir)).sort()).toEqual(["results.csv"]);
  });

  it("refuses a folder another live run has locked, and takes over a lock whose run is dead", async () => {
    const outDir = join(dir, "locked");
    await mkdir(outDir);
    await writeFile(join(outDir, LOCK_FILE), `${process.ppid}\n`); // a live process that is not us
    const error: unknown = await writeReports(buildSnapshot(), { outDir, formats: ["csv"], policies: POLICY_INFOS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutDirError);
    expect((error as Error).message).toContain(`another replguard run (pid ${process.ppid}) is writing reports there`);
    expect(await readdir(outDir)).toEqual([LOCK_FILE]);

    await writeFile(join(outDir, LOCK_FILE), "2147483646\n"); // no such process: a killed run's stale lock
    await writeReports(buildSnapshot(), { outDir, formats: ["csv"], policies: POLICY_INFOS });
    expect(await readdir(outDir)).toEqual(["results.csv"]);
  });

  it("gives two runs opening the same fresh default folder two folders", async () => {
    const base = join(dir, "reports", "2026-11-25T10-03-12.500Z");
    const [a, b] = await Promise.all([openReportDir(base, { fresh: true }), openReportDir(base, { fresh: true })]);
    expect(new Set([a.path, b.path])).toEqual(new Set([base, `${base}-2`]));
    a.release();
    b.release();
  });

  it("refuses an empty folder name and a device as the folder", async () => {
    await expect(openReportDir("")).rejects.toBeInstanceOf(OutDirError);
    await expect(openReportDir("/dev/null")).rejects.toMatchObject({ name: "OutDirError", location: { file: "/dev/null" } });
  });

  it("throws an OutputError naming the file when a report cannot be written", async () => {
    const outDir = join(dir, "taken");
    await mkdir(join(outDir, "results.sarif"), { recursive: true }); // a folder where the file should go
    const error: unknown = await writeReports(buildSnapshot(), { outDir, formats: ["sarif"], policies: POLICY_INFOS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as OutputError).location).toMatchObject({ file: join(outDir, "results.sarif"), code: "EISDIR" });
    expect((error as OutputError).message).toContain(`cannot write ${join(outDir, "results.sarif")}`);
  });
});
