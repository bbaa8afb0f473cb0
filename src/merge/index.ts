/**
 * `replguard merge`: the shards' snapshots of one sharded run (`audit --shard INDEX/COUNT`) into
 * one snapshot and one set of reports, equal to what one whole audit writes (docs/scale.md). The
 * shards must come from one configuration and one policy set, and all of them must be there: a
 * merge of a partial set would report a partial organization as whole. The policies are evaluated
 * here, over the whole inventory, so the merge loads the same policies the shards ran (checked by
 * their hashes). No AWS call.
 */
import { auditExitCode, summarize, type AuditSummary } from "../audit/index.js";
import { UsageError, type ExitCode } from "../errors.js";
import { BUCKET_DOCUMENT_SCHEMA_VERSION, isCurrentMajor, type PolicyResult, type Severity, type Snapshot, type Suppression } from "../model/index.js";
import { evaluateBucket, loadPolicies, SuppressionTracker, type LoadOptions, type PolicySet } from "../policy/index.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readSnapshot, REPORT_FORMATS, writeReportsFromSnapshot, writeSnapshotJson, type ReportFormat, type WrittenReport } from "../report/index.js";
import { combineShards } from "./combine.js";

export interface MergeOptions {
  /** The shards' snapshot files, any order. */
  snapshots: readonly string[];
  /** The policies the shards ran (same dirs, packs, parameters): checked against the shards' policy hashes. */
  policies?: LoadOptions;
  /** The shards' suppressions (their config file's). */
  suppressions?: Suppression[];
  /** Lowest severity whose failures make the exit code 1; default: the shards' `failOn`. */
  failOn?: Severity;
  /** Report formats; default all four. */
  formats?: readonly ReportFormat[];
  outDir: string;
  /** Clock for suppression expiry (tests). */
  now?: Date;
}

export interface MergeResult {
  snapshot: Snapshot;
  reports: WrittenReport[];
  summary: AuditSummary;
  exitCode: ExitCode;
}

const short = (hash: string): string => hash.slice(0, 12);
const policyKey = (s: Pick<Snapshot, "policies">): string => s.policies.map((p) => `${p.id}@${p.hash}`).join(",");

/** Refuses shards that are not one run's complete set, in one line naming the files. */
export function checkShards(snapshots: readonly Snapshot[], files: readonly string[]): Snapshot[] {
  if (snapshots.length === 0) throw new UsageError("merge: no snapshot given");
  snapshots.forEach((s, i) => {
    if (s.scan.shard === undefined) throw new UsageError(`${files[i]}: not a shard's snapshot (no scan.shard): merge combines the snapshots of audit --shard INDEX/COUNT`);
  });
  const first = snapshots[0]!;
  const count = first.scan.shard!.count;
  for (let i = 1; i < snapshots.length; i++) {
    const s = snapshots[i]!;
    if (s.configHash !== first.configHash) {
      throw new UsageError(`${files[0]} and ${files[i]} come from different configurations (configHash ${short(first.configHash)}… vs ${short(s.configHash)}…): merge only shards of one run`);
    }
    if (policyKey(s) !== policyKey(first)) {
      throw new UsageError(`${files[0]} and ${files[i]} ran different policy sets (ids or policy hashes differ): merge only shards of one run`);
    }
    if (s.scan.shard!.count !== count) {
      throw new UsageError(`${files[0]} is a shard of ${count} but ${files[i]} of ${s.scan.shard!.count}: merge only shards of one run`);
    }
  }
  const byIndex = new Map<number, number>();
  snapshots.forEach((s, i) => {
    const index = s.scan.shard!.index;
    const seen = byIndex.get(index);
    if (seen !== undefined) throw new UsageError(`shard ${index}/${count} given twice: ${files[seen]} and ${files[i]}`);
    byIndex.set(index, i);
  });
  snapshots.forEach((s, i) => checkDocumentVersion(s, files[i]!));
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    throw new UsageError(`shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${count}`).join(", ")} missing (given: ${[...byIndex.keys()].sort((a, b) => a - b).join(", ")}): a merge needs every shard of the run`);
  }
  return Array.from({ length: count }, (_, i) => snapshots[byIndex.get(i)!]!);
}

/**
 * A shard written by an older major of the bucket document (1.x, before roleFacts.usedBy became
 * usedByCount) is refused rather than upgraded: the merge evaluates this replguard's policies over
 * the documents and writes them as one snapshot, under one bucket-document version, and a 1.x
 * document (1.0.x ones lack fields 2.x requires) cannot be relabelled as 2.x. Shards of one run come
 * from one replguard: a mixed set means a shard to run again.
 */
function checkDocumentVersion(shard: Snapshot, file: string): void {
  const version = [shard.bucketDocumentSchemaVersion, ...shard.buckets.map((doc) => doc.schemaVersion)].find((v) => !isCurrentMajor(v));
  if (version === undefined) return;
  const major = BUCKET_DOCUMENT_SCHEMA_VERSION.split(".")[0];
  throw new UsageError(`${file}: its bucket documents are version ${version}; this replguard merges ${major}.x documents only: run that shard again with this replguard (docs/scale.md)`);
}

/** The policies loaded for the merge must be the ones the shards ran, hash for hash. */
function checkPolicies(set: PolicySet, shard: Snapshot, file: string): void {
  const loaded = new Map(set.policies.map((p) => [p.id, p.hash]));
  const differing = shard.policies.filter((p) => loaded.get(p.id) !== p.hash).map((p) => p.id);
  const extra = set.policies.filter((p) => !shard.policies.some((s) => s.id === p.id)).map((p) => p.id);
  if (differing.length + extra.length > 0) {
    throw new UsageError(
      `the policies loaded for the merge are not the ones ${file} ran (${[...differing, ...extra].slice(0, 3).join(", ")}${differing.length + extra.length > 3 ? ", …" : ""}): give merge the shards' --config, --policies and --pack`,
    );
  }
}

export async function merge(options: MergeOptions): Promise<MergeResult> {
  const read = await Promise.all(options.snapshots.map((file) => readSnapshot(file)));
  const shards = checkShards(read, options.snapshots);
  const first = shards[0]!;
  const firstFile = options.snapshots[read.indexOf(first)]!;
  const policySet = await loadPolicies(options.policies);
  checkPolicies(policySet, first, firstFile);
  const now = options.now ?? new Date();
  const suppressions = options.suppressions ?? [];
  const failOn = options.failOn ?? first.failOn;

  const combined = combineShards(shards, first.scan.shard!.count);
  const results: PolicyResult[] = [];
  const tracker = new SuppressionTracker(suppressions, now);
  for (const doc of combined.buckets) {
    for (const result of evaluateBucket(policySet, doc, { suppressions, now })) {
      tracker.observe(result);
      results.push(result);
    }
  }
  const { shard: _shard, ...scanInfo } = first.scan;
  const snapshot: Snapshot = {
    ...first,
    scan: {
      ...scanInfo,
      startedAt: shards.map((s) => s.scan.startedAt).sort()[0]!,
      finishedAt: shards.map((s) => s.scan.finishedAt).sort().at(-1)!,
      retries: {
        calls: shards.reduce((n, s) => n + (s.scan.retries?.calls ?? 0), 0),
        retriedCalls: shards.reduce((n, s) => n + (s.scan.retries?.retriedCalls ?? 0), 0),
        extraAttempts: shards.reduce((n, s) => n + (s.scan.retries?.extraAttempts ?? 0), 0),
      },
    },
    failOn,
    coverage: combined.coverage,
    accounts: combined.accounts,
    buckets: combined.buckets,
    results,
    activeSuppressions: tracker.active(),
    expiredSuppressions: tracker.expired(),
  };
  const summary = summarize(results, failOn);
  const formats = options.formats ?? REPORT_FORMATS;
  const reports = formats.length === 0 ? [] : await writeMergedReports(snapshot, options.outDir, formats, policySet);
  return { snapshot, reports, summary, exitCode: auditExitCode(snapshot, summary) };
}

/**
 * The reports of the merged snapshot, rendered from its file as `audit` renders its own, so a
 * merged run's reports equal a whole run's apart from timestamps.
 */
async function writeMergedReports(snapshot: Snapshot, outDir: string, formats: readonly ReportFormat[], policySet: PolicySet): Promise<WrittenReport[]> {
  const scratch = await mkdtemp(join(tmpdir(), "replguard-merge-"));
  try {
    const file = join(scratch, "snapshot.json");
    await writeSnapshotJson(snapshot, file);
    return await writeReportsFromSnapshot(file, { outDir, formats: [...formats], policies: policySet.policies });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
