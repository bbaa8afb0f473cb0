/**
 * What the HTML's one pass keeps to the end of the snapshot: its page head prints each partly read
 * bucket's ARN and failed reads, and the number of `error` results. Whole documents (a replicating
 * bucket's lists its role's every user) and error results (with their messages and evidence) were
 * kept before: at 1,000,000 buckets they held the audit's reports stage at 2.8 GB; then the partly
 * read buckets' ARNs and errors (~100,000 of them at 1,000,000 buckets, ~115 MB with the page
 * string they made): their rows now wait in a spill file.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PolicyResult } from "../../src/model/index.js";
import { PartialBucketRows } from "../../src/report/html-partial-rows.js";
import { HtmlTallier } from "../../src/report/html-tally.js";
import { loadTemplates } from "../../src/report/html.js";
import { baseDocument } from "../support/policy-fixtures.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "replguard-partial-rows-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("the HTML tally", () => {
  it("counts partly read buckets and error results without keeping them", () => {
    const tallier = new HtmlTallier();
    const doc = baseDocument("source");
    doc.errors = [{ operation: "GetBucketEncryption", code: "AccessDenied", message: "denied" }] as typeof doc.errors;
    const result = (status: PolicyResult["status"]): PolicyResult => ({
      policyId: "p", bucketArn: doc.arn, bucket: doc.name, accountId: doc.account.id, region: doc.region,
      status, severity: "high", message: "m".repeat(1000), evidence: [], suppression: null,
    });
    tallier.add({ record: "header" } as never);
    tallier.add({ record: "bucket", bucket: doc } as never);
    for (const status of ["error", "pass", "error", "fail"] as const) tallier.add({ record: "result", result: result(status) } as never);
    tallier.add({ record: "trailer" } as never);
    const tally = tallier.finish();
    expect(tally.partialBucketCount).toBe(1);
    expect(tally.errorResultCount).toBe(2);
    expect(Object.keys(tally)).not.toContain("errorResults");
    expect(Object.keys(tally)).not.toContain("partialBuckets");
  });

  it("writes each partly read bucket's row to a spill file as it comes, escaped, and removes the file", async () => {
    const rows = new PartialBucketRows(join(dir, "report.html"), loadTemplates().partialBucket);
    const clean = baseDocument("source");
    const partial = baseDocument("source");
    partial.arn = "arn:aws:s3:::a<b";
    partial.errors = [
      { operation: "GetBucketTagging", code: "AccessDenied", message: "denied" },
      { operation: "GetBucketEncryption", code: "Throttling&Co", message: "slow" },
    ] as typeof partial.errors;
    rows.add(clean);
    rows.add(partial);
    rows.add(partial);
    expect(rows.count).toBe(2);
    expect((await readdir(dir)).some((name) => name.includes("partial-buckets"))).toBe(true);
    const chunks: string[] = [];
    await rows.copy({ write: async (chunk) => void chunks.push(chunk) });
    const row = `<tr><td><code>${partial.arn.replace("<", "&lt;")}</code></td><td>GetBucketTagging: AccessDenied<br>GetBucketEncryption: Throttling&amp;Co<br></td></tr>`;
    expect(chunks.join("")).toBe(row + row);
    await rows.discard();
    expect(await readdir(dir)).toEqual([]);
  });
});
