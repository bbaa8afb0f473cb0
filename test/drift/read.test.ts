/**
 * Reading the two snapshots a drift compares: the parser's strings are copied out of the file's
 * text chunks (so a parsed snapshot does not keep the text alive, see report/snapshot-parse.ts);
 * the copy must be exact, lone surrogates and long values included.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSnapshot } from "../../src/report/index.js";
import { buildSnapshot } from "../support/report-fixture.js";

describe("drift/reading snapshots", () => {
  it("reads every string exactly: lone surrogates, escapes, long and repeated values", async () => {
    const snapshot = buildSnapshot();
    const odd = ["\ud800 lone high surrogate in a message", "tab\tand\nnewline and \u2028 separator and \"quotes\"", "x".repeat(70_000), "é".repeat(40)];
    snapshot.results.forEach((result, index) => (result.message = odd[index % odd.length]!));
    const file = join(await mkdtemp(join(tmpdir(), "replguard-drift-read-")), "snapshot.json");
    await writeFile(file, JSON.stringify(snapshot));
    const read = await readSnapshot(file);
    expect(read.results.map((r) => r.message)).toEqual(snapshot.results.map((r) => r.message));
    expect(read).toEqual(snapshot);
  });
});
