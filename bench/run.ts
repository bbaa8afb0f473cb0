/**
 * `npm run bench`: the issue #15 table, printed, never asserted (unit tests assert no time).
 * A generated organization is served by `replguard sandbox --generate` in its own process, with an
 * injected latency per call, and `replguard audit --format all` runs in another child process, so
 * its CPU (user + system) and peak RSS are the audit's own. Then, from the snapshot file it wrote:
 * calls by operation against the fact plan's minimum, policy evaluation time, each report
 * re-rendered alone (`replguard report`, its time and size) and the HTML's first screen in
 * headless Chromium (/usr/bin/chromium). The audit child and the policy evaluation passes (each a
 * fresh process, bench/evaluation.ts) compile as the `replguard` executable does (src/cli/main.ts:
 * its heap growth, src/cli/heap.ts, in the audit; its inlining limit, src/cli/inlining.ts, in both).
 * Each stage's line also gives the audit's main-thread wake-ups, and a line what a sleep and
 * wake-up costs on this machine (bench/wake-cost.ts, probed before the sandbox starts).
 *
 * Flags: --accounts N (default 1000) --buckets N per account (default 100) --latency MS (default
 * 100) --concurrency N (default 64) --no-calls (skip the call log: at 1,000,000 buckets it is large)
 * --pack NAME (only that policy pack, e.g. baseline: no IAM/bucket/key-policy reads) --no-browser --no-rerender (skip the
 * reports re-rendered from the snapshot: the audit's own figures only) --sandbox-figures (also the sandbox's own figures, bench/sandbox.ts)
 * --workers N|auto (the audit's worker threads) --throttle RATE (the sandbox throttles that share of
 * the calls, seeded: S3 503 SlowDown, STS/Organizations 400; the table then shows the retries) --quick (20 × 10
 * at 5 ms: a CI smoke run that asserts nothing about speed) --pin-cores (the sandbox on one core, every
 * CLI child, the audit's, on another: bench/pin-cores.ts) --evaluation-passes N (policy evaluation's
 * one pass taken N times, each in a fresh process, the median reported: default 3, 1 with --quick). A million buckets, no latency:
 * `npm run bench -- --accounts 1000 --buckets 1000 --latency 0 --no-calls`.
 */
import { execFile } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { CallRecord } from "../src/sandbox/types.js";
import { evaluationPassesLine, freshEvaluationPass, htmlFirstScreenMs, minimumCalls, type EvaluationFigures } from "./figures.js";
import { benchLatency, benchSandbox } from "./sandbox.js";
import { numberFlag } from "./flags.js";
import { corePinsFlag, onCore } from "./pin-cores.js";
import { startSandboxChild, type SandboxChild } from "./sandbox-child.js";
import { freshWakeCost, wakeCostLine } from "./wake-cost.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const accounts = numberFlag("accounts", quick ? 20 : 1000);
const bucketsPerAccount = numberFlag("buckets", quick ? 10 : 100);
const latency = numberFlag("latency", quick ? 5 : 100);
const concurrency = numberFlag("concurrency", 64);
/** `--pack NAME`: audit with that policy pack only (e.g. `baseline`, which reads no IAM, bucket or key policy), to show what the other policies' facts cost in calls. */
const packIndex = argv.indexOf("--pack");
const pack = packIndex < 0 ? null : argv[packIndex + 1]!;
/** `--workers N|auto`, handed to the audit as is. */
const workersIndex = argv.indexOf("--workers");
const workers = workersIndex < 0 ? null : argv[workersIndex + 1]!;
const throttle = numberFlag("throttle", 0);
/** `--evaluation-passes N`: policy evaluation's one-pass figure taken N times, each in a fresh process, and the median reported (default 3; 1 with --quick). */
const evaluationPasses = numberFlag("evaluation-passes", quick ? 1 : 3);
if (!Number.isInteger(evaluationPasses) || evaluationPasses < 1) {
  console.error(`bench: --evaluation-passes needs a whole number of at least 1, got ${evaluationPasses}`);
  process.exit(2);
}
const root = fileURLToPath(new URL("..", import.meta.url));
const pins = corePinsFlag(argv);

/** `replguard sandbox --generate …` in a child process, with the bench's latency and throttling. */
function sandboxProcess(): Promise<SandboxChild> {
  const flags: string[] = [];
  if (latency > 0) flags.push("--latency-ms", String(latency));
  if (throttle > 0) flags.push("--throttle-rate", String(throttle), "--seed", "7");
  return startSandboxChild(accounts, bucketsPerAccount, flags, pins?.sandbox);
}

/**
 * A stage's name, start (ms since the CLI's start), the process's CPU then (ms), the highest RSS
 * while it ran (bytes, bench/peak-rss.ts), and the main thread's voluntary context switches then (each a sleep
 * and a wake-up; null without /proc).
 */
type Stage = [name: string, atMs: number, cpuMs: number, peakRss: number, wakeUps: number | null];
interface ChildFigures {
  seconds: number;
  /** The scan's stages in order, each with its start in ms since the CLI's start and the process's CPU (user + system, ms) then (the last: `exit`). */
  stages: Stage[];
  /** The process's peak RSS, the highest of its stages'. */
  rssMb: number;
  /** How the peaks were known (bench/peak-rss.ts): "kernel" or "sampled". */
  peakRssSource: string;
  cpuSeconds: number;
  stdout: string;
}

/** The CLI in a child process, with the heap set up as the executable (src/cli/main.ts) sets it up, that prints its own resource usage (peak RSS, user + system CPU) when done. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<ChildFigures> {
  // The scan's stages (src/scan/context.ts, a diagnostics channel) with their times since start, printed with the usage.
  const script =
    // Each stage's peak RSS (a worker's memory is the process's too), taken at the next mark: the kernel's high-water mark, or a sampler (bench/peak-rss.ts).
    `const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };` +
    `const peak = (await import(${JSON.stringify(`${root}bench/peak-rss.ts`)})).peakRss();` +
    // The main thread's sleeps so far (the marks are taken on it): what the machine charges for them is bench/wake-cost.ts's figure.
    `const { mainThreadWakeups } = await import(${JSON.stringify(`${root}bench/thread-cpu.ts`)}); const wakeUps = () => mainThreadWakeups() ?? null;` +
    `const stages = [["start", 0, cpu(), 0, wakeUps()]]; const t0 = performance.now();` +
    `const mark = () => { stages[stages.length - 1][3] = peak.take(); };` +
    `(await import("node:diagnostics_channel")).subscribe("replguard:scan-stage", (m) => { mark(); stages.push([m.stage, performance.now() - t0, cpu(), 0, wakeUps()]); });` +
    `const { boundHeapGrowth } = await import(${JSON.stringify(`${root}src/cli/heap.ts`)}); boundHeapGrowth();` +
    `const { limitInlining } = await import(${JSON.stringify(`${root}src/cli/inlining.ts`)}); limitInlining();` +
    `const { main } = await import(${JSON.stringify(`${root}src/cli/program.ts`)}); const code = await main(process.argv.slice(1)); mark(); const u = process.resourceUsage(); stages.push(["exit", performance.now() - t0, cpu(), 0, wakeUps()]);` +
    // The process's peak is its stages' highest: the kernel's reset restarts maxRSS too.
    `const most = Math.max(...stages.slice(0, -1).map((s) => s[3]));` +
    `process.stderr.write("usage " + Math.round(most / 1024) + " " + (u.userCPUTime + u.systemCPUTime) + " " + peak.source + "\\nstages " + JSON.stringify(stages) + "\\n"); process.exitCode = code;`;
  const started = performance.now();
  const { stdout, stderr } = await promisify(execFile)(...onCore(pins?.scanner, process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, ...args]), {
    cwd: root,
    env: { ...process.env, ...env },
    maxBuffer: 2 ** 26,
  }).catch((error: { stdout: string; stderr: string; code: number }) => {
    // Exit 1 (findings) and 3 (incomplete) are answers, not failures of the bench.
    if (error.code === 1 || error.code === 3) return error;
    throw error;
  });
  const seconds = (performance.now() - started) / 1000;
  const match = /usage (\d+) (\d+) (\w+)/.exec(stderr);
  const stages = /stages (.*)/.exec(stderr)?.[1];
  return { seconds, rssMb: Math.round(Number(match?.[1]) / 1024), peakRssSource: match?.[3] ?? "", cpuSeconds: Number(match?.[2]) / 1e6, stdout, stages: stages === undefined ? [] : (JSON.parse(stages) as Stage[]) };
}

/** The scan's retry counts, from the snapshot's header (its first line). */
async function scanRetries(file: string): Promise<{ calls: number; retriedCalls: number; extraAttempts: number } | null> {
  // Only the first line: at a million buckets the file is larger than a string may be.
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
  let first = "";
  for await (const line of lines) {
    first = line;
    break;
  }
  const header = JSON.parse(first) as { scan: { retries?: { calls: number; retriedCalls: number; extraAttempts: number } } };
  return header.scan.retries ?? null;
}

/** The destination pass's and the access pass's S3 reads (with IAM and KMS: what may begin during the accounts stage). */
const LATER_S3 = new Set(["GetObjectLockConfiguration", "GetBucketPolicy", "GetBucketOwnershipControls"]);
const STAGE_NAMES: Record<string, string> = {
  start: "CLI start-up, config, policies",
  organization: "organization walk",
  accounts: "accounts (+ access batches begun)",
  "access-ahead": "access: batches begun, finishing",
  destinations: "destinations (2nd pass + probes)",
  access: "access pass (roles, policies, keys)",
  handover: "documents → evaluation + snapshot",
  done: "reports (after the scan)",
};
/** What each stage took, wall and the process's CPU: from its mark to the next one's; `done` to `exit` is the reports. And the highest RSS within it, and the main thread's wake-ups. */
function stageLines(stages: Stage[], buckets: number): string[] {
  return stages.slice(0, -1).map(([stage, at, cpu, peakRss, wakeUps], i) => {
    const [, nextAt, nextCpu, , nextWakeUps] = stages[i + 1]!;
    const perBucket = ((nextCpu - cpu) / buckets).toFixed(3);
    const wakes = wakeUps === null || nextWakeUps === null ? "" : `, wake-ups ${nextWakeUps - wakeUps} (${((nextWakeUps - wakeUps) / buckets).toFixed(2)}/bucket)`;
    return row(`  stage: ${STAGE_NAMES[stage] ?? stage}`, `${((nextAt - at) / 1000).toFixed(2)} s, CPU ${((nextCpu - cpu) / 1000).toFixed(2)} s (${perBucket} ms/bucket), peak RSS ${Math.round(peakRss / 2 ** 20)} MB${wakes}`);
  });
}

/** The accounts stage's CPU and main-thread wake-ups, from its mark to the next one's; undefined without them. */
function accountsStage(stages: Stage[], buckets: number): { wakeUps: number; buckets: number; cpuMs: number } | undefined {
  const i = stages.findIndex(([name]) => name === "accounts");
  const [, , cpu, , wakeUps] = stages[i] ?? [];
  const [, , nextCpu, , nextWakeUps] = stages[i + 1] ?? [];
  if (i < 0 || cpu === undefined || nextCpu === undefined || wakeUps == null || nextWakeUps == null) return undefined;
  return { wakeUps: nextWakeUps - wakeUps, buckets, cpuMs: nextCpu - cpu };
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const row = (label: string, value: string): string => `  ${label.padEnd(34)} ${value}`;

/** Each report re-rendered alone from the audit's snapshot (`replguard report`), then all three on one thread and with the report worker (src/report/render-threads.ts). */
async function rerenderLines(snapshotFile: string, dir: string): Promise<string[]> {
  const lines: string[] = [];
  for (const format of ["csv", "sarif", "html"] as const) {
    const again = join(dir, `report-${format}`);
    const run = await cli(["report", snapshotFile, "--format", format, "--out", again]);
    const file = join(again, { csv: "results.csv", sarif: "results.sarif", html: "report.html" }[format]);
    lines.push(row(`report ${format}`, `${run.seconds.toFixed(1)} s, ${mb((await stat(file)).size)}, peak RSS ${run.rssMb} MB`));
  }
  for (const threads of ["0", "1"] as const) {
    const run = await cli(["report", snapshotFile, "--format", "csv,sarif,html", "--out", join(dir, `report-all-${threads}`)], { REPLGUARD_REPORT_THREADS: threads });
    lines.push(row(`report csv,sarif,html ${threads === "1" ? "(2 threads)" : "(1 thread)"}`, `${run.seconds.toFixed(1)} s, CPU ${run.cpuSeconds.toFixed(1)} s, peak RSS ${run.rssMb} MB`));
  }
  return lines;
}

async function benchAudit(): Promise<void> {
  // Before the sandbox starts: the machine as idle as the bench will find it.
  const wakeCost = await freshWakeCost();
  const { child, env } = await sandboxProcess();
  const dir = await mkdtemp(join(tmpdir(), "replguard-bench-"));
  const out = join(dir, "audit");
  try {
    const auditRun = await cli(["audit", "--format", "all", "--out", out, "--concurrency", String(concurrency), "--quiet", ...(pack === null ? [] : ["--pack", pack]), ...(workers === null ? [] : ["--workers", workers])], {
      AWS_ENDPOINT_URL: env.AWS_ENDPOINT_URL!,
      AWS_REGION: env.AWS_REGION!,
      AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID!,
      AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY!,
    });
    // What starting the CLI costs (tsx compiles the sources), taken off the audit's wall and CPU.
    const startup = await cli(["policies", "list", "--json"]);
    const snapshotFile = join(out, "snapshot.json");
    const minimum = await minimumCalls(snapshotFile);
    const buckets = accounts * bucketsPerAccount;
    const lines = [
      `replguard bench: ${accounts} accounts × ${bucketsPerAccount} buckets, ${latency} ms a call, concurrency ${concurrency}, Node ${process.version}` +
        `${workers === null ? "" : `, --workers ${workers}`}${throttle > 0 ? `, ${throttle * 100}% of calls throttled` : ""}` +
        `${pins === null ? "" : `, sandbox on core ${pins.sandbox} and audit on core ${pins.scanner}`}`,
    ];
    lines.push(row("accounts / buckets", `${accounts} / ${buckets}`));
    let calls = 0;
    if (!argv.includes("--no-calls")) {
      const log = (await (await fetch(`${env.AWS_ENDPOINT_URL}/_sandbox/calls`)).json()) as CallRecord[];
      calls = log.length;
      const byOperation = new Map<string, number>();
      for (const call of log) byOperation.set(call.operation, (byOperation.get(call.operation) ?? 0) + 1);
      for (const [operation, count] of [...byOperation].sort((a, b) => b[1] - a[1])) {
        const needed = minimum.get(operation);
        lines.push(row(`calls ${operation}`, `${count}${needed === undefined ? "" : ` (fact-plan minimum ${needed}${count === needed ? "" : `, ${count - needed > 0 ? "+" : ""}${count - needed}`})`}`));
      }
      const s3 = log.filter((c) => c.service === "s3").length;
      lines.push(row("S3 calls / bucket", (s3 / buckets).toFixed(2)));
      // IAM and KMS reads (the access policies) are made once per role and key, not per bucket.
      const access = log.filter((c) => c.service === "iam" || c.service === "kms").length;
      lines.push(row("IAM + KMS calls / bucket", `${(access / buckets).toFixed(2)} (${access} calls; --pack baseline leaves them out)`));
      // The overlap, told from the log's order (not the clock, fair on a busy machine): the access
      // pass's and destination pass's reads answered before the accounts stage's last bucket read.
      const lastBucketRead = log.findLastIndex((c) => c.operation === "GetBucketVersioning" || c.operation === "GetBucketReplication");
      const later = log.flatMap((c, i) => (c.service === "iam" || c.service === "kms" || LATER_S3.has(c.operation) ? [i] : []));
      const early = later.filter((i) => i < lastBucketRead).length;
      lines.push(row("access + 2nd-pass calls in accounts", `${early} of ${later.length} (answered before the last bucket read)`));
      // The floor: every call's latency spread over the slots, or the longest chain of dependent calls
      // (AssumeRole → ListBuckets → versioning → replication → destination fact → HeadBucket).
      // Throttled answers are the sandbox's refusals (S3 503 SlowDown, STS/Organizations 400 in a
      // generated organization, which has no other 400): they are left out of the floor, which is the
      // unthrottled scan's, so the ratio shows what throttling costs.
      const throttled = log.filter((c) => c.status === 503 || ((c.service === "sts" || c.service === "organizations") && c.status === 400)).length;
      const retries = await scanRetries(snapshotFile);
      lines.push(row("throttled answers", `${throttled}${throttle > 0 ? ` (${((throttled / calls) * 100).toFixed(1)}% of ${calls})` : ""}`));
      lines.push(row("retried (audit summary)", retries === null ? "not recorded" : `${retries.retriedCalls} of ${retries.calls} calls, ${retries.extraAttempts} extra attempts`));
      const floor = Math.max(((calls - throttled) * latency) / concurrency, 6 * latency) / 1000;
      lines.push(row("latency floor", latency === 0 ? "0 (no latency)" : `${floor.toFixed(1)} s`));
      if (latency > 0) lines.push(row("wall ÷ floor", ((auditRun.seconds - startup.seconds) / floor).toFixed(2)));
    }
    for (const line of stageLines(auditRun.stages, buckets)) lines.push(line);
    lines.push(row("wake-up cost (this machine)", wakeCostLine(wakeCost, accountsStage(auditRun.stages, buckets))));
    lines.push(row("audit wall (with reports)", `${(auditRun.seconds - startup.seconds).toFixed(1)} s (+ ${startup.seconds.toFixed(1)} s CLI start-up)`));
    lines.push(row("audit CPU / bucket (user+sys)", `${(((auditRun.cpuSeconds - startup.cpuSeconds) * 1000) / buckets).toFixed(2)} ms (scan, evaluation and reports; start-up taken off)`));
    lines.push(row("audit peak RSS", `${auditRun.rssMb} MB (${auditRun.peakRssSource === "kernel" ? "the kernel's high-water mark" : "sampled every 50 ms"})`));
    const passes: EvaluationFigures[] = [];
    for (let pass = 0; pass < evaluationPasses; pass++) passes.push(await freshEvaluationPass(snapshotFile));
    lines.push(row("policy evaluation (all documents)", evaluationPassesLine(passes)));
    lines.push(row("snapshot.json", mb((await stat(snapshotFile)).size)));
    if (!argv.includes("--no-rerender")) lines.push(...(await rerenderLines(snapshotFile, dir)));
    if (!argv.includes("--no-browser")) {
      const firstScreen = await htmlFirstScreenMs(join(out, "report.html"));
      lines.push(row("HTML first screen (chromium)", firstScreen === null ? "no /usr/bin/chromium" : `${firstScreen} ms`));
    }
    console.log(lines.join("\n"));
  } finally {
    child.kill("SIGINT");
    await rm(dir, { recursive: true, force: true });
  }
}

if (argv.includes("--sandbox-figures")) {
  await benchSandbox({ quick });
  await benchLatency(50, quick ? 10 : 20);
}
await benchAudit();
