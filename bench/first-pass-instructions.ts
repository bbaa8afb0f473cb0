/**
 * Policy evaluation's first pass (its JIT warm-up) counted in instructions, per thread, with
 * valgrind's callgrind: a figure that does not move with the machine's load, for changes and V8
 * settings too small to stand out from a shared machine's ±15% in seconds (docs/scale.md, "The
 * first pass in instructions").
 *
 *   npx tsx bench/first-pass-instructions.ts SNAPSHOT [--rounds N] [--after W] [--checkout DIR] [--v8 "FLAGS"]
 *
 * The snapshot's bucket documents are written to a JSON file once; a child (plain JavaScript over
 * the checkout's dist/, so that no TypeScript loader is counted: `node scripts/build-emit.js`
 * first) parses them, applies the CLI's inlining limit (src/cli/inlining.ts), loads the default
 * policies, then applies `--v8` (by `setFlagsFromString`, as the CLI would) and evaluates every
 * document N times (default 1). It runs twice under callgrind, with 0 rounds and with N: the
 * difference is the rounds' own work. Each thread is counted apart (`--separate-threads`), with
 * valgrind's fair scheduler and one V8 worker thread (`--v8-pool-size=1`): valgrind runs one
 * thread at a time, turn about, so the main thread and the compiling thread advance as on an idle
 * two-core machine. The main thread's figure is the pass's wall time there; the other threads'
 * are TurboFan's compiling (and the garbage collector's helpers). Each run takes minutes.
 * `--after W` counts the N rounds that follow W uncounted ones (runs of W and W + N rounds): with
 * W = 2, warm rounds, whose work is the evaluation's own, not the JIT's first pass.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { BucketDocument } from "../src/model/index.js";
import { snapshotRecords } from "../src/report/index.js";
import { numberFlag, textFlag } from "./flags.js";

const file = process.argv[2];
if (file === undefined || file.startsWith("--")) {
  console.error('usage: npx tsx bench/first-pass-instructions.ts SNAPSHOT [--rounds N] [--after W] [--checkout DIR] [--v8 "FLAGS"]');
  process.exit(2);
}
const rounds = numberFlag("rounds", 1);
const after = numberFlag("after", 0);
const checkout = resolve(textFlag("checkout", resolve(import.meta.dirname, "..")));
const v8Flags = textFlag("v8", "");

/** The child: what bench/evaluation.ts times, over dist/, without reading the snapshot file. */
const CHILD = `
import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
const [root, docsFile, rounds, flags] = process.argv.slice(2);
const { limitInlining } = await import(root + "/dist/cli/inlining.js");
const { evaluateBucket, loadPolicies } = await import(root + "/dist/policy/index.js");
limitInlining();
const docs = JSON.parse(readFileSync(docsFile, "utf8"));
await loadPolicies(); // compiled once and cached: loading is not the rounds' work
if (flags) setFlagsFromString(flags);
const now = new Date(0);
let results = 0;
for (let round = 0; round < Number(rounds); round++) {
  const set = await loadPolicies();
  for (const doc of docs) results += evaluateBucket(set, doc, { suppressions: [], now }).length;
}
console.log("results " + results);
`;

interface Count {
  main: number;
  others: number;
}

/** Instructions by thread of one child run with `n` rounds: callgrind writes a file per thread, `-01` the main thread's. */
async function count(dir: string, docsFile: string, n: number): Promise<Count> {
  const out = join(dir, `callgrind.${n}`);
  const run = spawnSync(
    "valgrind",
    ["--tool=callgrind", "--separate-threads=yes", "--fair-sched=yes", `--callgrind-out-file=${out}`, process.execPath, "--v8-pool-size=1", join(dir, "child.mjs"), checkout, docsFile, String(n), v8Flags],
    { encoding: "utf8" },
  );
  if (run.status !== 0) throw new Error(`valgrind exited ${String(run.status)}: ${run.stderr.slice(-2000)}`);
  const counted: Count = { main: 0, others: 0 };
  for (const name of (await readdir(dir)).filter((entry) => entry.startsWith(`callgrind.${n}-`))) {
    const totals = /^totals: (\d+)/m.exec(await readFile(join(dir, name), "utf8"));
    const instructions = Number(totals?.[1] ?? 0);
    if (name.endsWith("-01")) counted.main += instructions;
    else counted.others += instructions;
  }
  return counted;
}

const dir = await mkdtemp(join(tmpdir(), "replguard-first-pass-"));
try {
  const docs: BucketDocument[] = [];
  for await (const record of snapshotRecords(file, { validate: false })) if (record.record === "bucket") docs.push(record.bucket);
  const docsFile = join(dir, "documents.json");
  await writeFile(docsFile, JSON.stringify(docs));
  await writeFile(join(dir, "child.mjs"), CHILD);
  const before = await count(dir, docsFile, after);
  const counted = await count(dir, docsFile, after + rounds);
  const billions = (n: number): string => `${(n / 1e9).toFixed(3)} G`;
  const which = after === 0 ? "" : ` after ${after} uncounted`;
  console.log(`${docs.length} documents × ${rounds} round${rounds === 1 ? "" : "s"}${which}, ${checkout}${v8Flags ? `, V8 ${v8Flags}` : ""}`);
  console.log(`instructions of the rounds: main thread ${billions(counted.main - before.main)}, other threads ${billions(counted.others - before.others)}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
