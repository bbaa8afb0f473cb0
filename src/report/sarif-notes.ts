/**
 * The run's notifications of partly read buckets and of `error` results, kept as JSON text in a
 * report temporary file until the run head is written after the results (SARIF puts them in the
 * invocation, which needs the coverage known only at the end). One a bucket or an error result:
 * at 1,000,000 buckets, hundreds of thousands, which in memory held the reports stage at gigabytes.
 * The accounts' notifications (one list per account) stay in memory.
 */
import { unlink } from "node:fs/promises";
import { SpillFile, type PageOutput, type SpillName, type SpillRange } from "./html-spill.js";

/**
 * Where a worker thread spills: files the main thread made (and removes, whatever happens: an
 * interrupt, or a failure that stops the worker before it can clean up), one per lane.
 */
export interface NoteFiles {
  buckets: string;
  errors: string;
}

const given = (file: string): SpillName => ({ temporary: file, discard: () => unlink(file).catch(() => undefined) });

type Json = Record<string, unknown>;

/** Stands for the notifications in the run head's JSON until they are copied in. */
const NOTES_MARK = "\u0000replguard:notifications\u0000";
const NOTES_MARK_JSON = JSON.stringify(NOTES_MARK);

class NoteLane {
  private spill: SpillFile | null = null;
  count = 0;

  constructor(private readonly near: string | SpillName) {}

  /** Written as `,{…}`: each note's separator before it, the first one's left out when copied. */
  add(note: Json): void {
    (this.spill ??= new SpillFile(this.near)).write(`,${JSON.stringify(note)}`);
    this.count++;
  }

  /** Copies the lane's notes after `before` notes already written in the array. */
  async copy(output: PageOutput, before: number): Promise<void> {
    if (this.spill === null) return;
    const range: SpillRange = [before === 0 ? 1 : 0, this.spill.mark()];
    await this.spill.copy(range, output);
  }

  discard(): Promise<void> {
    return this.spill?.discard() ?? Promise.resolve();
  }
}

export class SpilledNotes {
  readonly accounts: Json[] = [];
  private readonly buckets: NoteLane;
  private readonly errors: NoteLane;

  /** `near`: the SARIF file's temporary, beside which the notes are spilled (or `files`, made by the main thread). */
  constructor(near: string, files?: NoteFiles) {
    this.buckets = new NoteLane(files === undefined ? `${near}.bucket-notes` : given(files.buckets));
    this.errors = new NoteLane(files === undefined ? `${near}.error-notes` : given(files.errors));
  }

  bucket(notes: Json[]): void {
    for (const note of notes) this.buckets.add(note);
  }

  error(note: Json): void {
    this.errors.add(note);
  }

  get errorCount(): number {
    return this.errors.count;
  }

  /** The value to hand `runHeadOf` as its notifications: `write` puts the notes where it lands. */
  get placeholder(): string {
    return NOTES_MARK;
  }

  /**
   * `headJson`, the run head as JSON with `placeholder` as its notifications, written with the
   * notes in its place: byte for byte what `JSON.stringify` of the head with the notes would give.
   * The mark is looked for from the end: only the rules (policies' text) come before the
   * invocation, and only counts and identifiers after it.
   */
  async write(headJson: string, output: PageOutput): Promise<void> {
    const at = headJson.lastIndexOf(NOTES_MARK_JSON);
    if (at < 0) throw new Error("the SARIF run head has no place for its notifications");
    await output.write(`${headJson.slice(0, at)}[${this.accounts.map((note) => JSON.stringify(note)).join(",")}`);
    await this.buckets.copy(output, this.accounts.length);
    await this.errors.copy(output, this.accounts.length + this.buckets.count);
    await output.write(`]${headJson.slice(at + NOTES_MARK_JSON.length)}`);
  }

  async discard(): Promise<void> {
    await this.buckets.discard();
    await this.errors.discard();
  }
}
