/**
 * Policy evaluation of this checkout against another one (a detached worktree of main, say), both
 * in one process with their rounds interleaved: on a shared machine a run's figure moves by ±15%
 * from one run to the next, more than most changes to evaluation are worth, while rounds taken
 * turn about bear the same load.
 *
 *   npx tsx bench/evaluation-ab.ts SNAPSHOT OTHER_CHECKOUT [--rounds N] [--other-first]
 *
 * The snapshot's bucket documents are read once; each checkout loads its own default policies
 * (its own modules, its own compiled validators and sentences) every round and evaluates every
 * document, as bench/evaluation.ts does, reading excluded. The order turns about (this, other,
 * other, this…; `--other-first` starts with the other), so neither is always the one after a
 * garbage collection the other caused. Round 1 is each checkout's JIT warm-up; the summary gives
 * it, the warm rounds' median and mean, and all rounds per 100,000 documents (CPU), then the
 * results' sha256 of each, which must be equal.
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { BucketDocument, PolicyResult } from "../src/model/index.js";
import type { EvaluateOptions, PolicySet } from "../src/policy/index.js";
import { snapshotRecords } from "../src/report/index.js";
import { numberFlag } from "./flags.js";
import { median } from "./median.js";

interface Evaluator {
  name: string;
  loadPolicies: () => Promise<PolicySet>;
  evaluateBucket: (set: PolicySet, doc: BucketDocument, options?: EvaluateOptions) => PolicyResult[];
  cpuSeconds: number[];
}

const [file, otherRoot] = process.argv.slice(2);
if (file === undefined || otherRoot === undefined || file.startsWith("--") || otherRoot.startsWith("--")) {
  console.error("usage: npx tsx bench/evaluation-ab.ts SNAPSHOT OTHER_CHECKOUT [--rounds N] [--other-first]");
  process.exit(2);
}
const rounds = numberFlag("rounds", 10);
const otherFirst = process.argv.includes("--other-first");

const evaluator = async (name: string, root: string): Promise<Evaluator> => {
  const policy = (await import(pathToFileURL(resolve(root, "src/policy/index.ts")).href)) as Pick<Evaluator, "loadPolicies" | "evaluateBucket">;
  return { name, loadPolicies: policy.loadPolicies, evaluateBucket: policy.evaluateBucket, cpuSeconds: [] };
};
const here = await evaluator("this", resolve(import.meta.dirname, ".."));
const other = await evaluator("other", otherRoot);

const docs: BucketDocument[] = [];
for await (const record of snapshotRecords(file, { validate: false })) if (record.record === "bucket") docs.push(record.bucket);
const now = new Date();

const round = async (e: Evaluator): Promise<void> => {
  const set = await e.loadPolicies();
  const cpu = process.cpuUsage();
  for (const doc of docs) e.evaluateBucket(set, doc, { suppressions: [], now });
  const used = process.cpuUsage(cpu);
  e.cpuSeconds.push((used.user + used.system) / 1e6);
};
for (let i = 0; i < rounds; i++) {
  const pair = (i % 2 === 0) !== otherFirst ? [here, other] : [other, here];
  for (const e of pair) await round(e);
  console.log(`round ${i + 1}: this ${(here.cpuSeconds[i] as number).toFixed(3)} s CPU, other ${(other.cpuSeconds[i] as number).toFixed(3)} s CPU`);
}

const per100k = (seconds: number): string => `${((seconds * 100_000) / docs.length).toFixed(2)} s`;
const digest = async (e: Evaluator): Promise<string> => {
  const set = await e.loadPolicies();
  const hash = createHash("sha256");
  for (const doc of docs) for (const result of e.evaluateBucket(set, doc, { suppressions: [] })) hash.update(`${JSON.stringify(result)}\n`);
  return hash.digest("hex");
};
console.log(`per 100,000 documents (${docs.length} documents a round), CPU:`);
for (const e of [here, other]) {
  const [first = 0, ...warm] = e.cpuSeconds;
  const all = e.cpuSeconds.reduce((sum, s) => sum + s, 0) / e.cpuSeconds.length;
  const warmFigures = warm.length === 0 ? "" : `, warm median ${per100k(median(warm))}, warm mean ${per100k(warm.reduce((sum, s) => sum + s, 0) / warm.length)}`;
  console.log(`${e.name}: round 1 ${per100k(first)}${warmFigures}, all rounds ${per100k(all)}; results sha256 ${await digest(e)}`);
}
