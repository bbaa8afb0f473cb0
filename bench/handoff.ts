/**
 * The handoff alone (documents → evaluation + snapshot, src/audit/stream.ts): a generated
 * organization (bench/sandbox-child.ts), `audit()` writing only the snapshot, and the process's CPU
 * from the scan's `onScanned` (the handoff's start) to its `done` (every document handed on) printed,
 * with the snapshot's sha256 once its timestamps, endpoint, configuration hash and retry counts are blanked (the same organization must give the
 * same bytes before and after a change), and the calls retried. `--cpu-prof` on node gives where that CPU goes.
 *
 *   node --import tsx bench/handoff.ts --accounts 40 --buckets 100 [--rounds 3] [--keep FILE]
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { audit } from "../src/audit/index.js";
import { numberFlag } from "./flags.js";
import { startSandboxChild } from "./sandbox-child.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const accounts = numberFlag("accounts", 40);
const buckets = numberFlag("buckets", 100);
const rounds = numberFlag("rounds", 1);
/** `--keep FILE`: the last round's snapshot copied there (to compare or to profile a reader). */
const keep = process.argv.includes("--keep") ? process.argv[process.argv.indexOf("--keep") + 1]! : null;

const { child, env } = await startSandboxChild(accounts, buckets);
process.env.AWS_ACCESS_KEY_ID = env.AWS_ACCESS_KEY_ID;
process.env.AWS_SECRET_ACCESS_KEY = env.AWS_SECRET_ACCESS_KEY;
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/**
 * The main thread's own CPU (ms, from /proc; null elsewhere): the handoff runs there, while the
 * process's figure also holds the thread pool's file writes and V8's helper threads.
 */
const mainThreadMs = (): number | null => {
  try {
    // Fields 14 and 15 (utime, stime, in clock ticks of 10 ms) after the command's closing parenthesis.
    const fields = readFileSync("/proc/thread-self/stat", "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
};
const dir = await mkdtemp(join(tmpdir(), "replguard-handoff-"));
try {
  for (let round = 1; round <= rounds; round++) {
    let start = 0;
    let end = 0;
    let mainStart: number | null = null;
    let mainEnd: number | null = null;
    let startAt = 0n;
    let endAt = 0n;
    const out = join(dir, `out-${round}`);
    const result = await audit({
      scan: {
        endpoint: env.AWS_ENDPOINT_URL!,
        region: env.AWS_REGION!,
        concurrency: { requests: 64 },
        onScanned: () => {
          start = cpuMs();
          mainStart = mainThreadMs();
          startAt = process.hrtime.bigint();
        },
        onProgress: (p) => {
          if (p.phase !== "done") return;
          end = cpuMs();
          mainEnd = mainThreadMs();
          endAt = process.hrtime.bigint();
        },
      },
      formats: ["json"],
      outDir: out,
      retain: "summary",
      now: new Date("2026-01-01T00:00:00Z"),
    });
    // Timestamps aside (the scan's start and finish), and the sandbox's port (in the endpoint and so
    // in the configuration's hash): the rest must not change with the code. The retry counts depend
    // on timing, not on the code (a call retried after a transient error: 2 rounds of 88 here,
    // docs/scale.md): printed, not hashed.
    const raw = await readFile(result.snapshotFile!, "utf8");
    const retried = /"retriedCalls":(\d+)/.exec(raw)?.[1] ?? "?";
    const text = raw.replace(/"(startedAt|finishedAt|endpoint|configHash)":"[^"]*"/g, '"$1":""').replace(/"retries":\{[^}]*\}/, '"retries":{}');
    const sha = createHash("sha256").update(text).digest("hex");
    const perBucket = ((end - start) / (accounts * buckets)).toFixed(3);
    const main = mainStart === null || mainEnd === null ? "" : `, main thread ${((mainEnd - mainStart) / 1000).toFixed(2)} s`;
    console.log(
      `handoff ${accounts} × ${buckets}: CPU ${((end - start) / 1000).toFixed(2)} s (${perBucket} ms/bucket)${main}, wall ${(Number(endAt - startAt) / 1e9).toFixed(2)} s, ` +
        `snapshot ${(text.length / 2 ** 20).toFixed(1)} MB sha256 ${sha}, retried calls ${retried} (window ${startAt / 1000n}-${endAt / 1000n} µs)`,
    );
    if (keep !== null) await copyFile(result.snapshotFile!, keep);
    await rm(out, { recursive: true, force: true });
  }
} finally {
  child.kill("SIGINT");
  await rm(dir, { recursive: true, force: true });
}
