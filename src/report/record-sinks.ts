/**
 * Each report format as a sink of snapshot records, so that one pass over the records feeds them
 * all (from-snapshot.ts): CSV and SARIF write as the records come, the JSON snapshot is re-written
 * record by record, and the HTML counts in this pass and writes its page in a second one.
 */
import type { SnapshotRecord } from "../model/index.js";
import { HtmlTallier, renderHtmlPage } from "./html-stream.js";
import type { ReportFileWriter } from "./output-stream.js";
import { SnapshotWriter } from "./snapshot-json.js";
import type { RecordSink, SharedCatalog } from "./stream-sinks.js";
import type { HtmlOptions } from "./types.js";

export { CsvSink, SarifSink, SharedCatalog, type RecordSink } from "./stream-sinks.js";

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
