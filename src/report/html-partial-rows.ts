/**
 * The page head's table of partly read buckets (templates/partials/coverage.hbs), its rows rendered
 * as each bucket record is read and kept in a spill file (html-spill.ts) until the head is written.
 * The head comes first in the page but needs counts known only at the end; holding the rows (or the
 * buckets' errors) until then grew the reports stage with the organization: at 1,000,000 buckets
 * about 100,000 partly read buckets held ~115 MB (docs/memory.md, "A million buckets").
 */
import type { TemplateDelegate } from "handlebars";
import type { BucketDocument } from "../model/index.js";
import { SpillFile, type PageOutput } from "./html-spill.js";

export class PartialBucketRows {
  private spill: SpillFile | null = null;
  private rows = 0;

  /** `near`: a file in the folder for the spill (the report's temporary file); `row`: the row's template. */
  constructor(
    private readonly near: string,
    private readonly row: TemplateDelegate,
  ) {}

  /** A bucket record: a row when some of its reads failed. */
  add(bucket: BucketDocument): void {
    if (bucket.errors.length === 0) return;
    (this.spill ??= new SpillFile(`${this.near}.partial-buckets`)).write(this.row({ arn: bucket.arn, errors: bucket.errors }));
    this.rows++;
  }

  get count(): number {
    return this.rows;
  }

  /** Every row, in the order the buckets came. */
  async copy(output: PageOutput): Promise<void> {
    if (this.spill !== null) await this.spill.copy([0, this.spill.mark()], output);
  }

  discard(): Promise<void> {
    return this.spill?.discard() ?? Promise.resolve();
  }
}
