/**
 * A large snapshot's reports on two threads (src/report/render-threads.ts): a worker renders CSV
 * and HTML from its own reading of the file while the main thread renders the rest. The bytes are
 * the reference renderers' (fixtures/render-digests.json, as test/report/render-reference.test.ts
 * checks them on one thread), both passes are seen under way at once (from the order of the
 * threads' events, not a clock), and failures stay what they are on one thread: a snapshot that
 * breaks its schema fails with nothing left behind, a report that cannot be written is named in one
 * line (exit 4) while the others complete.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SnapshotError } from "../../src/errors.js";
import { writeReportsFromSnapshot, writeSnapshotJson, type ReportFormat } from "../../src/report/index.js";
import { workerFormats } from "../../src/report/render-threads.js";
import { cliCommand, interruptWhileWriting } from "../support/cli.js";
import { POLICY_INFOS, fixtureWithBaseline } from "../support/report-fixture.js";
import { tempDir } from "../support/temp-dir.js";

const FIXTURES = fileURLToPath(new URL("fixtures/", import.meta.url));
const GENERATED = join(FIXTURES, "generated-4x25.json.gz");
const ALL: ReportFormat[] = ["html", "csv", "sarif", "json"];

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir("render-threads")));
afterAll(() => cleanup());

async function digests(folder: string): Promise<Record<string, string>> {
  const files = (await readdir(folder)).sort();
  return Object.fromEntries(await Promise.all(files.map(async (file) => [file, createHash("sha256").update(await readFile(join(folder, file))).digest("hex")] as const)));
}

interface ThreadEvent {
  thread: "main" | "worker";
  event: "start" | "end";
  formats: ReportFormat[];
}

/** Runs `body` and returns the report-thread events it published, in order. */
async function threadEvents(body: () => Promise<unknown>): Promise<ThreadEvent[]> {
  const events: ThreadEvent[] = [];
  const listener = (message: unknown): void => void events.push(message as ThreadEvent);
  subscribe("replguard:report-thread", listener);
  try {
    await body();
  } finally {
    unsubscribe("replguard:report-thread", listener);
  }
  return events;
}

describe("report/render-threads", () => {
  it("puts CSV and SARIF on the worker as long as a format stays on the main thread", () => {
    expect(workerFormats(ALL)).toEqual(["csv", "sarif"]);
    expect(workerFormats(["csv", "sarif"])).toEqual(["sarif"]);
    expect(workerFormats(["csv", "html"])).toEqual(["csv"]);
    expect(workerFormats(["sarif", "json"])).toEqual(["sarif"]);
    expect(workerFormats(["html", "json"])).toEqual([]);
    expect(workerFormats(["csv"])).toEqual([]);
  });

  it("renders a generated organization's formats on two threads at once, with the reference bytes", async () => {
    const reference = JSON.parse(await readFile(join(FIXTURES, "render-digests.json"), "utf8")) as Record<string, Record<string, string>>;
    const events = await threadEvents(() => writeReportsFromSnapshot(GENERATED, { outDir: join(dir, "generated"), formats: ALL, policies: POLICY_INFOS, threads: true }));
    expect(await digests(join(dir, "generated"))).toEqual(reference.generated);
    // The worker's pass was under way (its first record rendered) before the main thread's began,
    // and the main thread's began before the worker's ended: both were in flight together.
    expect(events.slice(0, 2)).toEqual([
      { thread: "worker", event: "start", formats: ["csv", "sarif"] },
      { thread: "main", event: "start", formats: ["html", "json"] },
    ]);
    expect(events.slice(2).sort((a, b) => a.thread.localeCompare(b.thread))).toEqual([
      { thread: "main", event: "end", formats: ["html", "json"] },
      { thread: "worker", event: "end", formats: ["csv", "sarif"] },
    ]);
    // On one thread, every format is the main thread's, with the reference bytes: shown on the
    // report fixture (the generated organization's one-thread bytes are render-reference.test.ts's,
    // where a file of this size renders on one thread by default).
    const one = await threadEvents(() => writeReportsFromSnapshot(join(FIXTURES, "snapshot.json"), { outDir: join(dir, "fixture-one"), formats: ALL, policies: POLICY_INFOS, threads: false }));
    expect(one.map((e) => [e.thread, e.event])).toEqual([["main", "start"], ["main", "end"]]);
    expect(await digests(join(dir, "fixture-one"))).toEqual(reference.fixture);
  });

  it("gives the worker's SARIF the baseline (and the main thread's HTML the drift): the same bytes as on one thread", async () => {
    const { current, baseline, drift } = fixtureWithBaseline();
    const [file, baselineFile] = [join(dir, "current.json"), join(dir, "baseline.json")];
    await writeSnapshotJson(current, file);
    await writeSnapshotJson(baseline, baselineFile);
    const html = { detailedBucketLimit: 1, history: [{ finishedAt: "2026-11-20T10:00:00.000Z", failures: 3 }] };
    for (const threads of [true, false]) {
      await writeReportsFromSnapshot(file, { outDir: join(dir, `drift-${threads}`), formats: ALL, policies: POLICY_INFOS, baselineFile, drift, html, threads });
    }
    const two = await digests(join(dir, "drift-true"));
    expect(Object.keys(two)).toEqual(["drift.csv", "drift.json", "report.html", "results.csv", "results.sarif", "snapshot.json"]);
    expect(two).toEqual(await digests(join(dir, "drift-false")));
  });

  it("fails a snapshot that breaks its schema mid-file as on one thread, leaving no report and no temporary file", async () => {
    const lines = gunzipSync(await readFile(GENERATED)).toString("utf8").split("\n");
    const middle = lines.findIndex((line, i) => i > lines.length / 2 && line.startsWith('{"record":"bucket"'));
    lines[middle] = lines[middle]!.replace(/"region":"[^"]*"/, '"region":42');
    const broken = join(dir, "broken.json");
    await writeFile(broken, lines.join("\n"));
    const out = join(dir, "broken-out");
    const error: unknown = await writeReportsFromSnapshot(broken, { outDir: out, formats: ALL, policies: POLICY_INFOS, threads: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotError);
    expect((error as Error).message).toContain(`${broken}:${middle + 1}: invalid snapshot record`);
    expect(await readdir(out)).toEqual([]);
  });

  /** `report GENERATED --format sarif,csv` (SARIF ~400 KB on the worker, CSV ~690 KB on the main thread) under a file-size limit. */
  const limited = (out: string, kib: number) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const argv = [...cliCommand(), "report", GENERATED, "--format", "sarif,csv", "--out", out].map((word) => `'${word}'`);
      const child = spawn("bash", ["-c", `ulimit -f ${kib}; exec ${argv.join(" ")}`], {
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", REPLGUARD_REPORT_THREADS: "1" },
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.once("exit", (code) => resolve({ code, stderr }));
    });

  it("names a report that could not be written in one line (exit 4), the worker's or the main thread's, and the others complete", async () => {
    // 300 KiB: neither fits; the SARIF, asked first, is named (the worker's failure, by its final name).
    const both = await limited(join(dir, "limited-both"), 300);
    expect(both.code, both.stderr).toBe(4);
    expect(both.stderr.trimEnd().split("\n")).toEqual([expect.stringContaining(`cannot write ${join(dir, "limited-both", "results.sarif")}`)]);
    expect(await readdir(join(dir, "limited-both"))).toEqual([]);
    // 500 KiB: the worker's SARIF fits and stays; the main thread's CSV does not.
    const one = await limited(join(dir, "limited-one"), 500);
    expect(one.code, one.stderr).toBe(4);
    expect(one.stderr.trimEnd().split("\n")).toEqual([expect.stringContaining(`cannot write ${join(dir, "limited-one", "results.csv")}`)]);
    expect(await readdir(join(dir, "limited-one"))).toEqual(["results.sarif"]);
    expect(JSON.parse(await readFile(join(dir, "limited-one", "results.sarif"), "utf8"))).toHaveProperty("runs");
  });

  it("on SIGINT while both threads write, leaves no temporary file and nothing incomplete under a final name (exit 130)", async () => {
    const out = join(dir, "interrupted");
    const { code, stderr } = await interruptWhileWriting(["report", GENERATED, "--format", "html,csv,sarif", "--out", out], out, { REPLGUARD_REPORT_THREADS: "1" });
    expect(code).toBe(130);
    expect(stderr).toMatch(/^replguard: interrupted \(SIGINT\): no report was written\n$/);
    expect(await readdir(out)).toEqual([]);
  });
});
