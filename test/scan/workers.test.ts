import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { audit as libraryAudit } from "../../src/audit/index.js";
import type { ScanProgress } from "../../src/scan/index.js";
import { runMain } from "../support/cli.js";
import { tempDir } from "../support/temp-dir.js";

/**
 * The snapshot's records with what belongs to the run rather than to the code path taken out: its
 * timestamps, and how many calls were retried (a loaded machine can reset a kept-alive socket, and
 * that call is retried; the calls themselves are still compared).
 */
const RUN_CONDITIONS = ["startedAt", "finishedAt", "generatedAt", "evaluatedAt", "retriedCalls", "extraAttempts"];
async function records(dir: string): Promise<unknown[]> {
  const text = await readFile(join(dir, "snapshot.json"), "utf8");
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line, (key, value: unknown) => (RUN_CONDITIONS.includes(key) ? "<run>" : value)) as unknown);
}

describe("scan/workers: one audit over worker threads", () => {
  let demo: Sandbox;
  let generated: Sandbox;
  let temp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    temp = await tempDir("workers");
    demo = await startSandbox({ scenario: "demo" });
    // Four accounts are enough for two threads to share (7 × 6 showed the same, ~0.8 CPU-seconds more).
    generated = await startSandbox({ generate: { accounts: 4, buckets: 6, seed: 3 } });
  });
  afterAll(async () => {
    await demo?.close();
    await generated?.close();
    await temp?.cleanup();
  });

  /** `audit` against a running sandbox, as a user would point it at one. */
  const audit = (sandbox: Sandbox, out: string, flags: string[]) =>
    runMain(["audit", "--endpoint-url", sandbox.endpoint, "--format", "json", "--quiet", "--out", join(temp.dir, out), ...flags], {
      env: { AWS_ACCESS_KEY_ID: sandbox.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sandbox.credentials.secretAccessKey, AWS_REGION: sandbox.region },
    });

  it("writes the same snapshot records and exits the same on the demo with --workers 1 and --workers 2", async () => {
    const one = await audit(demo, "demo-1", ["--workers", "1"]);
    const two = await audit(demo, "demo-2", ["--workers", "2"]);
    // The demo's account without an audit role is an account error (exit 3) in both: a worker's failed AssumeRole is today's error.
    expect(one.code).toBe(3);
    expect(two.code).toBe(one.code);
    const [a, b] = [await records(join(temp.dir, "demo-1")), await records(join(temp.dir, "demo-2"))];
    expect(b).toEqual(a);
    const failed = a.filter((r) => (r as { record: string; account?: { scan: string } }).account?.scan === "failed");
    expect(failed.length).toBeGreaterThan(0);
    expect(JSON.stringify(failed)).toContain("AssumeRole");
  });

  // Through the library (the flag's path is the demo's above): one pool of threads both writes the
  // records compared and reports the progress checked.
  it("writes the same snapshot records on a generated organization with 1 and 2 workers, and reports progress up to every account and bucket, counted across the threads", async () => {
    const seen: ScanProgress[] = [];
    const run = (out: string, workers: number, onProgress?: (p: ScanProgress) => void) =>
      libraryAudit({
        scan: { endpoint: generated.endpoint, credentials: generated.credentials, region: generated.region, workers, concurrency: { requests: 8 }, ...(onProgress ? { onProgress } : {}) },
        formats: ["json"],
        outDir: join(temp.dir, out),
      });
    const one = await run("gen-1", 1);
    const two = await run("gen-2", 2, (p) => seen.push(structuredClone(p)));
    expect(two.exitCode).toBe(one.exitCode);
    const a = await records(join(temp.dir, "gen-1"));
    expect(a.filter((r) => (r as { record: string }).record === "bucket")).toHaveLength(4 * 6);
    expect(await records(join(temp.dir, "gen-2"))).toEqual(a);
    const last = seen.at(-1)!;
    expect(last.phase).toBe("done");
    expect(last.accounts).toEqual({ done: 4, total: 4 });
    expect(last.buckets).toEqual({ done: 24, discovered: 24 });
    // The counts only grow: a late progress message from a thread never takes one back.
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.buckets.done).toBeGreaterThanOrEqual(seen[i - 1]!.buckets.done);
  });

  it("refuses a --workers value that is not a count or auto (exit 2)", async () => {
    const run = await runMain(["audit", "--sandbox", "demo", "--workers", "0"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--workers");
  });
});
