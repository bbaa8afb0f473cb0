/**
 * Scanner CPU per bucket (issue #15's "CPU: at most 1.0 ms per bucket"): user + system CPU of this
 * process during `scan()` ÷ buckets, with the sandbox in its own process (as AWS would be), so the
 * figure is the scanner's own (docs/scale.md, "## CPU"). Each round prints that figure split by the
 * scan's stages (the `replguard:scan-stage` channel): the **accounts stage** (AssumeRole, ListBuckets
 * and every bucket's reads: the scanner's CPU per bucket the issue asks about), the organization walk,
 * destinations and the handover. No policy is evaluated and no report rendered: those are the audit's.
 * `npx tsx bench/scan-cpu.ts [--accounts N] [--buckets M] [--concurrency C] [--rounds R] [--latency MS] [--audit-plan] [--profile | --allocations] [--sdk-reads] [--pin-cores]`
 * (defaults 100 × 50, 64, 2 rounds: the first warms the JIT, the last is the one to read; with 3 or more, a
 * last line gives the least and the median of rounds 2 onwards, for A/B runs on a busy machine). `--sdk-reads`
 * sends the per-bucket GETs through the SDK client instead of the lean read path (the "before").
 * Each round also prints its calls by operation (from the sandbox's call log) and S3 calls per bucket,
 * the TCP connections the scanner opened (node's `net.client.socket` channel), and the process's context
 * switches (voluntary: it slept until an answer came; involuntary: it was taken off the CPU) and its CPU by
 * thread (bench/thread-cpu.ts: the main thread's JavaScript, V8's garbage-collection workers), and the lean
 * reads' answers per turn of the event loop and the turns after which it slept for more (src/aws/answer-turns.ts). `--latency MS`
 * gives every sandbox answer that delay, as `npm run bench` does (issue #15 measures at 100 ms).
 * `--audit-plan` scans with the fact plan of the default policies (what `audit` reads: about 3 S3
 * calls a bucket, and the early access batches), not the scan's default plan (versioning, replication).
 * `--pin-cores` runs the sandbox on one core and this process on another (bench/pin-cores.ts).
 * The heap's growth and the compiler's inlining are set as the executable sets them (src/cli/heap.ts,
 * src/cli/inlining.ts): the figure is the CLI's scan.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { Session } from "node:inspector/promises";
import { writeFile } from "node:fs/promises";
import { boundHeapGrowth } from "../src/cli/heap.js";
import { limitInlining } from "../src/cli/inlining.js";
import { scan } from "../src/scan/index.js";
import { loadPolicies, requiredFacts } from "../src/policy/index.js";
import { numberFlag } from "./flags.js";
import { corePinsFlag, pinProcess } from "./pin-cores.js";
import { startSandboxChild } from "./sandbox-child.js";
import { stageCpu, stageCpuLines, summary, type StageMark } from "./stage-cpu.js";
import { mainThreadWakeups, threadCpu, threadCpuLine } from "./thread-cpu.js";
import { answerTurnCounts, countAnswerTurns } from "../src/aws/answer-turns.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
boundHeapGrowth();
limitInlining();
const accounts = numberFlag("accounts", 100);
const buckets = numberFlag("buckets", 50);
const concurrency = numberFlag("concurrency", 64);
const rounds = numberFlag("rounds", 2);
const leanReads = !process.argv.includes("--sdk-reads");
const latency = numberFlag("latency", 0);
const facts = process.argv.includes("--audit-plan") ? requiredFacts(await loadPolicies()) : undefined;
const pins = corePinsFlag();
if (pins !== null) pinProcess(process.pid, pins.scanner);
// The lean answers' turns are counted only when asked (src/aws/answer-turns.ts): this bench prints them.
countAnswerTurns();
/** TCP connections this process opened so far (node publishes each new client socket on this channel). */
let connections = 0;
const onSocket = (): void => void connections++;
subscribe("net.client.socket", onSocket);

/** This process's CPU so far (user + system), in ms. */
const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

const { child, env } = await startSandboxChild(accounts, buckets, latency > 0 ? ["--latency-ms", String(latency)] : [], pins?.sandbox);
/** The sandbox's call log so far (its records are appended, never dropped). */
const callLog = async (): Promise<{ service: string; operation: string }[]> =>
  (await (await fetch(`${env.AWS_ENDPOINT_URL}/_sandbox/calls`)).json()) as { service: string; operation: string }[];
/** Each round's accounts-stage and whole-scan CPU per bucket, for the summary after the last round. */
const perRound: { accounts: number; scan: number }[] = [];
try {
  // --allocations samples what the last round allocates, garbage included (the collector's share of the CPU is what it costs).
  const allocations = process.argv.includes("--allocations");
  const session = process.argv.includes("--profile") || allocations ? new Session() : undefined;
  for (let round = 1; round <= rounds; round++) {
    if (session !== undefined && round === rounds) {
      session.connect();
      if (allocations) {
        await session.post("HeapProfiler.enable");
        await session.post("HeapProfiler.startSampling", { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      } else {
        await session.post("Profiler.enable");
        await session.post("Profiler.start");
      }
    }
    const logged = await callLog();
    const marks: StageMark[] = [];
    const onStage = (message: unknown): void => void marks.push({ stage: (message as { stage: string }).stage, cpuMs: cpuMs() });
    subscribe("replguard:scan-stage", onStage);
    const connectionsBefore = connections;
    const before = process.cpuUsage();
    const usageBefore = process.resourceUsage();
    const threadsBefore = threadCpu();
    const turnsBefore = answerTurnCounts();
    const wakeupsBefore = mainThreadWakeups() ?? 0;
    const started = performance.now();
    const startCpu = cpuMs();
    const result = await scan({
      endpoint: env.AWS_ENDPOINT_URL,
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
      concurrency: { requests: concurrency, accounts: 16 },
      leanReads,
      ...(facts === undefined ? {} : { facts }),
    });
    const endCpu = cpuMs();
    unsubscribe("replguard:scan-stage", onStage);
    const cpu = process.cpuUsage(before);
    const usage = process.resourceUsage();
    const threadsAfter = threadCpu();
    const turnsAfter = answerTurnCounts();
    const wakeups = (mainThreadWakeups() ?? 0) - wakeupsBefore;
    const wall = performance.now() - started;
    const n = result.buckets.length;
    const ms = (cpu.user + cpu.system) / 1000;
    console.log(
      `round ${round}: ${n} buckets, ${result.scan.retries?.calls ?? "?"} calls, wall ${(wall / 1000).toFixed(1)} s, CPU ${(ms / 1000).toFixed(2)} s ` +
        `(user ${(cpu.user / 1e6).toFixed(2)} + system ${(cpu.system / 1e6).toFixed(2)}) = ${(ms / n).toFixed(3)} ms/bucket` +
        (leanReads ? "" : " (SDK reads)"),
    );
    for (const line of stageCpuLines(startCpu, marks, endCpu, n)) console.log(`  ${line}`);
    // Each time the process sleeps (nothing to do until an answer comes) is a voluntary switch: at 100 ms a call about twice as many (docs/scale.md).
    const voluntary = usage.voluntaryContextSwitches - usageBefore.voluntaryContextSwitches;
    const involuntary = usage.involuntaryContextSwitches - usageBefore.involuntaryContextSwitches;
    console.log(`  context switches: voluntary ${voluntary} (${(voluntary / n).toFixed(2)} a bucket), involuntary ${involuntary}`);
    // Answers per wake-up: the lean reads' answers, the loop turns that handled any, and the turns after which it slept for more (src/aws/answer-turns.ts).
    const answers = turnsAfter.answers - turnsBefore.answers;
    const turns = turnsAfter.turns - turnsBefore.turns;
    console.log(`  lean answers ${answers} in ${turns} turns (${(answers / turns).toFixed(2)} a turn), coalescing waits ${turnsAfter.waits - turnsBefore.waits} (${(turnsAfter.sleptMs - turnsBefore.sleptMs).toFixed(0)} ms asleep), main thread's wake-ups ${wakeups} (${(answers / wakeups).toFixed(2)} answers a wake-up)`);
    // The main thread runs the JavaScript; V8's workers the parallel and concurrent garbage collection.
    if (threadsAfter.size > 0) console.log(`  CPU by thread: ${threadCpuLine(threadsBefore, threadsAfter)}`);
    perRound.push({ accounts: stageCpu(startCpu, marks, endCpu, "accounts") / n, scan: ms / n });
    // Before the call log is fetched (that fetch opens a connection of its own).
    const opened = connections - connectionsBefore;
    const calls = (await callLog()).slice(logged.length);
    const byOperation = new Map<string, number>();
    for (const call of calls) byOperation.set(call.operation, (byOperation.get(call.operation) ?? 0) + 1);
    const s3 = calls.filter((call) => call.service === "s3").length;
    console.log(`  TCP connections opened ${opened} (${(opened / calls.length).toFixed(3)} a call, ${(opened / n).toFixed(3)} a bucket)${latency > 0 ? `, ${latency} ms a call` : ""}`);
    console.log(`  S3 calls per bucket ${(s3 / n).toFixed(2)}; by operation: ${[...byOperation].sort(([a], [b]) => a.localeCompare(b)).map(([op, count]) => `${op} ${count}`).join(", ")}`);
    if (session !== undefined && round === rounds) {
      const file = allocations ? "scan-cpu.heapprofile" : "scan-cpu.cpuprofile";
      const { profile } = allocations ? await session.post("HeapProfiler.stopSampling") : await session.post("Profiler.stop");
      await writeFile(file, JSON.stringify(profile));
      console.log(`profile: ${file}`);
    }
  }
  // Under contention a round's CPU only grows (caches, other processes), so the least is the closest to a quiet machine's.
  if (rounds > 2) console.log(summary(perRound.slice(1)));
} finally {
  child.kill();
}
