/**
 * fix.sh is a real alternative to `--fix`: the generated script's commands, run by the real AWS CLI
 * against a fresh sandbox of the same world, leave the buckets exactly as applying the plan does.
 * The commands go through one long-lived CLI driver (test/support/awscli-driver.ts: the CLI's own
 * entry point, seconds cheaper than a process per command); the script is checked by `sh -n`, and
 * its per-account profile variables and `cd` to its folder are reproduced as the shell would.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPlan, writePlanFiles } from "../../src/fix/index.js";
import { derivedCredentials, startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { startAwsCli } from "../support/awscli-driver.js";
import { requireToolOrSkip, resolvePyenvShim } from "../support/executables.js";
import { auditAndPlan, scanOf, worldState } from "./helpers.js";
import { fixWorld } from "./world.js";

const run = promisify(execFile);
const awsCli = requireToolOrSkip("aws", "pip install awscli");

/**
 * A command line of fix.sh as sh would split it: single-quoted words, `$p_<account>` expanded to
 * the profile REPLGUARD_PROFILE_<account> names (acct-<account> here), `file://` relative to the
 * script's folder (the script cd's there).
 */
function shellWords(line: string, scriptDir: string): string[] {
  const words = [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!));
  return words.slice(1).flatMap((word) => {
    const profile = /^\$p_(\d{12})$/.exec(word);
    if (profile) return ["--profile", `acct-${profile[1]}`];
    return [word.startsWith("file://") ? `file://${join(scriptDir, word.slice("file://".length))}` : word];
  });
}
let viaApply: Sandbox;
let viaScript: Sandbox;
let dir: string;

beforeAll(async () => {
  [viaApply, viaScript] = await Promise.all([startSandbox({ scenario: fixWorld() }), startSandbox({ scenario: fixWorld() })]);
  dir = await mkdtemp(join(tmpdir(), "replguard-fix-sh-"));
});
afterAll(() => Promise.all([viaApply.close(), viaScript.close()]));

describe.skipIf(awsCli === undefined)("fix.sh", () => {
  it("run by the AWS CLI gives the same end state as applying the plan", async () => {
    const applied = await auditAndPlan(viaApply);
    const result = await applyPlan(applied.plan, { ...scanOf(viaApply), confirm: () => Promise.resolve(true), rollbackFile: join(dir, "rollback.json") });
    expect(result.counts.applied).toBe(8);

    const { plan } = await auditAndPlan(viaScript);
    await writePlanFiles(plan, join(dir, "plan"));
    // One profile per account, named by REPLGUARD_PROFILE_<account> as the script documents.
    const profiles = [ACCOUNTS.prod, ACCOUNTS.backup].map((id) => {
      const keys = derivedCredentials(id);
      return `[acct-${id}]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`;
    });
    await writeFile(join(dir, "credentials"), profiles.join("\n"));
    await writeFile(join(dir, "config"), "");
    const script = join(dir, "plan", "fix.sh");
    await run("sh", ["-n", script]);
    const cli = await startAwsCli(await resolvePyenvShim(awsCli!), {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      AWS_ENDPOINT_URL: viaScript.endpoint,
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
      AWS_CONFIG_FILE: join(dir, "config"),
      AWS_PAGER: "",
    });
    const before = viaScript.calls.filter((c) => c.mutating).length;
    try {
      for (const line of (await readFile(script, "utf8")).split("\n").filter((l) => l.startsWith("aws "))) {
        const answer = await cli.run(shellWords(line, join(dir, "plan")));
        expect(answer, line).toMatchObject({ code: 0 });
      }
    } finally {
      await cli.close();
    }
    expect(viaScript.calls.filter((c) => c.mutating).length - before).toBe(8);
    expect(worldState(viaScript)).toEqual(worldState(viaApply));
  });
});
