/**
 * `npm run bench`: speed and memory figures, printed, never asserted by timed unit tests.
 * 1. Sandbox: start-up of a generated 1,000 × 100 organization and server time per GetBucketVersioning.
 * 2. Audit: a generated organization scanned end to end through the real SDK over HTTP, with the
 *    sandbox in its own process (as AWS would be) so the figures are the scanner's own:
 *    wall time, buckets/s, S3 calls per bucket, the audit process's peak RSS and heap.
 * 3. Injected latency: the wall time it adds per call, kept out of the call log's server time.
 * Sizes: BENCH_ACCOUNTS (default 200) × BENCH_BUCKETS (default 50) for the audit.
 * `npm run bench -- --quick`: smaller worlds and fewer calls (20 × 20 audit, 200-account sandbox),
 * to see the figures move in seconds; compare like with like.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { audit } from "../src/audit/index.js";
import type { CallRecord } from "../src/sandbox/types.js";
import { benchLatency, benchSandbox } from "./sandbox.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const quick = process.argv.includes("--quick");
const accounts = Number(process.env.BENCH_ACCOUNTS ?? (quick ? 20 : 200));
const bucketsPerAccount = Number(process.env.BENCH_BUCKETS ?? (quick ? 20 : 50));
const root = fileURLToPath(new URL("..", import.meta.url));

function sampleMemory(): () => { rssMb: number; heapMb: number } {
  let rss = 0;
  let heap = 0;
  const sample = (): void => {
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heap = Math.max(heap, usage.heapUsed);
  };
  const timer = setInterval(sample, 50);
  return () => {
    clearInterval(timer);
    sample();
    return { rssMb: Math.round(rss / 2 ** 20), heapMb: Math.round(heap / 2 ** 20) };
  };
}

/** `replguard sandbox --generate …` in a child process; resolves with its printed environment. */
async function sandboxProcess(): Promise<{ child: ChildProcess; env: Record<string, string> }> {
  const args = ["--import", "tsx", `${root}src/cli/main.ts`, "sandbox", "--generate", `accounts=${accounts},buckets=${bucketsPerAccount},seed=1`];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  const env = await new Promise<Record<string, string>>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!stdout.includes("AWS_REGION=")) return;
      const pairs = stdout.split("\n").flatMap((line) => {
        const match = /^export (\w+)=(.*)$/.exec(line);
        return match ? [[match[1]!, match[2]!] as const] : [];
      });
      resolve(Object.fromEntries(pairs));
    });
    child.once("exit", (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  return { child, env };
}

async function benchAudit(): Promise<void> {
  const { child, env } = await sandboxProcess();
  const out = await mkdtemp(join(tmpdir(), "replguard-bench-"));
  try {
    const stopSampling = sampleMemory();
    const started = performance.now();
    const result = await audit({
      scan: {
        endpoint: env.AWS_ENDPOINT_URL,
        region: env.AWS_REGION,
        credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
      },
      outDir: out,
      formats: ["json", "csv", "sarif", "html"],
    });
    const seconds = (performance.now() - started) / 1000;
    const memory = stopSampling();
    const calls = (await (await fetch(`${env.AWS_ENDPOINT_URL}/_sandbox/calls`)).json()) as CallRecord[];
    const buckets = result.snapshot.buckets.length;
    const s3Calls = calls.filter((call) => call.service === "s3").length;
    console.log(
      `audit ${accounts} accounts × ${bucketsPerAccount} buckets (sandbox in its own process): ${buckets} buckets in ${seconds.toFixed(2)} s ` +
        `(${Math.round(buckets / seconds)} buckets/s, reports included), ${(s3Calls / buckets).toFixed(2)} S3 calls/bucket, ` +
        `${calls.length} calls in all, ${result.snapshot.results.length} results; audit process peak RSS ${memory.rssMb} MB, heap ${memory.heapMb} MB`,
    );
  } finally {
    child.kill("SIGINT");
    await rm(out, { recursive: true, force: true });
  }
}

await benchSandbox({ quick });
await benchLatency(50, quick ? 10 : 20);
await benchAudit();
