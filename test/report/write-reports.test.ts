import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutputError } from "../../src/errors.js";
import { readSnapshot, writeReports } from "../../src/report/index.js";
import { POLICY_INFOS, buildSnapshot } from "./fixture.js";
import { tempDir } from "./helpers.js";

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

  it("throws an OutputError naming the folder when it cannot be created", async () => {
    const blocker = join(dir, "a-file");
    await writeFile(blocker, "not a folder");
    const outDir = join(blocker, "reports");
    const error: unknown = await writeReports(buildSnapshot(), { outDir, formats: ["json"], policies: POLICY_INFOS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as OutputError).location).toMatchObject({ file: outDir, code: "ENOTDIR" });
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
