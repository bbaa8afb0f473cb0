/**
 * Reports are whole or absent (issue 10 point 4), through the real executable: Ctrl-C while writing
 * and a file-size limit hit mid-write leave no file under a final name that is not complete, and no
 * temporary file or lock behind.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeSnapshotJson } from "../../src/report/index.js";
import { cliCommand, interruptWhileWriting } from "../support/cli.js";
import { buildSnapshot } from "../support/report-fixture.js";

const FINAL_NAMES = ["report.html", "results.csv", "results.sarif", "snapshot.json"];

let dir: string;
let big: string;
let small: string;
const resultCount = new Map<string, number>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "replguard-interrupt-"));
  // Large enough that writing the reports takes a moment (the four formats are written in one pass,
  // all of them begun at once), so SIGINT, sent the moment the first temporary file appears, lands mid-write.
  big = await bulkSnapshot("big.json", 500);
  // Larger than the file-size limit below (256 KiB) in CSV and in JSON, and no larger.
  small = await bulkSnapshot("small.json", 300);
});

/** A snapshot of `count` copies of the fixture's first bucket, each with fourteen results. */
async function bulkSnapshot(name: string, count: number): Promise<string> {
  const base = buildSnapshot();
  const buckets = Array.from({ length: count }, (_, i) => ({ ...base.buckets[0]!, name: `bulk-${i}`, arn: `arn:aws:s3:::bulk-${i}` }));
  const results = buckets.flatMap((b) => Array.from({ length: 14 }, (_, p) => ({ ...base.results[0]!, policyId: `policy-${p}`, bucket: b.name, bucketArn: b.arn })));
  const file = join(dir, name);
  await writeSnapshotJson({ ...base, buckets, results }, file);
  resultCount.set(file, results.length);
  return file;
}

/** A shell word for `text` (single-quoted). */
const quoted = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

/** Every file under a final name is complete: it parses, and holds every result of `source`. */
async function expectWholeOrAbsent(out: string, source: string): Promise<string[]> {
  const count = resultCount.get(source)!;
  const files = await readdir(out);
  expect(files.filter((f) => !FINAL_NAMES.includes(f)), "temporary files or a lock were left").toEqual([]);
  for (const file of files) {
    const text = await readFile(join(out, file), "utf8");
    if (file === "snapshot.json") expect((JSON.parse(text) as { results: unknown[] }).results).toHaveLength(count);
    if (file === "results.sarif") expect(JSON.parse(text)).toHaveProperty("runs");
    if (file === "results.csv") expect(text.trimEnd().split("\n").length).toBeGreaterThan(count);
    if (file === "report.html") expect(text.trimEnd().endsWith("</html>")).toBe(true);
  }
  return files;
}

describe("cli/interrupt", () => {
  it("on SIGINT while writing removes the temporary files, says what was complete, and exits 130", async () => {
    const out = join(dir, "interrupted");
    // Interrupted as soon as the first temporary report appears: it is being written.
    const { code, stderr } = await interruptWhileWriting(["report", big, "--format", "json,html,csv,sarif", "--out", out], out);
    expect(code).toBe(130);
    expect(stderr).toMatch(/^replguard: interrupted \(SIGINT\): (no report was written|only these reports are complete: .*)\n$/);
    const files = await expectWholeOrAbsent(out, big);
    expect(files).not.toContain("report.html"); // it comes after the snapshot, which was still being written
  });

  it("with a file-size limit hit mid-write leaves no truncated file under a final name (exit 4, one line)", async () => {
    const out = join(dir, "limited");
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const argv = [...cliCommand(), "report", small, "--format", "csv,json", "--out", out];
      const child = spawn("bash", ["-c", `ulimit -f 256; exec ${argv.map(quoted).join(" ")}`], {
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.once("exit", (code) => resolve({ code, stderr }));
    });
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toContain(`cannot write ${join(out, "results.csv")}`);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(await expectWholeOrAbsent(out, small)).toEqual([]);
  });
});
