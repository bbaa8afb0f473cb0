import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PolicyResult } from "../../src/model/index.js";
import { sarifResult } from "../../src/report/sarif.js";
import { sarifResultJson } from "../../src/report/sarif-json.js";
import { buildSnapshot } from "../support/report-fixture.js";

/** The reference: the result's object, its baseline state last, then JSON.stringify (the SARIF's earlier code). */
const reference = (result: PolicyResult, ruleIndex: number, accountName: string | undefined, baselineState?: string): string => {
  const sarif = sarifResult(result, ruleIndex, accountName);
  if (baselineState !== undefined) sarif.baselineState = baselineState;
  return JSON.stringify(sarif);
};

/** The text, or the error it throws (a lone surrogate in a bucket's URI segments throws URIError either way). */
const outcome = (write: () => string): string => {
  try {
    return write();
  } catch (error) {
    return `throws ${(error as Error).name}`;
  }
};

describe("report/sarif sarifResultJson", () => {
  it("writes the fixture's results with the same bytes as JSON.stringify of sarifResult, with and without an account name and a baseline state", () => {
    const results = buildSnapshot().results;
    expect(results.some((r) => r.status === "fail" && r.evidence.length > 0)).toBe(true);
    for (const [i, result] of results.entries()) {
      for (const name of [undefined, "prod <img src=x>", "=cmd"]) {
        for (const state of [undefined, "new", "updated"]) expect(sarifResultJson(result, i, name, state)).toBe(reference(result, i, name, state));
      }
    }
  });

  it("gives JSON.stringify's bytes for any strings and evidence values, and for results not shaped as the schema says", () => {
    const text = fc.oneof(fc.string(), fc.constantFrom("", "a.", "trailing  ", 'q"q', "\\", "\u2028", "\ud800", "é/ü", "</script>"));
    const json = fc.jsonValue({ maxDepth: 2 });
    const evidence = fc.array(
      fc.record({ pointer: text, actual: fc.option(json, { nil: undefined }), expected: fc.option(json, { nil: undefined }) }, { requiredKeys: ["pointer"] }),
      { maxLength: 3 },
    );
    const result = fc.record({
      policyId: text,
      bucketArn: text,
      bucket: text,
      accountId: text,
      region: text,
      status: fc.constantFrom("fail", "suppressed", "pass", "error"),
      severity: fc.constantFrom("critical", "high", "medium", "low", "info", "unknown", "constructor"),
      message: text,
      evidence,
      suppression: fc.option(fc.record({ reason: text, expires: fc.option(text, { nil: undefined }) }), { nil: null }),
    });
    const ruleIndex = fc.oneof(fc.nat(40), fc.constant(-1));
    fc.assert(
      fc.property(result, ruleIndex, fc.option(text, { nil: undefined }), fc.option(fc.constantFrom("new", "unchanged", "updated"), { nil: undefined }), (r, index, name, state) => {
        const value = r as unknown as PolicyResult;
        expect(outcome(() => sarifResultJson(value, index, name, state))).toBe(outcome(() => reference(value, index, name, state)));
      }),
      { numRuns: 400 },
    );
  });

  it("gives the same bytes for a run of findings whichever bucket, account and name parts it reuses from the finding before", () => {
    const text = fc.constantFrom("", "a", "b", 'q"q', "\u2028", "é/ü");
    const result = fc.record({
      policyId: fc.constantFrom("p1", "p2"),
      bucketArn: text,
      bucket: text,
      accountId: text,
      region: text,
      status: fc.constant("fail"),
      severity: fc.constantFrom("high", "low"),
      message: text,
      evidence: fc.constant([]),
      suppression: fc.constant(null),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(result, fc.option(text, { nil: undefined })), { minLength: 2, maxLength: 12 }), (run) => {
        for (const [r, name] of run) {
          const value = r as unknown as PolicyResult;
          expect(sarifResultJson(value, 3, name)).toBe(reference(value, 3, name));
        }
      }),
      { numRuns: 300 },
    );
  });
});
