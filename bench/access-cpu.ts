/**
 * The access pass's CPU (issue #15): user + system CPU of a scan with every access fact minus the
 * same scan without them, with the sandbox in its own process, so the figure is the role, bucket
 * policy and key policy reads plus the IAM evaluation of the replicating buckets; then the IAM
 * evaluation alone (the same questions asked again from cold memos, the least of six replays), and
 * how many decisions were remembered (by query, by resource class) rather than simulated. Also
 * prints a digest of every access fact, so a change can be checked for identical output (docs/iam.md).
 * `npx tsx bench/access-cpu.ts [--accounts N] [--buckets M] [--rounds R] [--profile]` (defaults 10 × 100, 2 rounds;
 * `--profile` writes access-cpu.cpuprofile of the last round's access stage).
 */
import { createHash } from "node:crypto";
import { subscribe } from "node:diagnostics_channel";
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { ACCESS_FACTS } from "../src/model/facts.js";
import { clearDecisionMemo, decisionMemoStats, missingActions, observeQueries } from "../src/policy/iam/evaluate.js";
import type { AccessQuery } from "../src/policy/iam/index.js";
import { DEFAULT_FACT_PLAN, scan } from "../src/scan/index.js";
import type { BucketDocument } from "../src/model/index.js";
import { numberFlag } from "./flags.js";
import { startSandboxChild } from "./sandbox-child.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const accounts = numberFlag("accounts", 10);
const buckets = numberFlag("buckets", 100);
const rounds = numberFlag("rounds", 2);

const { child, env } = await startSandboxChild(accounts, buckets);

/** The access facts of a document: what the access pass writes. */
const accessOf = (doc: BucketDocument): unknown => ({
  name: doc.name,
  errors: doc.errors,
  roleFacts: doc.replication?.roleFacts,
  rules: (doc.replication?.rules ?? []).map((r) => r.destination),
});

/**
 * The IAM evaluation alone: the questions the scan asked (its answers observed in order, regrouped
 * into the questions `missingActions` asked: consecutive answers about the same inputs and
 * resource), asked again with the same objects (frozen identity lists and contexts, validated
 * policies) from cold decision memos, in one process with nothing else running: a steadier figure
 * than the difference of two scans, which includes the reads. The least of `REPLAYS` rounds after
 * a first that warms the JIT.
 */
const REPLAYS = 6;
async function evaluationAlone(queries: AccessQuery[]): Promise<number> {
  const same = (a: AccessQuery, b: AccessQuery): boolean =>
    a.principal === b.principal && a.resource === b.resource && a.resourceAccount === b.resourceAccount && a.identityPolicies === b.identityPolicies && a.resourcePolicy === b.resourcePolicy && a.context === b.context;
  const questions: Array<{ query: AccessQuery; actions: string[] }> = [];
  for (const query of queries) {
    const last = questions.at(-1);
    if (last !== undefined && same(last.query, query) && !last.actions.includes(query.action)) last.actions.push(query.action);
    else questions.push({ query, actions: [query.action] });
  }
  let least = Infinity;
  for (let round = 0; round <= REPLAYS; round++) {
    clearDecisionMemo();
    const before = process.cpuUsage();
    for (const { query, actions } of questions) await missingActions(query, actions);
    const cpu = process.cpuUsage(before);
    if (round > 0) least = Math.min(least, (cpu.user + cpu.system) / 1000);
  }
  return least;
}

const cpuNow = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/**
 * The access stage alone (from the scan's `access` mark to its `handover` mark, src/scan/context.ts):
 * the second reading of the spool, the batches' reads and evaluation, the completed documents
 * written; without the accounts stage's GetBucketTagging calls that the difference of two scans
 * counts. `--profile` profiles this stage only.
 */
let stage: { from: number; ms: number } = { from: 0, ms: 0 };
let onStage: ((name: string) => void) | undefined;
subscribe("replguard:scan-stage", (message) => {
  const name = (message as { stage: string }).stage;
  if (name === "access") stage = { from: cpuNow(), ms: 0 };
  if (name === "handover" && stage.from > 0) stage = { from: 0, ms: cpuNow() - stage.from };
  onStage?.(name);
});

async function run(access: boolean): Promise<{ ms: number; stageMs: number; docs: BucketDocument[] }> {
  clearDecisionMemo();
  stage = { from: 0, ms: 0 };
  const before = process.cpuUsage();
  const result = await scan({
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    concurrency: { requests: 64, accounts: 16 },
    ...(access ? { facts: { ...DEFAULT_FACT_PLAN, access: [...ACCESS_FACTS] } } : {}),
  });
  const cpu = process.cpuUsage(before);
  return { ms: (cpu.user + cpu.system) / 1000, stageMs: stage.ms, docs: result.buckets };
}

try {
  const session = process.argv.includes("--profile") ? new Session() : undefined;
  for (let round = 1; round <= rounds; round++) {
    const without = await run(false);
    let profiled: Promise<void> = Promise.resolve();
    if (session !== undefined && round === rounds) {
      session.connect();
      await session.post("Profiler.enable");
      onStage = (name) => {
        if (name === "access") profiled = session.post("Profiler.start");
        if (name === "handover") {
          profiled = profiled.then(async () => {
            const { profile } = await session.post("Profiler.stop");
            await writeFile("access-cpu.cpuprofile", JSON.stringify(profile));
          });
        }
      };
    }
    const queries: AccessQuery[] = [];
    observeQueries((query) => queries.push(query));
    const withAccess = await run(true);
    observeQueries(undefined);
    onStage = undefined;
    await profiled;
    const replicating = withAccess.docs.filter((d) => d.replication?.configured === true && d.replication.role !== null).length;
    const digest = createHash("sha256").update(JSON.stringify(withAccess.docs.map(accessOf))).digest("hex").slice(0, 16);
    const pass = withAccess.ms - without.ms;
    const memo = decisionMemoStats();
    const asked = memo.hits + memo.misses;
    const alone = await evaluationAlone(queries);
    console.log(
      `round ${round}: ${withAccess.docs.length} buckets (${replicating} replicating): scan ${(without.ms / 1000).toFixed(2)} s CPU, with access facts ${(withAccess.ms / 1000).toFixed(2)} s: ` +
        `access pass ${(pass / 1000).toFixed(2)} s = ${(pass / replicating).toFixed(2)} ms per replicating bucket, of which the access stage ${(withAccess.stageMs / replicating).toFixed(3)} ms; access facts digest ${digest}; ` +
        `IAM evaluation alone ${(alone / replicating).toFixed(3)} ms per replicating bucket; decisions: ${asked} asked, ${memo.hits} remembered by query, ${memo.classHits} by resource class, ${memo.simulations} simulated (hit rate ${((100 * (asked - memo.simulations)) / asked).toFixed(1)}%)`,
    );
  }
} finally {
  child.kill();
}
