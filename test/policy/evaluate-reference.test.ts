/**
 * Evaluation gives exactly the results it gave before it was made fast (issue #15): bucket
 * documents with the results main's evaluator produced for them, read from a committed fixture.
 * The documents are the demo organization's and a sample of a generated 100 × 100 organization's
 * (`sandbox --generate accounts=100,buckets=100,seed=7`), chosen so that every (policy, status,
 * sentence shape) of that organization appears; the results were computed with no suppressions
 * and again with a permanent, an active and an expired one. Compared as JSON text: key order
 * included, as the snapshot writes them. Bucket document 2.0.0 mapped the fixture, and nothing
 * else: each document (and each document quoted in evidence) at 2.0.0 with roleFacts.usedBy replaced
 * by usedByCount in its place, and replication-role-dedicated's fail message counting the buckets
 * ("is shared by 4 buckets of different …") where it listed their names.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import type { BucketDocument, PolicyResult, Suppression } from "../../src/model/index.js";
import { evaluateBucket, loadPolicies, type PolicySet } from "../../src/policy/index.js";

interface EvaluationReference {
  now: string;
  documents: BucketDocument[];
  results: PolicyResult[][];
  suppressions: Suppression[];
  suppressed: PolicyResult[][];
}

const reference = JSON.parse(
  gunzipSync(readFileSync(new URL("fixtures/evaluation-reference.json.gz", import.meta.url))).toString("utf8"),
) as EvaluationReference;
const now = new Date(reference.now);
let set: PolicySet;
beforeAll(async () => {
  set = await loadPolicies();
});

describe("policy/evaluateBucket against main's results", () => {
  it("covers every status and every default policy", () => {
    const statuses = new Set(reference.results.flat().map((r) => r.status));
    expect([...statuses].sort()).toEqual(["error", "fail", "not_applicable", "pass"]);
    expect(new Set(reference.results.flat().map((r) => r.policyId)).size).toBe(set.policies.length);
    expect(reference.suppressed.flat().some((r) => r.status === "suppressed")).toBe(true);
  });

  it("gives the same results, field for field and in the same key order, without suppressions", () => {
    const differing = reference.documents.filter((doc, i) => JSON.stringify(evaluateBucket(set, doc, { suppressions: [], now })) !== JSON.stringify(reference.results[i]));
    expect(differing.map((doc) => doc.name)).toEqual([]);
  });

  it("gives the same results with suppressions (permanent, active, expired)", () => {
    const { suppressions } = reference;
    const differing = reference.documents.filter((doc, i) => JSON.stringify(evaluateBucket(set, doc, { suppressions, now })) !== JSON.stringify(reference.suppressed[i]));
    expect(differing.map((doc) => doc.name)).toEqual([]);
  });
});
