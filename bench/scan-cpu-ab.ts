/**
 * Scanner CPU, before → after, in one process: two source trees' `scan()` run alternately (A B, B A,
 * …) against one sandbox, so both see the same machine, however busy (docs/scale.md, "## CPU").
 * Prints each round's accounts-stage CPU per bucket (the scanner's reads), then the median, mean and
 * least of each tree and the median of the per-pair ratio B ÷ A. The first pair only warms up.
 * `npx tsx bench/scan-cpu-ab.ts TREE_A TREE_B [--accounts 20] [--buckets 100] [--pairs 6] [--latency MS] [--audit-plan] [--pin-cores]`,
 * each tree a checkout of this repository (e.g. `git worktree add /tmp/before main`) with its node_modules.
 * `--audit-plan` scans with the default policies' fact plan (tree B's), as `audit` does; `--latency MS`
 * delays every sandbox answer (bench/scan-cpu.ts); `--pin-cores` runs the sandbox on one core and
 * both trees' scans on another (bench/pin-cores.ts). `--b-env NAME=VALUE` sets an environment variable
 * for tree B's scans only (A's see the value this process was started with): with the same tree
 * twice, an A/B of a setting, e.g. `REPLGUARD_COALESCE_MS=0 … . . --b-env REPLGUARD_COALESCE_MS=4`. Each scan also prints its lean answers per turn of the event
 * loop and its coalescing waits when its tree counts them (src/aws/answer-turns.ts).
 */
import { subscribe } from "node:diagnostics_channel";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import type { scan as scanHere } from "../src/scan/index.js";
import type { loadPolicies, requiredFacts } from "../src/policy/index.js";
import { numberFlag } from "./flags.js";
import { corePinsFlag, pinProcess } from "./pin-cores.js";
import { startSandboxChild } from "./sandbox-child.js";
import { mainThreadWakeups } from "./thread-cpu.js";
import { median } from "./median.js";

type Scan = typeof scanHere;
const [treeA, treeB] = process.argv.slice(2, 4).map((tree) => resolve(tree));
if (treeA === undefined || treeB === undefined || treeA.startsWith("-") || treeB.startsWith("-")) {
  console.error("bench: scan-cpu-ab.ts needs two source trees: TREE_A TREE_B");
  process.exit(2);
}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const accounts = numberFlag("accounts", 20);
const buckets = numberFlag("buckets", 100);
const pairs = numberFlag("pairs", 6);
const latency = numberFlag("latency", 0);
const bEnvAt = process.argv.indexOf("--b-env");
const bEnv = bEnvAt < 0 ? undefined : /^(\w+)=(.*)$/.exec(process.argv[bEnvAt + 1] ?? "");
if (bEnvAt >= 0 && bEnv == null) {
  console.error("bench: --b-env needs NAME=VALUE");
  process.exit(2);
}
/** The variable's value for A's scans: this process's own. */
const aEnv = bEnv == null ? undefined : process.env[bEnv[1]!];
const pins = corePinsFlag();
if (pins !== null) pinProcess(process.pid, pins.scanner);
type Policies = { loadPolicies: typeof loadPolicies; requiredFacts: typeof requiredFacts };
const policies = process.argv.includes("--audit-plan") ? ((await import(`${treeB}/src/policy/index.ts`)) as Policies) : null;
const facts = policies === null ? undefined : policies.requiredFacts(await policies.loadPolicies());
const scans: Record<"A" | "B", Scan> = {
  A: ((await import(`${treeA}/src/scan/index.ts`)) as { scan: Scan }).scan,
  B: ((await import(`${treeB}/src/scan/index.ts`)) as { scan: Scan }).scan,
};

type Counts = { answers: number; turns: number; waits: number; sleptMs?: number };
type TurnsModule = { answerTurnCounts?: () => Counts; countAnswerTurns?: () => void };
/**
 * Each tree's answer-turn counts (src/aws/answer-turns.ts), if it has them (the same module for the
 * same tree), counting switched on where the tree counts only when asked.
 */
const countsOf = async (tree: string): Promise<(() => Counts) | undefined> => {
  const turns = (await import(`${tree}/src/aws/answer-turns.ts`).catch(() => ({}))) as TurnsModule;
  turns.countAnswerTurns?.();
  return turns.answerTurnCounts;
};
const counts = { A: await countsOf(treeA), B: await countsOf(treeB) };
/** Answers a turn, coalescing waits and answers a wake-up of the main thread (`wakeups` its voluntary switches over the scan). */
const turnsLine = (before: Counts | undefined, after: Counts | undefined, wakeups: number): string => {
  if (before === undefined || after === undefined) return "";
  const answers = after.answers - before.answers;
  const waits = after.waits - before.waits;
  // How long the waits took (trees that time them): more than asked when the thread waits for a core after one.
  const slept = after.sleptMs === undefined || before.sleptMs === undefined || waits === 0 ? "" : ` (${((after.sleptMs - before.sleptMs) / waits).toFixed(2)} ms each)`;
  return `, ${(answers / (after.turns - before.turns)).toFixed(2)} answers a turn, ${waits} waits${slept}, ${(answers / wakeups).toFixed(2)} answers a wake-up`;
};

const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
let marks: { stage: string; cpuMs: number }[] = [];
subscribe("replguard:scan-stage", (message) => void marks.push({ stage: (message as { stage: string }).stage, cpuMs: cpuMs() }));

const { child, env } = await startSandboxChild(accounts, buckets, latency > 0 ? ["--latency-ms", String(latency)] : [], pins?.sandbox);
const perBucket: Record<"A" | "B", number[]> = { A: [], B: [] };
try {
  for (let pair = 0; pair <= pairs; pair++) {
    for (const tree of pair % 2 === 0 ? (["A", "B"] as const) : (["B", "A"] as const)) {
      marks = [];
      if (bEnv != null) {
        if (tree === "B") process.env[bEnv[1]!] = bEnv[2]!;
        else if (aEnv === undefined) delete process.env[bEnv[1]!];
        else process.env[bEnv[1]!] = aEnv;
      }
      const countsBefore = counts[tree]?.();
      const wakeupsBefore = mainThreadWakeups() ?? 0;
      const started = performance.now();
      const result = await scans[tree]({
        endpoint: env.AWS_ENDPOINT_URL,
        region: env.AWS_REGION,
        credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
        concurrency: { requests: 64, accounts: 16 },
        ...(facts === undefined ? {} : { facts }),
      });
      const end = cpuMs();
      const wall = (performance.now() - started) / 1000;
      const countsAfter = counts[tree]?.();
      const wakeups = (mainThreadWakeups() ?? 0) - wakeupsBefore;
      const at = marks.findIndex((mark) => mark.stage === "accounts");
      const ms = ((marks[at + 1]?.cpuMs ?? end) - marks[at]!.cpuMs) / result.buckets.length;
      if (pair > 0) perBucket[tree].push(ms);
      console.log(`pair ${pair}${pair === 0 ? " (warm-up)" : ""} ${tree}: accounts stage ${ms.toFixed(3)} ms/bucket (${result.buckets.length} buckets, wall ${wall.toFixed(1)} s, main thread's wake-ups ${wakeups}, load ${loadavg()[0]!.toFixed(1)}${turnsLine(countsBefore, countsAfter, wakeups)})`);
    }
  }
} finally {
  child.kill();
}
for (const tree of ["A", "B"] as const) {
  const values = perBucket[tree];
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  console.log(`${tree} (${tree === "A" ? treeA : treeB}): accounts stage median ${median(values).toFixed(3)}, mean ${mean.toFixed(3)}, least ${Math.min(...values).toFixed(3)} ms/bucket`);
}
const ratios = perBucket.A.map((a, i) => perBucket.B[i]! / a);
console.log(`B ÷ A per pair: median ${median(ratios).toFixed(3)} (${ratios.map((ratio) => ratio.toFixed(2)).join(", ")})`);
