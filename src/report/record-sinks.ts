/**
 * Each report format as a sink of snapshot records, so that one pass over the records feeds them
 * all (from-snapshot.ts): CSV and SARIF write as the records come, the JSON snapshot is re-written
 * record by record, and the HTML counts in this pass and writes its page in a second one.
 */
import type { AccountRecord, SnapshotRecord } from "../model/index.js";
import { CsvStream } from "./csv.js";
import { HtmlTallier, renderHtmlPage } from "./html-stream.js";
import type { ReportFileWriter } from "./output-stream.js";
import { PolicyCatalog } from "./policy-catalog.js";
import { SarifStream, type SarifBaseline } from "./sarif-stream.js";
import { SnapshotWriter } from "./snapshot-json.js";
import type { HtmlOptions, PolicyInfo } from "./types.js";

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

  async add(record: SnapshotRecord): Promise<void> {
    if (record.record === "header") {
      this.csv = new CsvStream(this.out, this.catalog.current);
      await this.csv.start();
    } else if (record.record === "account") this.accounts.set(record.account.id, record.account);
    else if (record.record === "result") await this.csv!.result(record.result, this.accounts.get(record.result.accountId));
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
  ) {}

  async add(record: SnapshotRecord): Promise<void> {
    if (record.record === "header") {
      this.sarif = new SarifStream(this.out, this.catalog.current, this.baseline);
      await this.sarif.start(record);
    } else if (record.record === "account") this.sarif!.account(record.account);
    else if (record.record === "bucket") this.sarif!.bucket(record.bucket);
    else if (record.record === "result") await this.sarif!.result(record.result);
    else await this.sarif!.finish(record);
  }

  finish(): Promise<void> {
    return this.out.close();
  }

  abort(): Promise<void> {
    return this.out.destroy();
  }
}

/** `snapshot.json` re-written in the current format (header version, no credentials in the endpoint, trailer counts). */
export class JsonSink implements RecordSink {
  private readonly writer: SnapshotWriter;
  private trailer: Extract<SnapshotRecord, { record: "trailer" }> | null = null;

  constructor(file: string) {
    this.writer = new SnapshotWriter(file);
  }

  async add(record: SnapshotRecord): Promise<void> {
    if (record.record === "header") await this.writer.header(record);
    else if (record.record === "account") await this.writer.account(record.account);
    else if (record.record === "bucket") await this.writer.bucket(record.bucket, []);
    else if (record.record === "result") await this.writer.result(record.result);
    // The trailer is written by finish: it closes the file.
    else this.trailer = record;
  }

  async finish(): Promise<void> {
    if (this.trailer === null) throw new Error("a snapshot without its trailer reached the report");
    await this.writer.finish(this.trailer);
  }

  abort(): Promise<void> {
    return this.writer.abort();
  }
}

/** The HTML's counts in the shared pass; its page, reading the records again, when finished. */
export class HtmlSink implements RecordSink {
  private readonly tallier = new HtmlTallier();

  constructor(
    private readonly out: ReportFileWriter,
    private readonly catalog: SharedCatalog,
    private readonly records: () => AsyncIterable<SnapshotRecord>,
    private readonly options: HtmlOptions,
  ) {}

  add(record: SnapshotRecord): void {
    this.tallier.add(record);
  }

  async finish(): Promise<void> {
    await renderHtmlPage(this.tallier.finish(), this.records(), this.catalog.current.list(), (chunk) => this.out.write(chunk), this.options);
    await this.out.close();
  }

  abort(): Promise<void> {
    return this.out.destroy();
  }
}
