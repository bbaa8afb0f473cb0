/**
 * `replguard init` against the sandbox: the organization's facts in a config file the loader
 * accepts, a suggested vault account (by name, else by where replicas land), and never an
 * overwritten file without --force.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { suggestVault } from "../../src/audit/init-config.js";
import { loadConfig } from "../../src/config/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { ACCOUNTS } from "../support/accounts.js";
import { runMain } from "../support/cli.js";
import { account, bucket, replication, scenario, v2Rule } from "../support/scenario.js";
import { tempDir } from "../support/temp-dir.js";

let temp: { dir: string; cleanup: () => Promise<void> };
let neutral: Sandbox;

beforeAll(async () => {
  temp = await tempDir("init");
  // No account is named like a vault: the one holding other accounts' replicas is suggested.
  neutral = await startSandbox({
    scenario: scenario({
      organization: "o-init000001",
      accounts: [
        account(ACCOUNTS.management, "management", { auditRole: false }),
        account(ACCOUNTS.prod, "payments", {
          ou: "Workloads/Prod",
          buckets: [
            bucket("pay-a", "us-east-1", { versioning: "Enabled", replication: replication(ACCOUNTS.prod, "repl", [v2Rule("r", 1, "keep-a")]) }),
            bucket("pay-b", "us-east-1", { versioning: "Enabled", replication: replication(ACCOUNTS.prod, "repl", [v2Rule("r", 1, "keep-b")]) }),
          ],
        }),
        account(ACCOUNTS.backup, "team-blue", { ou: "Shared", buckets: [bucket("keep-a", "us-west-2", { versioning: "Enabled" }), bucket("keep-b", "us-west-2", { versioning: "Enabled" })] }),
        account(ACCOUNTS.dev, "team-green", { ou: "Workloads/Dev", buckets: [bucket("green", "us-east-1")] }),
      ],
    }),
  });
});

afterAll(async () => {
  await neutral.close();
  await temp.cleanup();
});

describe("cli/init", () => {
  it("writes the demo organization's facts and suggests the account named like a vault, in a config the loader accepts", async () => {
    const file = join(temp.dir, "demo.json");
    const run = await runMain(["init", "--sandbox", "demo", "--out", file]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toContain("suggested vault account: 444444444444 (log-archive), because its name says archive");
    const written = JSON.parse(readFileSync(file, "utf8")) as { $comment: string[] };
    const comment = written.$comment.join("\n");
    expect(comment).toContain("organization o-demo12345");
    expect(comment).toContain("Management account: 111111111111 (management)");
    expect(comment).toMatch(/OUs found: Root, Root\/Security, Root\/Suspended, Root\/Workloads\/Dev, Root\/Workloads\/Prod\./);
    expect(comment).toContain("Not read by this init (777777777777 data-science)");
    const config = await loadConfig(file);
    expect(config).toMatchObject({
      roleName: "OrganizationAccountAccessRole",
      region: "us-east-1",
      policies: { parameters: { "destination-separate-account": { allowedDestinationAccounts: ["444444444444"] } } },
    });
  });

  it("suggests the account holding most replica destinations when no name says vault", async () => {
    const file = join(temp.dir, "neutral.json");
    const env = { AWS_ACCESS_KEY_ID: neutral.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: neutral.credentials.secretAccessKey, AWS_REGION: "us-east-1" };
    const run = await runMain(["init", "--endpoint-url", neutral.endpoint, "--out", file], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`suggested vault account: ${ACCOUNTS.backup} (team-blue), because it holds the most replica destinations of other accounts' rules (2)`);
    expect((await loadConfig(file)).policies?.parameters).toEqual({ "destination-separate-account": { allowedDestinationAccounts: [ACCOUNTS.backup] } });
  });

  it("never overwrites an existing file without --force", async () => {
    const file = join(temp.dir, "existing.json");
    writeFileSync(file, "{}\n");
    const env = { AWS_ACCESS_KEY_ID: neutral.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: neutral.credentials.secretAccessKey, AWS_REGION: "us-east-1" };
    const before = neutral.calls.length;
    const refused = await runMain(["init", "--endpoint-url", neutral.endpoint, "--out", file], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split("\n")).toEqual([expect.stringContaining(`${file} exists`)]);
    expect(readFileSync(file, "utf8")).toBe("{}\n");
    expect(neutral.calls.length).toBe(before); // refused before reading anything
    const forced = await runMain(["init", "--endpoint-url", neutral.endpoint, "--out", file, "--force"], { env });
    expect(forced.code).toBe(0);
    expect(readFileSync(file, "utf8")).toContain('"roleName"');
  });

  it("suggests no vault when nothing points to one, and never the management or a suspended account", () => {
    const record = (id: string, name: string, status = "ACTIVE") => ({ id, name, status }) as Parameters<typeof suggestVault>[0][number];
    expect(suggestVault([record("111111111111", "backup-mgmt"), record("222222222222", "vault-old", "SUSPENDED"), record("333333333333", "apps")], [], "111111111111")).toBeNull();
  });
});
