/**
 * One runner's cores at 20 ms a call, where a single thread becomes CPU-bound (docs/scale.md):
 * `replguard audit --workers N` for N = 1, 2, … all cores, against a generated organization served
 * by `replguard sandbox --generate` in its own process. Prints, for each N, the wall time, the
 * latency floor (calls × latency ÷ concurrency, or the chain of six dependent calls if longer), the
 * ratio wall ÷ floor, and the audit's CPU per bucket. With `--shards` it also runs the older way of
 * using the cores: N `audit --shard i/N` processes side by side, then `replguard merge`.
 * Figures, not a test.
 * `npx tsx bench/shard-cores.ts [--accounts 100] [--buckets 50] [--latency 20] [--concurrency 64] [--max N] [--shards]`
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { numberFlag } from "./flags.js";
import { startSandboxChild } from "./sandbox-child.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const accounts = numberFlag("accounts", 100);
const buckets = numberFlag("buckets", 50);
const latency = numberFlag("latency", 20);
const concurrency = numberFlag("concurrency", 64);
const max = numberFlag("max", availableParallelism());
const withShards = process.argv.includes("--shards");
const root = fileURLToPath(new URL("..", import.meta.url));

interface Run {
  code: number;
  seconds: number;
  /** User + system CPU of the process (all its threads), seconds. */
  cpu: number;
}

/** The CLI in a child process that reports its own CPU when done. */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const script = `const { main } = await import(${JSON.stringify(`${root}src/cli/program.ts`)}); const code = await main(process.argv.slice(1)); const u = process.resourceUsage(); process.stderr.write("usage " + (u.userCPUTime + u.systemCPUTime) + "\\n"); process.exitCode = code;`;
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("exit", (code) => {
      const cpu = Number(/usage (\d+)/.exec(stderr)?.[1] ?? 0) / 1e6;
      if (!/usage \d+/.test(stderr) || ![0, 1, 3].includes(code ?? -1)) process.stderr.write(stderr);
      resolve({ code: code ?? -1, seconds: (performance.now() - started) / 1000, cpu });
    });
  });
}

const { child: sandbox, env } = await startSandboxChild(accounts, buckets, ["--latency-ms", String(latency)]);
const callCount = async (): Promise<number> => ((await (await fetch(`${env.AWS_ENDPOINT_URL}/_sandbox/calls`)).json()) as unknown[]).length;
const floorOf = (calls: number): number => Math.max((calls * latency) / concurrency, 6 * latency) / 1000;
const total = accounts * buckets;
const dir = await mkdtemp(join(tmpdir(), "replguard-shard-cores-"));
try {
  // What starting the CLI costs (tsx compiles the sources), taken off every wall time and CPU figure.
  const startup = await run(["policies", "list", "--json"], env);
  console.log(
    `${accounts} accounts × ${buckets} buckets, ${latency} ms a call, concurrency ${concurrency}, ${availableParallelism()} cores; ` +
      `CLI start-up ${startup.seconds.toFixed(1)} s / ${startup.cpu.toFixed(1)} s CPU taken off each figure`,
  );
  let single = 0;
  for (let n = 1; n <= max; n++) {
    const before = await callCount();
    const audit = await run(["audit", "--workers", String(n), "--format", "json", "--quiet", "--concurrency", String(concurrency), "--out", join(dir, `w${n}`)], env);
    const calls = (await callCount()) - before;
    const wall = audit.seconds - startup.seconds;
    if (n === 1) single = wall;
    console.log(
      `--workers ${n}: wall ${wall.toFixed(1)} s, floor ${floorOf(calls).toFixed(1)} s (${calls} calls), wall ÷ floor ${(wall / floorOf(calls)).toFixed(2)}, ` +
        `speed-up ${(single / wall).toFixed(2)}×, CPU ${(((audit.cpu - startup.cpu) * 1000) / total).toFixed(2)} ms/bucket (exit ${audit.code})`,
    );
  }
  if (withShards) {
    let singleShard = 0;
    for (let shards = 1; shards <= max; shards++) {
      const started = performance.now();
      const runs = await Promise.all(
        Array.from({ length: shards }, (_, i) =>
          run(["audit", "--shard", `${i}/${shards}`, "--format", "json", "--quiet", "--concurrency", String(Math.ceil(concurrency / shards)), "--out", join(dir, `s${shards}`, `shard-${i}`)], env),
        ),
      );
      const scanned = performance.now();
      const merged = await run(["merge", ...runs.map((_, i) => join(dir, `s${shards}`, `shard-${i}`, "snapshot.json")), "--format", "json", "--quiet", "--out", join(dir, `s${shards}`, "merged")], env);
      const wall = (performance.now() - started) / 1000;
      if (shards === 1) singleShard = wall;
      console.log(
        `${shards} shard process(es): scan ${((scanned - started) / 1000).toFixed(1)} s + merge ${(wall - (scanned - started) / 1000).toFixed(1)} s = ${wall.toFixed(1)} s ` +
          `(CLI start-ups included), speed-up ${(singleShard / wall).toFixed(2)}× (exit codes ${runs.map((r) => r.code).join(",")}, merge ${merged.code})`,
      );
    }
  }
} finally {
  sandbox.kill();
  await rm(dir, { recursive: true, force: true });
}
