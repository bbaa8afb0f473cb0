import { spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { describe, expect, it } from "vitest";
import { readSnapshot } from "../../src/report/index.js";
import { cliCommand, runMain } from "../support/cli.js";

describe("cli/sandbox", () => {
  it("prints export lines that the SDK can use, and stops cleanly on SIGINT", async () => {
    const [node, ...entry] = cliCommand();
    const child = spawn(node!, [...entry, "sandbox", "--scenario", "demo"]);
    let stdout = "";
    const exports = await new Promise<Record<string, string>>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const lines = stdout.split("\n").filter((line) => line.startsWith("export "));
        if (lines.length >= 4 && stdout.includes("AWS_REGION")) {
          resolve(Object.fromEntries(lines.map((line) => /^export (\w+)=(.*)$/.exec(line)!.slice(1, 3) as [string, string])));
        }
      });
      child.once("exit", (code) => reject(new Error(`sandbox exited early with ${code}`)));
    });
    const sts = new STSClient({
      endpoint: exports.AWS_ENDPOINT_URL,
      region: exports.AWS_REGION,
      credentials: { accessKeyId: exports.AWS_ACCESS_KEY_ID!, secretAccessKey: exports.AWS_SECRET_ACCESS_KEY! },
    });
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe("111111111111");
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});

describe("cli/policies", () => {
  it("lists the twenty-two default policies", async () => {
    const run = await runMain(["policies", "list", "--json"]);
    expect(run.code).toBe(0);
    const ids = (JSON.parse(run.stdout) as { id: string }[]).map((p) => p.id);
    expect(ids).toHaveLength(22);
    expect(ids).toContain("destination-separate-account");
  });

  it("explains a policy in words, and exits 2 naming an unknown id", async () => {
    const explained = await runMain(["policies", "explain", "destination-separate-account"]);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain("A replica is kept in a separate account");
    const unknown = await runMain(["policies", "explain", "no-such-policy"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no-such-policy");
  });
});

describe("cli/audit with a config file", () => {
  it("applies parameters, suppressions and reports expired suppressions", async () => {
    const dir = await mkdtemp(join(tmpdir(), "replguard-config-"));
    const config = join(dir, "replguard.json");
    await writeFile(
      config,
      JSON.stringify({
        policies: { parameters: { "destination-separate-account": { allowedDestinationAccounts: ["999999999999"] } } },
        suppressions: [
          { policyId: "replication-configured", resource: "arn:aws:s3:::dev-*", reason: "dev data is disposable", expires: "2999-12-31" },
          { policyId: "replication-configured", resource: "arn:aws:s3:::analytics-scratch", reason: "was temporary", expires: "2020-01-01" },
        ],
        formats: ["json"],
        out: join(dir, "out"),
      }),
    );
    const run = await runMain(["audit", "--sandbox", "demo", "--config", config, "--quiet"]);
    expect(run.code).toBe(3);
    const snapshot = await readSnapshot(join(dir, "out", "snapshot.json"));
    const resultOf = (bucket: string, policyId: string) => snapshot.results.find((r) => r.bucket === bucket && r.policyId === policyId);
    // payments-ledger replicates to account 444444444444, which the parameter no longer allows.
    expect(resultOf("payments-ledger", "destination-separate-account")?.status).toBe("fail");
    expect(resultOf("dev-notes", "replication-configured")).toMatchObject({ status: "suppressed", suppression: { reason: "dev data is disposable" } });
    expect(resultOf("analytics-scratch", "replication-configured")?.status).toBe("fail");
    expect(snapshot.expiredSuppressions).toEqual([expect.objectContaining({ resource: "arn:aws:s3:::analytics-scratch", matched: 1 })]);
  });
});
