/**
 * Spreading a scan over the cores of one runner with shards: N `replguard audit --shard i/N`
 * processes side by side, then `replguard merge`, against a generated organization with an injected
 * latency (default 20 ms a call, where a single process becomes CPU-bound). Prints the wall time of
 * each N (1, 2, … all cores) and its speed-up over N = 1 (docs/scale.md). Figures, not a test.
 * `npx tsx bench/shard-cores.ts [--accounts 100] [--buckets 50] [--latency 20] [--max N]`
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const accounts = arg("accounts", 100);
const buckets = arg("buckets", 50);
const latency = arg("latency", 20);
const max = arg("max", availableParallelism());
const root = fileURLToPath(new URL("..", import.meta.url));
const cli = [process.execPath, "--import", "tsx", `${root}src/cli/main.ts`] as const;

function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cli[0], [...cli.slice(1), ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit"] });
    child.once("exit", (code) => resolve(code ?? -1));
  });
}

const sandbox = spawn(cli[0], [...cli.slice(1), "sandbox", "--generate", `accounts=${accounts},buckets=${buckets},seed=7`, "--latency-ms", String(latency)], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
});
const env = await new Promise<Record<string, string>>((resolve, reject) => {
  let out = "";
  sandbox.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    if (!out.includes("AWS_REGION=")) return;
    const pairs = out.split("\n").flatMap((line) => {
      const match = /^export (\w+)=(.*)$/.exec(line);
      return match ? [[match[1]!, match[2]!] as const] : [];
    });
    resolve(Object.fromEntries(pairs));
  });
  sandbox.once("exit", (code) => reject(new Error(`sandbox exited with ${code}`)));
});
const dir = await mkdtemp(join(tmpdir(), "replguard-shard-cores-"));
try {
  console.log(`${accounts} accounts × ${buckets} buckets, ${latency} ms a call; shards side by side on this machine (${availableParallelism()} cores)`);
  let single = 0;
  for (let shards = 1; shards <= max; shards++) {
    const started = performance.now();
    const codes = await Promise.all(
      Array.from({ length: shards }, (_, i) =>
        run(["audit", "--shard", `${i}/${shards}`, "--format", "json", "--quiet", "--concurrency", "64", "--out", join(dir, `n${shards}`, `shard-${i}`)], env),
      ),
    );
    const scanned = performance.now();
    const merged = await run(["merge", ...codes.map((_, i) => join(dir, `n${shards}`, `shard-${i}`, "snapshot.json")), "--format", "json", "--quiet", "--out", join(dir, `n${shards}`, "merged")], env);
    const wall = (performance.now() - started) / 1000;
    if (shards === 1) single = wall;
    console.log(
      `${shards} shard(s): scan ${((scanned - started) / 1000).toFixed(1)} s + merge ${(wall - (scanned - started) / 1000).toFixed(1)} s = ${wall.toFixed(1)} s, ` +
        `speed-up ${(single / wall).toFixed(2)}× (exit codes ${codes.join(",")}, merge ${merged})`,
    );
  }
} finally {
  sandbox.kill();
  await rm(dir, { recursive: true, force: true });
}
