/**
 * Policy evaluation alone, over the bucket documents of a finished audit's snapshot file: the
 * figure `npm run bench` prints as "policy evaluation", without the scan that precedes it.
 *
 *   npx tsx bench/evaluation.ts SNAPSHOT [--rounds N] [--json]
 *
 * Each round evaluates every document with every default policy (bench/figures.ts
 * `evaluationFigures`: as audit/stream.ts does, timed a batch at a time, reading excluded) and
 * prints its line; the first round includes the JIT's warm-up, as the audit's evaluation does, so
 * the warm rounds are also summed apart. With `--rounds 10` over a 100 × 100 snapshot, "all rounds"
 * is about the audit's evaluation of 100,000 documents, warm-up included: the figure of issue #15.
 * Profile with `node --cpu-prof --import tsx bench/evaluation.ts SNAPSHOT`.
 *
 * It measures what the CLI does: V8 compiles as in the `replguard` executable (src/cli/main.ts),
 * with its inlining limit (src/cli/inlining.ts; `REPLGUARD_INLINED_BYTECODE_LIMIT=0` for V8's own).
 *
 * It ends with the figure of issue #15 and the sha256 of every result (one more pass, untimed) on
 * one line: the time per 100,000 documents of all rounds (warm-up included) and the hash, which a
 * change to evaluation's speed must leave as it was. `--json`: one line, the rounds' figures as a
 * JSON array, and no hash (what `npm run bench` reads of each fresh process, bench/figures.ts).
 */
import { createHash } from "node:crypto";
import { limitInlining } from "../src/cli/inlining.js";
import { evaluateBucket, loadPolicies } from "../src/policy/index.js";
import { snapshotRecords } from "../src/report/index.js";
import { evaluationFigures, evaluationLine, per100kLine, type EvaluationFigures } from "./figures.js";
import { numberFlag } from "./flags.js";

const file = process.argv[2];
if (file === undefined || file.startsWith("--")) {
  console.error("usage: npx tsx bench/evaluation.ts SNAPSHOT [--rounds N]");
  process.exit(2);
}
const rounds = numberFlag("rounds", 1);
const json = process.argv.includes("--json");
limitInlining();
// All rounds together: with 10 rounds of a 100 × 100 snapshot, about the audit of 100,000 documents, warm-up included.
const total: EvaluationFigures = { documents: 0, policies: 0, seconds: 0, cpuSeconds: 0 };
// The rounds after the first, apart: the first round's excess over them is the JIT's warm-up.
const warm: EvaluationFigures = { documents: 0, policies: 0, seconds: 0, cpuSeconds: 0 };
const add = (sum: EvaluationFigures, figures: EvaluationFigures): void => {
  sum.documents += figures.documents;
  sum.policies = figures.policies;
  sum.seconds += figures.seconds;
  sum.cpuSeconds += figures.cpuSeconds;
};
const perRound: EvaluationFigures[] = [];
for (let round = 1; round <= rounds; round++) {
  const figures = await evaluationFigures(file);
  perRound.push(figures);
  if (!json) console.log(`round ${round}: ${evaluationLine(figures)}`);
  add(total, figures);
  if (round > 1) add(warm, figures);
}
if (json) console.log(JSON.stringify(perRound));
else {
  if (rounds > 1) {
    console.log(`rounds 2–${rounds} (warm): ${evaluationLine(warm)}`);
    console.log(`all rounds: ${evaluationLine(total)}`);
  }
  const digest = await resultsDigest();
  console.log(`per 100,000 documents (${rounds === 1 ? "one round" : `all ${rounds} rounds`}, warm-up included): ${per100kLine(total)}; results sha256 ${digest}`);
}

/** The results themselves, hashed in the snapshot's order (one more pass, untimed): equal before and after a speed-up. */
async function resultsDigest(): Promise<string> {
  const set = await loadPolicies();
  const hash = createHash("sha256");
  let results = 0;
  for await (const record of snapshotRecords(file!, { validate: false })) {
    if (record.record !== "bucket") continue;
    for (const result of evaluateBucket(set, record.bucket, { suppressions: [] })) {
      hash.update(JSON.stringify(result));
      hash.update("\n");
      results++;
    }
  }
  const digest = hash.digest("hex");
  console.log(`results: ${results}, sha256 ${digest}`);
  return digest;
}
