/** Policy files that cannot be read or are nested too deep: exit 2 naming the file, never exit 4. */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { expectRefusal, minimalPolicy, policyDir, runMain } from "../support/policy.js";

/** `{ "not": { "not": ... true } }` nested `levels` deep, as text (JSON.stringify would recurse too). */
const deepSchema = (levels: number): string => `${'{"not":'.repeat(levels)}true${"}".repeat(levels)}`;

function deepPolicyDir(levels: number): { dir: string; file: string } {
  const text = JSON.stringify(minimalPolicy("deep-policy", { check: "__CHECK__" })).replace('"__CHECK__"', deepSchema(levels));
  const dir = policyDir({ "deep-policy.json": text });
  return { dir, file: join(dir, "deep-policy.json") };
}

describe("policy/load unreadable files", () => {
  it("refuses a *.json that is a directory", async () => {
    const dir = policyDir({});
    mkdirSync(join(dir, "folder.json"));
    expectRefusal(await runMain(["policies", "validate", dir]), join(dir, "folder.json"));
  });

  it("refuses a *.json that is a dangling symbolic link", async () => {
    const dir = policyDir({});
    symlinkSync(join(dir, "nowhere.json"), join(dir, "dangling.json"));
    const run = await runMain(["policies", "validate", dir]);
    expectRefusal(run, join(dir, "dangling.json"));
  });

  it("refuses a directory and a dangling link named *.json in an audit, before scanning", async () => {
    const dir = policyDir({ "fine.json": minimalPolicy("fine") });
    mkdirSync(join(dir, "folder.json"));
    const out = join(policyDir({}), "reports");
    expectRefusal(await runMain(["audit", "--sandbox", "demo", "--policies", dir, "--out", out, "--quiet"]), join(dir, "folder.json"));
    const linked = policyDir({});
    symlinkSync(join(linked, "nowhere.json"), join(linked, "dangling.json"));
    expectRefusal(await runMain(["audit", "--sandbox", "demo", "--policies", linked, "--out", out, "--quiet"]), join(linked, "dangling.json"));
  });

  it("refuses a schema nested 3,000 levels deep in validate", async () => {
    const { dir, file } = deepPolicyDir(3000);
    expectRefusal(await runMain(["policies", "validate", dir]), file, "nested more than 64 levels");
  });

  it("refuses a schema nested 3,000 levels deep in an audit, before scanning", async () => {
    const { dir, file } = deepPolicyDir(3000);
    const out = policyDir({});
    expectRefusal(await runMain(["audit", "--sandbox", "demo", "--policies", dir, "--out", join(out, "reports"), "--quiet"]), file);
  });

  it("refuses a config file nested 100,000 levels deep, naming it", async () => {
    const dir = policyDir({});
    const config = join(dir, "replguard.json");
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    writeFileSync(config, `{"policies":{"parameters":{"destination-separate-account":{"allowedDestinationAccounts":${deep}}}}}`);
    const run = await runMain(["audit", "--sandbox", "demo", "--config", config, "--out", join(dir, "reports"), "--quiet"]);
    expectRefusal(run, config, "nested more than 64 levels");
  });

  it("accepts a schema nested within the limit", async () => {
    const { dir } = deepPolicyDir(50);
    const run = await runMain(["policies", "validate", dir]);
    if (run.code !== 0) throw new Error(run.stderr);
  });
});
