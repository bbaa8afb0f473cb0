/**
 * The rollback file: the exact configuration each written bucket had before, recorded before the
 * first write and rewritten (atomically) as each write succeeds, so an interrupted run still
 * leaves a file that undoes what it did.
 */
import { rename, writeFile } from "node:fs/promises";
import type { FixStep } from "./types.js";

export const ROLLBACK_SCHEMA_VERSION = "1.0.0" as const;

export interface RollbackEntry {
  step: FixStep;
  /** The value read just before the write (the step's `before` shape). */
  previous: unknown;
  /** The value written. */
  written: unknown;
  /** True once S3 accepted the write: only these are undone. */
  applied: boolean;
}

export interface RollbackFile {
  kind: "replguard-rollback";
  schemaVersion: typeof ROLLBACK_SCHEMA_VERSION;
  createdAt: string;
  entries: RollbackEntry[];
}

/** Appends and marks entries, writing the file after each change, one write at a time. */
export class RollbackRecorder {
  private readonly data: RollbackFile;
  private chain: Promise<void> = Promise.resolve();

  constructor(readonly file: string, now: Date) {
    this.data = { kind: "replguard-rollback", schemaVersion: ROLLBACK_SCHEMA_VERSION, createdAt: now.toISOString(), entries: [] };
  }

  /** Writes the (empty) file: done before the first write, so a run that cannot record does not write. */
  start(): Promise<void> {
    return this.flush();
  }

  /** Records the previous value before the write is sent; returns the entry to mark later. */
  before(step: FixStep, previous: unknown, written: unknown): Promise<RollbackEntry> {
    const entry: RollbackEntry = { step, previous, written, applied: false };
    this.data.entries.push(entry);
    return this.flush().then(() => entry);
  }

  applied(entry: RollbackEntry): Promise<void> {
    entry.applied = true;
    return this.flush();
  }

  private flush(): Promise<void> {
    const text = `${JSON.stringify(this.data, null, 2)}\n`;
    this.chain = this.chain.then(async () => {
      await writeFile(`${this.file}.tmp`, text, { mode: 0o600 });
      await rename(`${this.file}.tmp`, this.file);
    });
    return this.chain;
  }
}
