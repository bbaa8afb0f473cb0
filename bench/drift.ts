/**
 * `node --import tsx bench/drift.ts`: `replguard drift` on two generated snapshots of
 * BENCH_DRIFT_BUCKETS buckets (default 100,000), in a child process, printing its wall time and
 * peak RSS. The snapshots are made from a real sandbox audit (the drift tests' scenario), its
 * buckets and results copied under new names; the second differs in about 1% of the buckets
 * (versioning suspended, a rule's destination repointed, a failure fixed).
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { audit } from "../src/audit/index.js";
import type { BucketDocument, PolicyResult, Snapshot } from "../src/model/index.js";
import { writeSnapshotJson } from "../src/report/index.js";
import { startSandbox } from "../src/sandbox/index.js";
import { driftScenario } from "../test/drift/scenario.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const target = Number(process.env.BENCH_DRIFT_BUCKETS ?? 100_000);
const root = fileURLToPath(new URL("..", import.meta.url));

function grow(seed: Snapshot, count: number, changed: boolean): Snapshot {
  const buckets: BucketDocument[] = [];
  const results: PolicyResult[] = [];
  const byBucket = new Map<string, PolicyResult[]>();
  for (const r of seed.results) byBucket.set(r.bucketArn, [...(byBucket.get(r.bucketArn) ?? []), r]);
  for (let i = 0; buckets.length < count; i++) {
    for (const doc of seed.buckets) {
      if (buckets.length >= count) break;
      const name = `${doc.name}-${i}`;
      const arn = `arn:aws:s3:::${name}`;
      const copy: BucketDocument = { ...structuredClone(doc), name, arn };
      const touched = changed && i % 100 === 7;
      if (touched && copy.versioning) copy.versioning = { ...copy.versioning, status: "Suspended" };
      const rule = copy.replication?.rules[0];
      if (touched && rule) rule.destination = { ...rule.destination, bucket: `elsewhere-${i}`, bucketArn: `arn:aws:s3:::elsewhere-${i}` };
      buckets.push(copy);
      for (const r of byBucket.get(doc.arn) ?? []) results.push({ ...r, bucket: name, bucketArn: arn, status: touched && r.status === "fail" ? "pass" : r.status });
    }
  }
  return { ...seed, buckets, results, scan: { ...seed.scan, finishedAt: changed ? new Date(Date.parse(seed.scan.finishedAt) + 86_400_000).toISOString() : seed.scan.finishedAt } };
}

const dir = await mkdtemp(join(tmpdir(), "replguard-bench-drift-"));
try {
  const sandbox = await startSandbox({ scenario: driftScenario() });
  const { snapshot } = await audit({ scan: { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region }, formats: [] });
  await sandbox.close();
  const oldFile = join(dir, "old.json");
  const newFile = join(dir, "new.json");
  await writeSnapshotJson(grow(snapshot, target, false), oldFile);
  await writeSnapshotJson(grow(snapshot, target, true), newFile);
  // The CLI in a child process, which reports its own peak RSS (getrusage maxrss) when done.
  const script = `const { main } = await import(${JSON.stringify(`${root}src/cli/program.ts`)}); const code = await main(process.argv.slice(1)); process.stderr.write("maxRSS " + process.resourceUsage().maxRSS + "\\n"); process.exitCode = code;`;
  const started = performance.now();
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", script, "drift", oldFile, newFile, "--format", "json,csv", "--out", join(dir, "out"), "--quiet"],
    { cwd: root, maxBuffer: 2 ** 24 },
  );
  const seconds = (performance.now() - started) / 1000;
  const rssMb = Math.round(Number(/maxRSS (\d+)/.exec(stderr)?.[1] ?? Number.NaN) / 1024);
  process.stdout.write(`${stdout}drift of two ${target.toLocaleString("en")}-bucket snapshots (${snapshot.policies.length} policies): ${seconds.toFixed(1)} s, peak RSS ${rssMb} MB\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
