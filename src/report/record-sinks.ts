/**
 * Each report format as a sink of snapshot records, so that one pass over the records feeds them
 * all (from-snapshot.ts): CSV and SARIF write as the records come, the JSON snapshot is re-written
 * record by record, and the HTML counts and keeps its listings in this pass and writes its page at the end.
 */
import type { SnapshotRecord } from "../model/index.js";
import { HtmlRenderer } from "./html-stream.js";
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

/**
 * The HTML's counts and its buckets' listings (into spill files beside the report) in the shared
 * pass; its page, from them, when finished (html-stream.ts). `expectedBuckets`: the trailer's count,
 * read beforehand when the file allows it.
 */
export class HtmlSink implements RecordSink {
  private readonly renderer: HtmlRenderer;

  constructor(
    private readonly out: ReportFileWriter,
    private readonly catalog: SharedCatalog,
    options: HtmlOptions,
    expectedBuckets?: number,
  ) {
    this.renderer = new HtmlRenderer(out.file, { get: (id) => catalog.current.get(id) }, options, expectedBuckets);
  }

  add(record: SnapshotRecord): void {
    this.renderer.add(record);
  }

  async finish(): Promise<void> {
    await this.renderer.finish(this.catalog.current.list(), { write: (chunk) => this.out.write(chunk), writeBytes: (bytes) => this.out.writeBytes(bytes) });
    await this.out.close();
  }

  async abort(): Promise<void> {
    await this.renderer.abort();
    await this.out.destroy();
  }
}
