/**
 * `npm run bench`: speed and memory figures, printed, never asserted by timed unit tests.
 * 1. Sandbox: start-up of a generated organization and server time per GetBucketVersioning.
 * 2. Audit: a generated organization scanned end to end through the real SDK over HTTP —
 *    wall time, buckets/s, AWS calls per bucket, peak RSS and heap.
 * Sizes: BENCH_ACCOUNTS (default 200) × BENCH_BUCKETS (default 50) for the audit.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { audit } from "../src/audit/index.js";
import { startSandbox } from "../src/sandbox/index.js";
import { benchSandbox } from "./sandbox.js";

const accounts = Number(process.env.BENCH_ACCOUNTS ?? 200);
const bucketsPerAccount = Number(process.env.BENCH_BUCKETS ?? 50);

function sampleMemory(): () => { rssMb: number; heapMb: number } {
  let rss = 0;
  let heap = 0;
  const timer = setInterval(() => {
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heap = Math.max(heap, usage.heapUsed);
  }, 50);
  return () => {
    clearInterval(timer);
    return { rssMb: Math.round(rss / 2 ** 20), heapMb: Math.round(heap / 2 ** 20) };
  };
}

async function benchAudit(): Promise<void> {
  const sandbox = await startSandbox({ generate: { accounts, buckets: bucketsPerAccount, seed: 1 } });
  const out = await mkdtemp(join(tmpdir(), "replguard-bench-"));
  try {
    const stopSampling = sampleMemory();
    const started = performance.now();
    const result = await audit({
      scan: { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region },
      outDir: out,
      formats: ["json", "csv", "sarif", "html"],
    });
    const seconds = (performance.now() - started) / 1000;
    const memory = stopSampling();
    const buckets = result.snapshot.buckets.length;
    const s3Calls = sandbox.calls.filter((call) => call.service === "s3").length;
    console.log(
      `audit ${accounts} accounts × ${bucketsPerAccount} buckets: ${buckets} buckets in ${seconds.toFixed(2)} s ` +
        `(${Math.round(buckets / seconds)} buckets/s), ${(s3Calls / buckets).toFixed(2)} S3 calls/bucket, ` +
        `${sandbox.calls.length} calls in all, ${result.snapshot.results.length} results, peak RSS ${memory.rssMb} MB (heap ${memory.heapMb} MB, sandbox included)`,
    );
  } finally {
    await sandbox.close();
    await rm(out, { recursive: true, force: true });
  }
}

await benchSandbox();
await benchAudit();
