/**
 * A temporary directory of the scan's (its document spools, the inventory's names): made at once,
 * removed by `remove()` and, should the scan be interrupted (Ctrl-C exits the process), at exit.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export class ScratchDirectory {
  readonly path = mkdtempSync(join(tmpdir(), "replguard-scan-"));
  private readonly onExit = (): void => rmSync(this.path, { recursive: true, force: true });

  constructor() {
    process.once("exit", this.onExit);
  }

  /** Removes the directory and what is in it. */
  remove(): void {
    process.off("exit", this.onExit);
    this.onExit();
  }
}
