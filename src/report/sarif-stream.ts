/**
 * `results.sarif` written as the snapshot's records stream by: each finding is written when its
 * record is read, and the rest of the run (tool and rules, the invocation with its notifications,
 * coverage) after the results, since only then are the rules seen in results and the coverage
 * known (JSON members have no order).
 * In memory: the accounts' notifications and, with a baseline, the baseline's findings; the
 * buckets' and error results' notifications wait in a temporary file (sarif-notes.ts).
 */
import type { AccountRecord, BucketDocument, Drift, PolicyResult, SnapshotHeader, SnapshotRecord, SnapshotTrailer } from "../model/index.js";
import type { ReportFileWriter } from "./output-stream.js";
import type { PolicyCatalog } from "./policy-catalog.js";
import {
  accountNotifications,
  baselineStateOf,
  bucketNotifications,
  errorResultNotification,
  findingKey,
  isFinding,
  runHeadOf,
  SARIF_SCHEMA_URI,
  sarifResult,
  sentence,
} from "./sarif.js";
import { sarifResultJson } from "./sarif-json.js";
import { SpilledNotes, type NoteFiles } from "./sarif-notes.js";

type Json = Record<string, unknown>;

/** What SARIF needs of the baseline: its findings (fail, suppressed) and account names, and the buckets whose configuration changed. */
export interface SarifBaseline {
  findings: Map<string, PolicyResult>;
  accountNames: Map<string, string>;
  changedBuckets: Set<string>;
}

/** Reads the baseline's findings from its records (memory: its findings, not its documents). */
export async function sarifBaseline(records: AsyncIterable<SnapshotRecord>, drift: Drift): Promise<SarifBaseline> {
  const baseline: SarifBaseline = { findings: new Map(), accountNames: new Map(), changedBuckets: new Set(drift.configuration.map((c) => c.bucketArn)) };
  for await (const record of records) {
    if (record.record === "account") baseline.accountNames.set(record.account.id, record.account.name);
    else if (record.record === "result" && isFinding(record.result)) baseline.findings.set(findingKey(record.result), record.result);
  }
  return baseline;
}

export class SarifStream {
  private header: SnapshotHeader | null = null;
  private readonly names = new Map<string, string>();
  private readonly notes: SpilledNotes;
  /** Baseline findings still unmatched, with the status their (policy, bucket) has now, if any. */
  private readonly statusNow = new Map<string, string>();
  /** Accounts of this run that could not be read: their earlier findings are not known to be gone. */
  private readonly unread = new Set<string>();
  private first = true;

  constructor(
    private readonly out: ReportFileWriter,
    private readonly catalog: PolicyCatalog,
    private readonly baseline?: SarifBaseline,
    noteFiles?: NoteFiles,
  ) {
    this.notes = new SpilledNotes(out.file, noteFiles);
  }

  async start(header: SnapshotHeader): Promise<void> {
    this.header = header;
    await this.out.write(`{"$schema":${JSON.stringify(SARIF_SCHEMA_URI)},"version":"2.1.0","runs":[{"results":[\n`);
  }

  account(account: AccountRecord): void {
    this.names.set(account.id, account.name);
    if (account.scope === "in-scope" && account.scan !== "scanned") this.unread.add(account.id);
    this.notes.accounts.push(...accountNotifications(account, this.header!.scan.finishedAt));
  }

  bucket(bucket: BucketDocument): void {
    this.notes.bucket(bucketNotifications(bucket, this.header!.scan.finishedAt));
  }

  /** A promise only when the finding's text hands a batch to the file (render-lane.ts awaits nothing else). */
  result(result: PolicyResult): Promise<void> | undefined {
    const { index } = this.catalog.forResult(result);
    if (result.status === "error") this.notes.error(errorResultNotification(result, this.header!.scan.finishedAt));
    // The key only matters against a baseline: without one, most results are not findings and need nothing.
    const key = this.baseline === undefined ? "" : findingKey(result);
    if (!isFinding(result)) {
      if (this.baseline?.findings.has(key) === true) this.statusNow.set(key, result.status);
      return undefined;
    }
    let baselineState: string | undefined;
    if (this.baseline !== undefined) {
      baselineState = baselineStateOf(result, this.baseline.findings.get(key), this.baseline.changedBuckets);
      this.baseline.findings.delete(key);
    }
    return this.writeText(sarifResultJson(result, index, this.names.get(result.accountId), baselineState));
  }

  /**
   * The baseline's findings not reported now, then the rest of the run. One that could not be
   * checked now (its account was not read, or its result is `error`) is carried as `unchanged`, not
   * `absent`: a code-scanning tool closes an absent alert as fixed, and nobody saw it fixed.
   */
  async finish(trailer: SnapshotTrailer): Promise<void> {
    for (const result of this.baseline?.findings.values() ?? []) {
      const known = this.catalog.has(result.policyId);
      const sarif = sarifResult(result, known ? this.catalog.forResult(result).index : -1, this.baseline!.accountNames.get(result.accountId));
      if (!known) delete sarif.ruleIndex; // the policy no longer runs: name it by id only
      const status = this.statusNow.get(findingKey(result)) ?? null;
      const unverified = status === "error" || (status === null && this.unread.has(result.accountId));
      if (unverified) {
        sarif.message = { text: sentence(`Not verified in this run (${status === "error" ? "its result could not be decided" : `account ${result.accountId} could not be read`}); it was: ${result.message || result.policyId}`) };
        sarif.baselineState = "unchanged";
        (sarif.properties as Json).statusNow = status;
        (sarif.properties as Json).unverified = true;
        await this.write(sarif);
        continue;
      }
      sarif.message = { text: sentence(`No longer reported (${status === null ? "no result now: the bucket, the policy or its account is gone" : `now ${status}`}); it was: ${result.message || result.policyId}`) };
      sarif.baselineState = "absent";
      (sarif.properties as Json).statusNow = status;
      await this.write(sarif);
    }
    const complete = trailer.coverage.complete && this.notes.errorCount === 0;
    const head = runHeadOf({ ...this.header!, coverage: trailer.coverage }, this.catalog.list(), this.notes.placeholder as unknown as Json[], complete);
    // The head is an object: its members follow the results array.
    await this.notes.write(`\n],${JSON.stringify(head).slice(1)}]}\n`, { write: (chunk) => this.out.write(chunk), writeBytes: (bytes) => this.out.writeBytes(bytes) });
    await this.notes.discard();
  }

  /** Removes the notifications' temporary files (after a failure: `finish` removes them itself). */
  discard(): Promise<void> {
    return this.notes.discard();
  }

  private async write(sarif: Json): Promise<void> {
    await this.writeText(JSON.stringify(sarif));
  }

  private writeText(json: string): Promise<void> | undefined {
    const separator = this.first ? "" : ",\n";
    this.first = false;
    return this.out.queue(separator + json);
  }
}
