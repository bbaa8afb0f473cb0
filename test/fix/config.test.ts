/** The config file's `remediation` settings: the documented example loads, a wrong field is one line naming it. */
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";

const docs = readFileSync(new URL("../../docs/fix.md", import.meta.url), "utf8");
const example = JSON.parse(/```json\n([\s\S]*?)```/.exec(docs)![1]!) as Record<string, unknown>;

async function configFile(value: unknown): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), "replguard-fix-config-")), "replguard.json");
  await writeFile(file, JSON.stringify(value));
  return file;
}

describe("config/remediation", () => {
  it("accepts the example docs/fix.md shows", async () => {
    const config = await loadConfig(await configFile(example));
    expect(config.remediation?.destination?.bucket).toBe("{bucket}-replica");
  });

  it.each([
    [{ destination: { bucket: "x", account: "3333" } }, "/remediation/destination/account"],
    [{ destination: { account: "333333333333" } }, "/remediation/destination/bucket"],
    [{ replicationRoleArn: "replication" }, "/remediation/replicationRoleArn"],
    [{ createDestination: "yes" }, "/remediation/createDestination"],
    [{ destination: { bucket: "x", storageClass: "COLD" } }, "/remediation/destination/storageClass"],
    [{ concurency: 4 }, "/remediation/concurency"],
  ])("refuses %j, naming %s", async (remediation, pointer) => {
    const file = await configFile({ remediation });
    await expect(loadConfig(file)).rejects.toThrow(`config file ${file}: ${pointer}`);
  });
});
