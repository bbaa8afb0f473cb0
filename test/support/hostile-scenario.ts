/** The demo organization with hostile text where AWS lets users write it, audited through the sandbox (test/report/html-browser.test.ts). */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { audit } from "../../src/audit/index.js";
import { shippedPath } from "../../src/paths.js";
import { startSandbox } from "../../src/sandbox/index.js";

/**
 * Hostile text where AWS lets users write it: an account name and tags, bucket tags, a rule id.
 * (Bucket tags are read only when a loaded policy needs them; the default set does not, so the
 * report shows the account's tags and the bucket's as unknown.)
 */
export const EVIL = { name: "<img src=x onerror=alert(1)>", tag: "</script><script>alert(2)</script>", ruleId: "<svg onload=alert(3)>" };

/**
 * The demo organization with hostile text in one account, through the whole chain (sandbox, SDK,
 * scan, snapshot, report): the library's audit, so that it runs beside the CLI's demo audit. Only
 * that account and the management account are kept: the rest would be the demo audit again (its
 * rule's destination, now outside the organization, is still drawn with the rule id). Returns the
 * HTML report's path.
 */
export async function auditHostileScenario(dir: string): Promise<string> {
  const scenario = JSON.parse(await readFile(shippedPath("scenarios", "demo.json"), "utf8")) as {
    accounts: { name: string; tags?: Record<string, string>; buckets?: { tags?: Record<string, string>; replication?: { Rules: { ID: string }[] } }[] }[];
  };
  const target = scenario.accounts[1]!;
  scenario.accounts = [scenario.accounts[0]!, target];
  const bucket = target.buckets!.find((b) => b.replication)!;
  target.name = EVIL.name;
  target.tags = { ...target.tags, team: EVIL.tag, note: EVIL.name };
  bucket.tags = { team: EVIL.tag, note: EVIL.name };
  bucket.replication!.Rules[0]!.ID = EVIL.ruleId;
  const file = join(dir, "hostile.json");
  await writeFile(file, JSON.stringify(scenario));
  const sandbox = await startSandbox({ scenario: file });
  try {
    const outDir = join(dir, "hostile");
    await audit({ scan: { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region }, formats: ["html"], outDir });
    return join(outDir, "report.html");
  } finally {
    await sandbox.close();
  }
}
