/**
 * The sinks a report worker needs (render-worker.ts: CSV and SARIF) and what every sink shares, apart
 * from the JSON and HTML sinks (record-sinks.ts, which re-exports these): the worker then loads
 * neither the HTML renderer nor its templates (about 4.5 MB of its heap, more under tsx).
 */
import type { AccountRecord, SnapshotRecord } from "../model/index.js";
import { CsvStream } from "./csv.js";
import type { ReportFileWriter } from "./output-stream.js";
import { PolicyCatalog } from "./policy-catalog.js";
import type { NoteFiles } from "./sarif-notes.js";
import { SarifStream, type SarifBaseline } from "./sarif-stream.js";
import type { PolicyInfo } from "./types.js";

export interface RecordSink {
  add(record: SnapshotRecord): Promise<void> | void;
  /** After the last record: completes and closes the report. */
  finish(): Promise<void>;
  /** After a failure: closes without completing (the caller removes the file). */
  abort(): Promise<void>;
}

/**
 * The policy catalog every report of the pass reads: the header's policies, then each policy seen
 * only in results at its first result (the same order, so the same SARIF rule indexes, for all).
 * Fed each record before the reports are.
 */
export class SharedCatalog {
  private catalog: PolicyCatalog | null = null;

  constructor(private readonly policies: readonly PolicyInfo[]) {}

  add(record: SnapshotRecord): void {
    if (record.record === "header") this.catalog = new PolicyCatalog(record.policies, this.policies);
    else if (record.record === "result") this.current.forResult(record.result);
  }

  get current(): PolicyCatalog {
    if (this.catalog === null) throw new Error("a snapshot without its header reached the report");
    return this.catalog;
  }
}

export class CsvSink implements RecordSink {
  private readonly accounts = new Map<string, AccountRecord>();
  private csv: CsvStream | null = null;

  constructor(
    private readonly out: ReportFileWriter,
    private readonly catalog: SharedCatalog,
  ) {}

  /** A promise only when the record's line hands a batch to the file (render-lane.ts awaits nothing else). */
  add(record: SnapshotRecord): Promise<void> | undefined {
    if (record.record === "result") return this.csv!.result(record.result, this.accounts.get(record.result.accountId));
    if (record.record === "header") {
      this.csv = new CsvStream(this.out, this.catalog.current);
      return this.csv.start();
    }
    if (record.record === "account") this.accounts.set(record.account.id, record.account);
    return undefined;
  }

  finish(): Promise<void> {
    return this.out.close();
  }

  abort(): Promise<void> {
    return this.out.destroy();
  }
}

export class SarifSink implements RecordSink {
  private sarif: SarifStream | null = null;

  constructor(
    private readonly out: ReportFileWriter,
    private readonly catalog: SharedCatalog,
    private readonly baseline: SarifBaseline | undefined,
    private readonly noteFiles?: NoteFiles,
  ) {}

  /** A promise only when the record's text hands a batch to the file, as CsvSink's. */
  add(record: SnapshotRecord): Promise<void> | undefined {
    if (record.record === "result") return this.sarif!.result(record.result);
    if (record.record === "bucket") this.sarif!.bucket(record.bucket);
    else if (record.record === "account") this.sarif!.account(record.account);
    else if (record.record === "header") {
      this.sarif = new SarifStream(this.out, this.catalog.current, this.baseline, this.noteFiles);
      return this.sarif.start(record);
    } else return this.sarif!.finish(record);
    return undefined;
  }

  finish(): Promise<void> {
    return this.out.close();
  }

  async abort(): Promise<void> {
    await this.sarif?.discard();
    await this.out.destroy();
  }
}
