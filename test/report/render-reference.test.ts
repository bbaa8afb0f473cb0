/**
 * The reports' bytes are fixed: the fixture, the demo and a generated organization (4 accounts ×
 * 25 buckets, seed 7) rendered in every format must give exactly the files the renderers gave
 * before they were made faster (their sha256 in fixtures/render-digests.json, recorded with the
 * renderers of that time and today's templates: the page's script changed since, on purpose),
 * and a snapshot in memory (`writeReports`) gives the bytes its file gives
 * (`writeReportsFromSnapshot`). A change of the reports' content on purpose updates the digests:
 * `REPLGUARD_UPDATE_DIGESTS=1 npx vitest run test/report/render-reference.test.ts`.
 */
import { createHash } from "node:crypto";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSnapshot, writeReports, writeReportsFromSnapshot, writeSnapshotJson, type ReportFormat } from "../../src/report/index.js";
import { POLICY_INFOS, fixtureWithBaseline } from "../support/report-fixture.js";
import { tempDir } from "../support/temp-dir.js";

const FIXTURES = fileURLToPath(new URL("fixtures/", import.meta.url));
const DIGESTS = join(FIXTURES, "render-digests.json");
const ALL: ReportFormat[] = ["html", "csv", "sarif", "json"];

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir("reference")));
afterAll(() => cleanup());

/** Every file of a report folder by name, as its sha256. */
async function digests(folder: string): Promise<Record<string, string>> {
  const files = (await readdir(folder)).sort();
  return Object.fromEntries(await Promise.all(files.map(async (file) => [file, createHash("sha256").update(await readFile(join(folder, file))).digest("hex")] as const)));
}

describe("report/rendering against the reference", () => {
  it("gives the bytes of the reference renderers for the fixture, the demo and a generated organization", async () => {
    const cases: Record<string, () => Promise<unknown>> = {
      fixture: () => writeReportsFromSnapshot(join(FIXTURES, "snapshot.json"), { outDir: join(dir, "fixture"), formats: ALL, policies: POLICY_INFOS }),
      "fixture-compact": () =>
        writeReportsFromSnapshot(join(FIXTURES, "snapshot.json"), { outDir: join(dir, "fixture-compact"), formats: ["html"], policies: POLICY_INFOS, html: { detailedBucketLimit: 1 } }),
      "fixture-baseline": async () => {
        const { baseline, drift } = fixtureWithBaseline();
        const baselineFile = join(dir, "baseline.json");
        await writeSnapshotJson(baseline, baselineFile);
        return writeReportsFromSnapshot(join(FIXTURES, "snapshot.json"), { outDir: join(dir, "fixture-baseline"), formats: ALL, policies: POLICY_INFOS, baselineFile, drift });
      },
      demo: () => writeReportsFromSnapshot(join(FIXTURES, "demo.json.gz"), { outDir: join(dir, "demo"), formats: ALL, policies: POLICY_INFOS }),
      "demo-compact": () =>
        writeReportsFromSnapshot(join(FIXTURES, "demo.json.gz"), { outDir: join(dir, "demo-compact"), formats: ["html"], policies: POLICY_INFOS, html: { detailedBucketLimit: 1 } }),
      // On one thread, whatever the environment says (render-threads.test.ts renders it on two).
      generated: () => writeReportsFromSnapshot(join(FIXTURES, "generated-4x25.json.gz"), { outDir: join(dir, "generated"), formats: ALL, policies: POLICY_INFOS, threads: false }),
      "generated-compact": () =>
        writeReportsFromSnapshot(join(FIXTURES, "generated-4x25.json.gz"), {
          outDir: join(dir, "generated-compact"),
          formats: ["html"],
          policies: POLICY_INFOS,
          html: { detailedBucketLimit: 10 },
        }),
    };
    const actual: Record<string, Record<string, string>> = {};
    for (const [name, render] of Object.entries(cases)) {
      await render();
      actual[name] = await digests(join(dir, name));
    }
    if (process.env.REPLGUARD_UPDATE_DIGESTS === "1") await writeFile(DIGESTS, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(await readFile(DIGESTS, "utf8")));
  });

  it("writes the same bytes from a snapshot in memory as from its file, with and without a baseline", async () => {
    const { current, baseline, drift } = fixtureWithBaseline();
    const file = join(dir, "current.json");
    const baselineFile = join(dir, "baseline-2.json");
    await writeSnapshotJson(current, file);
    await writeSnapshotJson(baseline, baselineFile);
    await writeReports(current, { outDir: join(dir, "memory"), formats: ALL, policies: POLICY_INFOS });
    await writeReportsFromSnapshot(file, { outDir: join(dir, "file"), formats: ALL, policies: POLICY_INFOS });
    expect(await digests(join(dir, "memory"))).toEqual(await digests(join(dir, "file")));
    await writeReports(current, { outDir: join(dir, "memory-baseline"), formats: ALL, policies: POLICY_INFOS, baseline: { snapshot: baseline, drift } });
    await writeReportsFromSnapshot(file, { outDir: join(dir, "file-baseline"), formats: ALL, policies: POLICY_INFOS, baselineFile, drift });
    const fromMemory = await digests(join(dir, "memory-baseline"));
    expect(Object.keys(fromMemory)).toEqual(["drift.csv", "drift.json", "report.html", "results.csv", "results.sarif", "snapshot.json"]);
    expect(fromMemory).toEqual(await digests(join(dir, "file-baseline")));
    // A generated organization read back into memory renders as its file does.
    const generated = join(FIXTURES, "generated-4x25.json.gz");
    await writeReports(await readSnapshot(generated), { outDir: join(dir, "generated-memory"), formats: ALL, policies: POLICY_INFOS });
    await writeReportsFromSnapshot(generated, { outDir: join(dir, "generated-file"), formats: ALL, policies: POLICY_INFOS });
    expect(await digests(join(dir, "generated-memory"))).toEqual(await digests(join(dir, "generated-file")));
  });
});
