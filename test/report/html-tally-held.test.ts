/**
 * What the HTML's one pass keeps to the end of the snapshot: its page head prints each partly read
 * bucket's ARN and failed reads, and the number of `error` results. Whole documents (a replicating
 * bucket's lists its role's every user) and error results (with their messages and evidence) were
 * kept before: at 1,000,000 buckets they held the audit's reports stage at 2.8 GB.
 */
import { describe, expect, it } from "vitest";
import type { PolicyResult } from "../../src/model/index.js";
import { HtmlTallier } from "../../src/report/html-tally.js";
import { baseDocument } from "../support/policy-fixtures.js";

describe("the HTML tally", () => {
  it("keeps a partly read bucket's ARN, account and errors, and counts error results without keeping them", () => {
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
    expect(tally.partialBuckets).toEqual([{ arn: doc.arn, account: { id: doc.account.id }, errors: doc.errors }]);
    expect(tally.errorResultCount).toBe(2);
    expect(Object.keys(tally)).not.toContain("errorResults");
  });
});
