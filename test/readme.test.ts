/** The README's promises: its set-up commands exist, and its examples are accepted as written. */
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/index.js";
import { validateScenario } from "../src/sandbox/index.js";
import { runMain } from "./support/cli.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const packageJson = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  bin: Record<string, string>;
  scripts: Record<string, string>;
};
const jsonBlocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);

describe("README", () => {
  it("opens with the main-job and test commands, using scripts and files that exist", () => {
    const [first, second] = readme.split("```sh\n")[1]!.split("\n");
    expect(first).toMatch(/^npm ci && npm run build && node dist\/cli\/main\.js audit --sandbox demo /);
    expect(second).toMatch(/^npm ci && npm run check /);
    expect(packageJson.bin.replguard).toBe("dist/cli/main.js");
    // check = the static checks beside build-then-test (scripts/check.js); "check:*" are its halves alone.
    expect(packageJson.scripts.check).toBe("node scripts/check.js");
    expect(readFileSync(new URL("../scripts/check.js", import.meta.url), "utf8")).toMatch(/buildEmit[\s\S]*vitest/);
    expect(packageJson.scripts["check:static"]).toBe("node scripts/typecheck-and-lint.js");
    expect(packageJson.scripts["check:test"]).toContain("npm run test");
    expect(packageJson.scripts.test).toBe("vitest run");
    expect(readFileSync(new URL("../.ci/run", import.meta.url), "utf8")).toContain("npm run check");
  });

  it("shows a scenario example the sandbox accepts", async () => {
    const scenario = jsonBlocks.find((block) => "organization" in block);
    expect(scenario).toBeDefined();
    const loaded = await validateScenario(scenario, "README.md");
    expect(loaded.accounts[1]?.buckets?.[0]?.name).toBe("prod-logs");
  });

  it("shows a config example that validates", async () => {
    const config = jsonBlocks.find((block) => "suppressions" in block);
    expect(config).toBeDefined();
    const file = join(await mkdtemp(join(tmpdir(), "replguard-readme-")), "replguard.json");
    await writeFile(file, JSON.stringify(config));
    const loaded = await loadConfig(file);
    expect(loaded.failOn).toBe("high");
  });

  it("documents only audit flags the command accepts", async () => {
    const { stdout, code } = await runMain(["audit", "--help"]);
    expect(code).toBe(0);
    const table = readme.slice(readme.indexOf("`audit` flags"), readme.indexOf("## Exit codes"));
    const documented = [...table.matchAll(/`(--[a-z-]+)/g)].map((m) => m[1]!);
    expect(documented.length).toBeGreaterThan(15);
    for (const flag of documented) if (flag !== "--debug") expect(stdout, flag).toContain(flag);
  });
});
