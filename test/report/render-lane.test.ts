import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SnapshotError } from "../../src/errors.js";
import type { SnapshotRecord } from "../../src/model/index.js";
import { ReportFileWriter } from "../../src/report/output-stream.js";
import { runLane, type LaneOutput } from "../../src/report/render-lane.js";
import { SharedCatalog, type RecordSink } from "../../src/report/stream-sinks.js";
import { tempDir } from "../support/temp-dir.js";

const header = { record: "header", policies: [] } as unknown as SnapshotRecord;
const account = (id: string): SnapshotRecord => ({ record: "account", account: { id } }) as unknown as SnapshotRecord;
const records = [header, account("1"), account("2"), account("3")];
async function* stream(): AsyncGenerator<SnapshotRecord> {
  yield* records;
}

/** A sink noting what it saw; `add` behaves as `step` says for each record index. */
function sink(step: (at: number) => Promise<void> | void = () => undefined): RecordSink & { seen: number[]; finished: boolean; aborted: boolean } {
  let at = 0;
  const noted = {
    seen: [] as number[],
    finished: false,
    aborted: false,
    add: () => {
      const index = at++;
      noted.seen.push(index);
      return step(index);
    },
    finish: async () => {
      noted.finished = true;
    },
    abort: async () => {
      noted.aborted = true;
    },
  };
  return noted;
}

const lane = (...sinks: RecordSink[]): LaneOutput[] => sinks.map((s, index) => ({ sink: s, index }));

describe("report/render-lane runLane", () => {
  it("aborts a sink whose add throws at once, returns its failure, and completes the others", async () => {
    const failing = sink((at) => {
      if (at === 1) throw new Error("disk full");
    });
    const other = sink();
    const failures = await runLane(stream(), new SharedCatalog([]), lane(failing, other));
    expect([...failures.keys()]).toEqual([0]);
    expect((failures.get(0) as Error).message).toBe("disk full");
    expect(failing).toMatchObject({ seen: [0, 1], aborted: true, finished: false });
    expect(other).toMatchObject({ seen: [0, 1, 2, 3], aborted: false, finished: true });
  });

  it("waits for a step that returns a promise before the next record, and aborts a sink whose promise rejects", async () => {
    const order: string[] = [];
    const slow = sink((at) => {
      order.push(`slow ${at}`);
      if (at === 1) return new Promise<void>((resolve) => setImmediate(() => (order.push("slow 1 written"), resolve())));
      if (at === 2) return Promise.reject(new Error("write failed"));
      return undefined;
    });
    const other = sink((at) => void order.push(`other ${at}`));
    const failures = await runLane(stream(), new SharedCatalog([]), lane(slow, other));
    expect(order).toEqual(["slow 0", "other 0", "slow 1", "slow 1 written", "other 1", "slow 2", "other 2", "other 3"]);
    expect((failures.get(0) as Error).message).toBe("write failed");
    expect(slow).toMatchObject({ aborted: true, finished: false });
    expect(other.finished).toBe(true);
  });

  it("fails the whole pass when a sink's add throws a SnapshotError at once (the input's fault)", async () => {
    const failing = sink((at) => {
      if (at === 2) throw new SnapshotError("bad record", { pointer: "" });
    });
    const other = sink();
    await expect(runLane(stream(), new SharedCatalog([]), lane(failing, other))).rejects.toThrow("bad record");
    expect(failing.aborted).toBe(true);
    expect(other).toMatchObject({ aborted: true, finished: false });
  });
});

describe("report/output-stream ReportFileWriter.queue", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir("render-lane")));
  afterAll(() => cleanup());

  it("returns a promise only when a batch is handed to the file, and writes every chunk in order", async () => {
    const file = join(dir, "queued.txt");
    const out = new ReportFileWriter(file);
    const chunks: string[] = [];
    const handed: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const chunk = `line ${i} ${"é".repeat(i % 7)} ${"x".repeat(40)}\n`;
      chunks.push(chunk);
      const pending = out.queue(chunk);
      if (pending !== undefined) {
        handed.push(i);
        await pending;
      }
    }
    await out.close();
    // ~60 characters a chunk: a 64 KiB batch every ~1,100 chunks.
    expect(handed.length).toBe(2);
    expect(await readFile(file, "utf8")).toBe(chunks.join(""));
  });
});
