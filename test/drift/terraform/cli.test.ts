/**
 * `replguard audit --terraform FILE` and `replguard drift --terraform FILE SNAPSHOT` through the
 * command line (in-process `main`), against a live sandbox that is then changed behind
 * Terraform's back: no drift first, then drift reported by both, and exit 5 only when asked for.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../../src/sandbox/index.js";
import type { Sandbox } from "../../../src/sandbox/types.js";
import { runMain } from "../../support/cli.js";
import { terraformScenario } from "./scenario.js";
import { driftTheSandbox, fixture } from "./world.js";

let sandbox: Sandbox;
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "replguard-tf-cli-"));
  sandbox = await startSandbox({ scenario: terraformScenario() });
});
afterAll(async () => {
  await sandbox.close();
});

const env = (): NodeJS.ProcessEnv => ({
  AWS_ACCESS_KEY_ID: sandbox.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: sandbox.credentials.secretAccessKey,
  AWS_REGION: sandbox.region,
});

const auditArgs = (out: string, ...extra: string[]): string[] => [
  "audit",
  "--endpoint-url",
  sandbox.endpoint,
  "--terraform",
  fixture("plan-v4.json"),
  "--format",
  "json",
  "--out",
  out,
  "--json",
  ...extra,
];

interface Summary {
  exitCode: number;
  terraform: { drifted: boolean; counts: Record<string, number> } | null;
  reports: { format: string; file: string }[];
}

describe("cli/audit --terraform and drift --terraform", () => {
  it("finds no drift while AWS matches the plan, then the drift once AWS is changed, exiting 5 only under --fail-on-drift", async () => {
    const first = join(tmp, "first");
    const clean = await runMain(auditArgs(first), { env: env() });
    expect(clean.stderr).toBe("");
    const cleanSummary = JSON.parse(clean.stdout) as Summary;
    expect(cleanSummary.terraform).toMatchObject({ drifted: false });
    expect(cleanSummary.reports.map((r) => r.format)).toEqual(["json", "json", "csv"]);
    expect(existsSync(join(first, "terraform-drift.json"))).toBe(true);
    expect(existsSync(join(first, "terraform-drift.csv"))).toBe(true);

    const again = await runMain(["drift", "--terraform", fixture("plan-v4.json"), join(first, "snapshot.json"), "--out", join(tmp, "again")]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("no drift from Terraform");

    await driftTheSandbox(sandbox);
    const second = join(tmp, "second");
    const drifted = await runMain(auditArgs(second, "--fail-on-drift", "any-change"), { env: env() });
    const driftedSummary = JSON.parse(drifted.stdout) as Summary;
    expect(driftedSummary.terraform?.drifted).toBe(true);
    expect(drifted.code).toBe(5);
    const document = JSON.parse(await readFile(join(second, "terraform-drift.json"), "utf8")) as { drifted: boolean; items: { kind: string; bucket: string }[] };
    expect(document.drifted).toBe(true);
    expect(document.items.some((item) => item.kind === "changed" && item.bucket === "tf-plain")).toBe(true);

    const snapshot = join(second, "snapshot.json");
    const reported = await runMain(["drift", "--terraform", fixture("plan-v4.json"), snapshot, "--out", join(tmp, "reported")]);
    expect(reported.code).toBe(0);
    expect(reported.stdout).toContain("drift from Terraform");
    const gated = await runMain(["drift", "--terraform", fixture("plan-v4.json"), snapshot, "--out", join(tmp, "gated"), "--fail-on-drift", "any-change"]);
    expect(gated.code).toBe(5);
  });

  it("refuses a Terraform comparison given two snapshots, and a drift given one snapshot without --terraform", async () => {
    const two = await runMain(["drift", "--terraform", fixture("plan-v4.json"), "a.json", "b.json"]);
    expect(two.code).toBe(2);
    expect(two.stderr.trim().split("\n")).toHaveLength(1);
    expect(two.stderr).toContain("takes one snapshot");
    const one = await runMain(["drift", "only.json"]);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain("needs two snapshots");
  });
});
