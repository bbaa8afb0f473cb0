import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { evaluationLine, evaluationPassesLine, freshEvaluationPass, type EvaluationFigures } from "../../bench/figures.js";
import { loadPolicies } from "../../src/policy/index.js";
import { snapshotRecords } from "../../src/report/index.js";

const pass = (seconds: number, documents = 1000): EvaluationFigures => ({ documents, policies: 22, seconds, cpuSeconds: seconds * 1.2 });
const SNAPSHOT = fileURLToPath(new URL("../report/fixtures/snapshot.json", import.meta.url));

describe("bench: policy evaluation taken in fresh processes", () => {
  it("reports the median pass, by time a document, and every pass per 100,000", () => {
    const line = evaluationPassesLine([pass(0.03), pass(0.01), pass(0.02)]);
    expect(line).toBe(`median of 3 passes, each in a fresh process: ${evaluationLine(pass(0.02))}; every pass per 100,000 documents: 3.00, 1.00, 2.00 s wall`);
    // By time a document, not by time: the pass over more documents at the same time is the faster one.
    expect(evaluationPassesLine([pass(0.02, 2000), pass(0.015), pass(0.02)])).toContain(evaluationLine(pass(0.015)));
    // Of an even count, the lower middle one.
    expect(evaluationPassesLine([pass(0.04), pass(0.01), pass(0.03), pass(0.02)])).toContain(evaluationLine(pass(0.02)));
  });

  it("prints one pass as it is, and says when there is none", () => {
    expect(evaluationPassesLine([pass(0.02)])).toBe(evaluationLine(pass(0.02)));
    expect(evaluationPassesLine([])).toBe("not measured");
  });

  it("evaluates every bucket document of a snapshot with every default policy, in a process of its own", async () => {
    let buckets = 0;
    for await (const record of snapshotRecords(SNAPSHOT, { validate: false })) if (record.record === "bucket") buckets++;
    const figures = await freshEvaluationPass(SNAPSHOT);
    expect(buckets).toBeGreaterThan(0);
    expect(figures.documents).toBe(buckets);
    expect(figures.policies).toBe((await loadPolicies()).policies.length);
    expect(figures.seconds).toBeGreaterThan(0);
    expect(figures.cpuSeconds).toBeGreaterThan(0);
  }, 60_000);
});
