import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

type Figures = { cpuMs: number; connections: number };

describe("bench: what a connection per bucket costs (bench/connection-cost.ts)", () => {
  it("sends every bucket's reads on kept connections to one host, and opens one a bucket or more when each bucket is its own virtual host", async () => {
    const buckets = 70;
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "bench/connection-cost.ts", "--buckets", String(buckets), "--rounds", "1", "--json"], { timeout: 120_000 });
    const { rounds } = JSON.parse(stdout.trim().split("\n").at(-1)!) as { rounds: Record<string, Figures>[] };
    const [round] = rounds;
    for (const way of ["plain HTTP, one host", "TLS, one host"]) {
      expect(round![way]!.connections).toBeGreaterThan(0);
      // At most one a request slot (64), however many buckets: the pool keeps them.
      expect(round![way]!.connections).toBeLessThanOrEqual(64);
    }
    // As against AWS: no connection serves two buckets.
    expect(round!["TLS, a virtual host a bucket"]!.connections).toBeGreaterThanOrEqual(buckets);
    for (const figures of Object.values(round!)) expect(figures.cpuMs).toBeGreaterThan(0);
  }, 150_000);
});
