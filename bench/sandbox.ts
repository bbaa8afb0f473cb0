/**
 * Sandbox figures, printed (unit tests assert no time; speed is measured here):
 * - start-up of a generated organization (default 1,000 accounts × 100 buckets);
 * - server time per call from the call log's serverMicros (SigV4 and handler, no network or
 *   client time): GetBucketVersioning, and ListBuckets answering one account's buckets out of all
 *   of them, on that world and on a 10-account one, so a per-call cost that grows with the
 *   world's size shows as a ratio well above 1;
 * - injected latency: the wall time per call it adds, and that server time leaves it out.
 * Run alone with `npx tsx bench/sandbox.ts [--quick]`; `npm run bench` calls benchSandbox().
 */
import { GetBucketVersioningCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { pathToFileURL } from "node:url";
import { startSandbox } from "../src/sandbox/index.js";
import type { CallRecord, Sandbox, Scenario } from "../src/sandbox/types.js";

export interface SandboxBenchFigures {
  accounts: number;
  bucketsPerAccount: number;
  startMs: number;
  calls: number;
  serverMicrosMedian: number;
  serverMicrosP99: number;
  wallMsPerCall: number;
  listBucketsMicrosMedian: number;
  /** Median server time on the large world ÷ on a 10-account world with as many buckets per account. */
  versioningSizeRatio: number;
  listBucketsSizeRatio: number;
  heapMb: number;
}

export interface SandboxBenchOptions {
  accounts?: number;
  buckets?: number;
  calls?: number;
  /** Smaller world and fewer calls: a minute's figures in seconds. */
  quick?: boolean;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
const sortedMicros = (calls: CallRecord[]): number[] => calls.map((c) => c.serverMicros).sort((a, b) => a - b);

interface ServerTimes {
  versioning: number[];
  listBuckets: number[];
  wallMsPerVersioning: number;
}

/** `calls` GetBucketVersioning over the management account's own buckets (each in its Region), then ListBuckets. */
async function serverTimes(sandbox: Sandbox, calls: number): Promise<ServerTimes> {
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
  const wallMsPerVersioning = (performance.now() - wallStarted) / calls;
  const lists = Math.max(20, Math.round(calls / 10));
  for (let i = 0; i < lists; i++) await clientFor(sandbox.region).send(new ListBucketsCommand({}));
  const answered = sandbox.calls.slice(first).filter((c) => c.status === 200);
  const versioning = answered.filter((c) => c.operation === "GetBucketVersioning");
  if (versioning.length !== calls) throw new Error(`expected ${calls} successful GetBucketVersioning calls, got ${versioning.length}`);
  return { versioning: sortedMicros(versioning), listBuckets: sortedMicros(answered.filter((c) => c.operation === "ListBuckets")), wallMsPerVersioning };
}

async function timesOnWorld(accounts: number, bucketsPerAccount: number, calls: number): Promise<ServerTimes & { startMs: number }> {
  const started = performance.now();
  const sandbox = await startSandbox({ generate: { accounts, buckets: bucketsPerAccount, seed: 1 } });
  const startMs = performance.now() - started;
  try {
    return { ...(await serverTimes(sandbox, calls)), startMs };
  } finally {
    await sandbox.close();
  }
}

export async function benchSandbox(options: SandboxBenchOptions = {}): Promise<SandboxBenchFigures> {
  const quick = options.quick ?? false;
  const accounts = options.accounts ?? Number(process.env.BENCH_SANDBOX_ACCOUNTS ?? (quick ? 200 : 1000));
  const bucketsPerAccount = options.buckets ?? Number(process.env.BENCH_SANDBOX_BUCKETS ?? 100);
  const calls = options.calls ?? (quick ? 500 : 2000);

  const large = await timesOnWorld(accounts, bucketsPerAccount, calls);
  const small = await timesOnWorld(10, bucketsPerAccount, calls);
  const ratio = (a: number[], b: number[]): number => Number((percentile(a, 0.5) / Math.max(1, percentile(b, 0.5))).toFixed(2));
  const figures: SandboxBenchFigures = {
    accounts,
    bucketsPerAccount,
    startMs: Math.round(large.startMs),
    calls,
    serverMicrosMedian: percentile(large.versioning, 0.5),
    serverMicrosP99: percentile(large.versioning, 0.99),
    wallMsPerCall: Number(large.wallMsPerVersioning.toFixed(3)),
    listBucketsMicrosMedian: percentile(large.listBuckets, 0.5),
    versioningSizeRatio: ratio(large.versioning, small.versioning),
    listBucketsSizeRatio: ratio(large.listBuckets, small.listBuckets),
    heapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  };
  console.log(
    `sandbox ${accounts} accounts × ${bucketsPerAccount} buckets: started in ${figures.startMs} ms; ` +
      `GetBucketVersioning server time median ${figures.serverMicrosMedian} µs, p99 ${figures.serverMicrosP99} µs ` +
      `(${calls} calls, ${figures.wallMsPerCall} ms wall per call through the SDK); ` +
      `ListBuckets (${bucketsPerAccount} of ${accounts * bucketsPerAccount} buckets) median ${figures.listBucketsMicrosMedian} µs; ` +
      `× ${figures.versioningSizeRatio} (GetBucketVersioning) and × ${figures.listBucketsSizeRatio} (ListBuckets) the 10-account world's; heap ${figures.heapMb} MB`,
  );
  return figures;
}

/** Wall time per call with `latencyMs` injected against none, and the server time of the same calls. */
export async function benchLatency(latencyMs = 50, calls = 20): Promise<void> {
  const scenario: Scenario = {
    organization: { id: "o-benchlatency", managementAccountId: "111111111111" },
    auditRole: { name: "OrganizationAccountAccessRole", externalId: null },
    accounts: [{ id: "111111111111", name: "management" }],
  };
  const run = async (latency: number): Promise<{ wallMs: number; serverMicros: number; injectedMs: number }> => {
    const sandbox = await startSandbox({ scenario, faults: { latencyMs: latency } });
    try {
      const sts = new STSClient({ endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region, maxAttempts: 1 });
      await sts.send(new GetCallerIdentityCommand({}));
      const started = performance.now();
      for (let i = 0; i < calls; i++) await sts.send(new GetCallerIdentityCommand({}));
      const wallMs = (performance.now() - started) / calls;
      const measured = sandbox.calls.slice(1);
      return {
        wallMs,
        serverMicros: percentile(sortedMicros(measured), 0.5),
        injectedMs: measured.reduce((sum, c) => sum + c.injectedLatencyMs, 0) / measured.length,
      };
    } finally {
      await sandbox.close();
    }
  };
  const without = await run(0);
  const withLatency = await run(latencyMs);
  const added = withLatency.wallMs - without.wallMs;
  console.log(
    `latency ${latencyMs} ms injected (${withLatency.injectedMs} ms recorded per call): ${added.toFixed(1)} ms wall added per call ` +
      `(${without.wallMs.toFixed(2)} → ${withLatency.wallMs.toFixed(2)} ms); server time median ${without.serverMicros} → ${withLatency.serverMicros} µs` +
      (added < latencyMs * 0.95 ? "  !! less wall time added than injected" : "") +
      (withLatency.serverMicros >= latencyMs * 1000 ? "  !! server time includes the injected latency" : ""),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const quick = process.argv.includes("--quick");
  await benchSandbox({ quick });
  await benchLatency(50, quick ? 10 : 20);
}
