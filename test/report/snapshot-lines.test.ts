import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { snapshotLineBatches } from "../../src/report/snapshot-lines.js";

/** The text as chunks of `size` bytes (a `\r\n` or a character may fall across two). */
const chunks = (text: string, size: number): Readable => {
  const bytes = Buffer.from(text, "utf8");
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, at + size));
  return Readable.from(parts);
};

/** The batches' lines one after the other. */
async function* snapshotLines(input: Readable): AsyncGenerator<string, void, undefined> {
  for await (const batch of snapshotLineBatches(input)) yield* batch;
}

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const line of lines) all.push(line);
  return all;
}

describe("report/snapshotLines", () => {
  it("gives readline's lines (crlfDelay Infinity) for LF, CRLF, lone CR, blank lines, a last line without its end and multi-byte text, in any chunking", async () => {
    const texts = ['{"a":1}\n{"b":"é€😀"}\n', '{"a":1}\r\n{"b":2}\r\n\r\n{"c":3}', "one\rtwo\r\nthree\n\n\r\rfour\r", "", "\n", "x\r", "\r\n\r\n", "last"];
    for (const text of texts) {
      for (const size of [1, 2, 3, 7, 1024]) {
        const expected = await collect(createInterface({ input: chunks(text, size), crlfDelay: Infinity }));
        expect(await collect(snapshotLines(chunks(text, size))), `${JSON.stringify(text)} in chunks of ${size}`).toEqual(expected);
        // The same lines in one batch per chunk read (and one for a last line without its end).
        const batches: string[][] = [];
        for await (const batch of snapshotLineBatches(chunks(text, size))) batches.push(batch);
        expect(batches.flat()).toEqual(expected);
        expect(batches.length).toBeLessThanOrEqual(Math.ceil(Buffer.byteLength(text) / size) + 1);
      }
    }
  });
});
