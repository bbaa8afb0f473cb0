import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSnapshotJson } from "../../src/report/index.js";
import { snapshotRecords } from "../../src/report/snapshot-records.js";
import { isShippedValidatorCompiled } from "../../src/schemas.js";
import { buildSnapshot } from "../support/report-fixture.js";
import { tempDir } from "../support/temp-dir.js";

// Its own file: vitest gives each file fresh modules, so no other test has compiled the schema yet.
let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir("snapshot-records-unchecked")));
afterAll(() => cleanup());

const RECORD_SCHEMA = "snapshot-record.schema.json";

describe("report/snapshot records without the schema check", () => {
  it("reads every record without compiling the record schema (the report worker's reading), and compiles it once records are checked", async () => {
    const file = join(dir, "snapshot.json");
    await writeSnapshotJson(buildSnapshot(), file);
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
