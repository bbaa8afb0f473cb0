/**
 * Sandbox figures: how long a generated 1,000-account × 100-bucket organization takes to start,
 * and the server time of GetBucketVersioning (from the call log's serverMicros, which excludes
 * network and client time). Run alone with `npx tsx bench/sandbox.ts`; `npm run bench` calls
 * benchSandbox().
 */
import { GetBucketVersioningCommand, S3Client } from "@aws-sdk/client-s3";
import { pathToFileURL } from "node:url";
import { startSandbox } from "../src/sandbox/index.js";

export interface SandboxBenchFigures {
  accounts: number;
  bucketsPerAccount: number;
  startMs: number;
  calls: number;
  serverMicrosMedian: number;
  serverMicrosP99: number;
  wallMsPerCall: number;
  heapMb: number;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

export async function benchSandbox(options: { accounts?: number; buckets?: number; calls?: number } = {}): Promise<SandboxBenchFigures> {
  const accounts = options.accounts ?? Number(process.env.BENCH_SANDBOX_ACCOUNTS ?? 1000);
  const bucketsPerAccount = options.buckets ?? Number(process.env.BENCH_SANDBOX_BUCKETS ?? 100);
  const calls = options.calls ?? 2000;

  const started = performance.now();
  const sandbox = await startSandbox({ generate: { accounts, buckets: bucketsPerAccount, seed: 1 } });
  const startMs = performance.now() - started;
  try {
    // The management account's own buckets, each asked in its own Region (no redirects measured).
    const own = [...sandbox.world.buckets.values()].filter((b) => b.accountId === sandbox.managementAccountId);
    const clients = new Map<string, S3Client>();
    const clientFor = (region: string): S3Client => {
      let client = clients.get(region);
      if (client === undefined) {
        client = new S3Client({ endpoint: sandbox.endpoint, credentials: sandbox.credentials, region, forcePathStyle: true, maxAttempts: 1 });
        clients.set(region, client);
      }
      return client;
    };
    const first = sandbox.calls.length;
    const wallStarted = performance.now();
    for (let i = 0; i < calls; i++) {
      const bucket = own[i % own.length]!;
      await clientFor(bucket.region).send(new GetBucketVersioningCommand({ Bucket: bucket.name }));
    }
    const wallMsPerCall = (performance.now() - wallStarted) / calls;
    const measured = sandbox.calls.slice(first).filter((c) => c.operation === "GetBucketVersioning" && c.status === 200);
    if (measured.length !== calls) throw new Error(`expected ${calls} successful GetBucketVersioning calls, got ${measured.length}`);
    const micros = measured.map((c) => c.serverMicros).sort((a, b) => a - b);
    const figures: SandboxBenchFigures = {
      accounts,
      bucketsPerAccount,
      startMs: Math.round(startMs),
      calls,
      serverMicrosMedian: percentile(micros, 0.5),
      serverMicrosP99: percentile(micros, 0.99),
      wallMsPerCall: Number(wallMsPerCall.toFixed(3)),
      heapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    };
    console.log(
      `sandbox ${accounts} accounts × ${bucketsPerAccount} buckets: started in ${figures.startMs} ms; ` +
        `GetBucketVersioning server time median ${figures.serverMicrosMedian} µs, p99 ${figures.serverMicrosP99} µs ` +
        `(${calls} calls, ${figures.wallMsPerCall} ms wall per call through the SDK); heap ${figures.heapMb} MB`,
    );
    return figures;
  } finally {
    await sandbox.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await benchSandbox();
