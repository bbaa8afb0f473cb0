/**
 * The reports stage's CPU by part and by format, from a snapshot file already written (`audit
 * --format json`): reading and parsing the records alone, the schema check alone, then each format
 * rendered alone on one thread, then all of them in the one shared pass (what `report` runs with
 * REPLGUARD_REPORT_THREADS=0), each as the process's CPU per bucket (the least of `--rounds`, after
 * a warm-up pass). Each output's sha256 is printed: a change must leave them as they were.
 *
 *   node --import tsx bench/report-cpu.ts SNAPSHOT [--rounds 3] [--listed N] [--formats csv,sarif,html]
 *
 * `--listed N`: the HTML's listed-bucket limit (default 10,000); a limit under the snapshot's bucket
 * count renders the HTML as at 100,000 buckets and more (each account's findings, no bucket listed).
 */
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPolicyTexts } from "../src/policy/index.js";
import { trailerBuckets } from "../src/report/from-snapshot.js";
import { snapshotRecords, writeReportsFromSnapshot } from "../src/report/index.js";
import { REPORT_FILE_NAMES, type ReportFormat } from "../src/report/types.js";
import { numberFlag } from "./flags.js";

const file = process.argv[2] ?? "";
if (file === "" || file.startsWith("--")) {
  console.error("usage: node --import tsx bench/report-cpu.ts SNAPSHOT [--rounds 3] [--listed N] [--formats csv,sarif,html]");
  process.exit(2);
}
const rounds = numberFlag("rounds", 3);
const listed = process.argv.includes("--listed") ? numberFlag("listed", 10_000) : undefined;
const formatsAt = process.argv.indexOf("--formats");
const formats = (formatsAt < 0 ? "csv,sarif,html" : process.argv[formatsAt + 1]!).split(",") as ReportFormat[];

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const buckets = (await trailerBuckets(file)) ?? 0;
const policies = await loadPolicyTexts({});
const html = listed === undefined ? {} : { listedBucketLimit: listed };

/** The least CPU (ms) of `rounds` runs of `run`, after one run to warm up (JIT, the schema's compiling). */
async function least(run: () => Promise<void>): Promise<number> {
  await run();
  let best = Infinity;
  for (let round = 0; round < rounds; round++) {
    const before = cpuMs();
    await run();
    best = Math.min(best, cpuMs() - before);
  }
  return best;
}

const readAll = async (validate: boolean): Promise<void> => {
  for await (const record of snapshotRecords(file, { validate })) void record;
};

const sha = async (path: string): Promise<string> => createHash("sha256").update(await readFile(path)).digest("hex").slice(0, 16);
const digests = new Map<string, string>();
const folders: string[] = [];
async function render(which: ReportFormat[]): Promise<() => Promise<void>> {
  const out = await mkdtemp(join(tmpdir(), "replguard-report-cpu-"));
  folders.push(out);
  return async () => {
    await writeReportsFromSnapshot(file, { outDir: out, formats: which, policies, html, threads: false });
    for (const format of which) {
      const path = join(out, REPORT_FILE_NAMES[format]);
      // The HTML names when it was rendered nowhere; the reports carry the scan's times only.
      digests.set(format, await sha(path));
    }
  };
}

const line = (name: string, ms: number): string => `${name.padEnd(34)} CPU ${(ms / 1000).toFixed(2).padStart(7)} s  ${(buckets === 0 ? 0 : ms / buckets).toFixed(4).padStart(7)} ms/bucket`;
console.log(`${file}: ${buckets} buckets, ${(statSync(file).size / 2 ** 20).toFixed(0)} MB; least of ${rounds} rounds${listed === undefined ? "" : `, HTML listed-bucket limit ${listed}`}`);
const read = await least(() => readAll(false));
console.log(line("read + parse (no check)", read));
const checked = await least(() => readAll(true));
console.log(line("schema check (over read + parse)", checked - read));
for (const format of formats) {
  const ms = await least(await render([format]));
  console.log(line(`${format} (over read + parse + check)`, ms - checked));
}
const all = await least(await render(formats));
console.log(line(`${formats.join(",")} in one pass, in all`, all));
for (const [format, digest] of digests) console.log(`sha256 ${REPORT_FILE_NAMES[format as ReportFormat].padEnd(14)} ${digest}`);
for (const folder of folders) await rm(folder, { recursive: true, force: true });
