/**
 * The IAM evaluation was made faster (issue #15: validated policies reused, decisions remembered,
 * role facts once per role, linear resource bounds): every access fact must stay what it was. The
 * fixture was made on main before that change (test/iam/access-facts.ts, by scanning each
 * organization below with the default policies' fact plan); this scans them again and compares.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { loadPolicies, requiredFacts } from "../../src/policy/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import { scanSandbox } from "../support/scan.js";
import { ACCESS_FIXTURE_SCENARIOS, accessFactsOf } from "./access-facts.js";

const fixture = JSON.parse(await readFile(new URL("fixtures/access-facts-main.json", import.meta.url), "utf8")) as Record<string, ReturnType<typeof accessFactsOf>>;

describe("scan/access facts: the same as before the IAM evaluation was made faster", () => {
  for (const [name, make] of Object.entries(ACCESS_FIXTURE_SCENARIOS)) {
    it(`states exactly main's access facts for ${name}`, async () => {
      const sandbox = await startSandbox({ scenario: await make() });
      try {
        const result = await scanSandbox(sandbox, { facts: requiredFacts(await loadPolicies()) });
        const facts = accessFactsOf(result.buckets);
        // The comparison means something only if the organization exercises the evaluator.
        expect(facts.buckets.some((b) => (b as { destinations: Array<{ roleMissingActions: unknown }> }).destinations.some((d) => Array.isArray(d.roleMissingActions)))).toBe(true);
        expect(facts).toEqual(fixture[name]);
      } finally {
        await sandbox.close();
      }
    });
  }
});
