import { describe, expect, it } from "vitest";
import { manifestKeyOf, parseCsv } from "../../../src/fix/batch/report.js";

describe("fix/batch completion report", () => {
  it("parses quoted CSV fields with commas, doubled quotes and line breaks, as S3 writes them", () => {
    const text = 'b,"a,b.txt",v1,failed,200,PermanentFailure,"Lambda returned: {""errorMessage"":""x""}"\r\nb,"multi\nline",,succeeded,200,,Successful\n';
    expect(parseCsv(text)).toEqual([
      ["b", "a,b.txt", "v1", "failed", "200", "PermanentFailure", 'Lambda returned: {"errorMessage":"x"}'],
      ["b", "multi\nline", "", "succeeded", "200", "", "Successful"],
    ]);
  });

  it("places the manifest under the prefix, or at the bucket's root without one", () => {
    expect([manifestKeyOf("j1", "reports/batch/"), manifestKeyOf("j1", undefined), manifestKeyOf("j1", "")]).toEqual([
      "reports/batch/job-j1/manifest.json",
      "job-j1/manifest.json",
      "job-j1/manifest.json",
    ]);
  });
});
