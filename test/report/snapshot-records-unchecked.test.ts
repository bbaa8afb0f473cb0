import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { writeSnapshotJson } from "../../src/report/index.js";
import { buildSnapshot } from "../support/report-fixture.js";
import { tempDir } from "../support/temp-dir.js";

// The suite shares modules between files (vitest `isolate: false`), so another file may have compiled
// the schema already: the reader and the schema cache are imported afresh, after the registry is reset.
let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir("snapshot-records-unchecked")));
afterAll(() => cleanup());

const RECORD_SCHEMA = "snapshot-record.schema.json";

describe("report/snapshot records without the schema check", () => {
  it("reads every record without compiling the record schema (the report worker's reading), and compiles it once records are checked", async () => {
    const file = join(dir, "snapshot.json");
    await writeSnapshotJson(buildSnapshot(), file);
    vi.resetModules();
    const { snapshotRecords } = await import("../../src/report/snapshot-records.js");
    const { isShippedValidatorCompiled } = await import("../../src/schemas.js");
    const kinds: string[] = [];
    for await (const record of snapshotRecords(file, { validate: false })) kinds.push(record.record);
    expect(kinds[0]).toBe("header");
    expect(kinds.at(-1)).toBe("trailer");
    expect(kinds.filter((k) => k === "result")).toHaveLength(buildSnapshot().results.length);
    expect(isShippedValidatorCompiled(RECORD_SCHEMA)).toBe(false);
    const checked: string[] = [];
    for await (const record of snapshotRecords(file)) checked.push(record.record);
    expect(checked).toEqual(kinds);
    expect(isShippedValidatorCompiled(RECORD_SCHEMA)).toBe(true);
  });
});
