/**
 * The report folder, so that reports are whole or absent:
 * - each report is written to `<name>.tmp-<pid>-<random>` in the same folder and renamed to its
 *   final name only once complete (a rename within a folder is atomic), so a crash, a full disk or
 *   Ctrl-C never leaves a truncated file under a final name;
 * - a lock file `.replguard.lock` (created with O_EXCL, holding the writer's pid) refuses a second
 *   run into the same folder. A lock whose pid is no longer alive was left by a run that was
 *   killed; it is taken over;
 * - `interruptReportWrites()` removes every temporary file and lock this process holds, for the
 *   CLI's SIGINT/SIGTERM handler, and says which reports were already complete.
 */
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync, rmdirSync, unlinkSync, writeSync } from "node:fs";
import { mkdir, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { OutDirError } from "../errors.js";

export const LOCK_FILE = ".replguard.lock";

/** Missing folders created at most this deep below the nearest existing one (`/proc/x` style traps end early). */
const MAX_NEW_LEVELS = 32;

/** Files this process must remove if interrupted: temporary reports and held locks. */
const pending = new Set<string>();
/** Fresh default folders this process made, removed on interrupt when still empty. */
const freshFolders = new Set<string>();
/** Reports renamed into place by this process. */
const completed: string[] = [];

export interface ReportDir {
  path: string;
  /** Removes the lock; the reports stay. A fresh folder left empty (the run failed first) is removed too. */
  release(): void;
}

const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

function outDirError(dir: string, reason: string, cause?: unknown): OutDirError {
  const code = errnoOf(cause);
  return new OutDirError(`cannot use ${JSON.stringify(dir)} as the report folder (--out): ${reason}`, { file: dir, ...(cause === undefined ? {} : { cause }), ...(code ? { code } : {}) });
}

/**
 * Creates `dir` and its missing parents one level at a time, after checking that the nearest
 * existing ancestor is a folder: a recursive mkdir under a pseudo file system can spin forever.
 */
async function makeFolders(dir: string): Promise<void> {
  const missing: string[] = [];
  let current = resolve(dir);
  for (;;) {
    const info = await stat(current).catch((error: unknown) => {
      if (errnoOf(error) === "ENOENT") return null;
      throw outDirError(dir, (error as Error).message, error);
    });
    if (info !== null) {
      if (!info.isDirectory()) {
        const what = current === resolve(dir) ? "it is a file, not a folder" : `${current} is a file, not a folder`;
        throw outDirError(dir, what, Object.assign(new Error(what), { code: "ENOTDIR" }));
      }
      break;
    }
    missing.unshift(current);
    if (missing.length > MAX_NEW_LEVELS) throw outDirError(dir, `more than ${MAX_NEW_LEVELS} folders would have to be created`);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing) {
    try {
      await mkdir(folder);
    } catch (error) {
      if (errnoOf(error) !== "EEXIST") throw outDirError(dir, (error as Error).message, error);
    }
  }
}

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) === "EPERM"; // alive, owned by someone else
  }
};

/** Takes the folder's lock, or says who holds it. */
function takeLock(dir: string): string {
  const lock = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      pending.add(lock);
      return lock;
    } catch (error) {
      if (errnoOf(error) !== "EEXIST") throw outDirError(dir, (error as Error).message, error);
    }
    let holder = Number.NaN;
    try {
      holder = Number.parseInt(readFileSync(lock, "utf8"), 10);
    } catch {
      // Unreadable or vanished: treat as stale below (a vanished lock just lets the retry succeed).
    }
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && pidAlive(holder)) {
      throw outDirError(dir, `another replguard run (pid ${holder}) is writing reports there; wait for it or choose another --out`);
    }
    try {
      unlinkSync(lock); // stale: its run was killed before it could remove it
    } catch (error) {
      if (errnoOf(error) !== "ENOENT") throw outDirError(dir, (error as Error).message, error);
    }
  }
  throw outDirError(dir, `its lock ${LOCK_FILE} keeps coming back; another run is starting there`);
}

/**
 * Makes the report folder usable and locks it. With `fresh`, the folder must be new: when it
 * exists, `-2`, `-3`... is appended until a new one is made (two runs started in the same
 * millisecond still get two folders).
 */
export async function openReportDir(dir: string, options: { fresh?: boolean } = {}): Promise<ReportDir> {
  if (dir.trim() === "") throw outDirError(dir, "no folder given");
  let path = dir;
  if (options.fresh) {
    await makeFolders(dirname(dir));
    for (let n = 1; ; n++) {
      path = n === 1 ? dir : `${dir}-${n}`;
      try {
        await mkdir(path);
        break;
      } catch (error) {
        if (errnoOf(error) !== "EEXIST" || n >= 1000) throw outDirError(dir, (error as Error).message, error);
      }
    }
  } else {
    await makeFolders(dir);
  }
  const lock = takeLock(path);
  if (options.fresh) freshFolders.add(path);
  return {
    path,
    release: () => {
      pending.delete(lock);
      freshFolders.delete(path);
      try {
        unlinkSync(lock);
        if (options.fresh) rmdirSync(path); // fails, as it should, once a report is in it
      } catch {
        // Already gone, or not empty: nothing more to do.
      }
    },
  };
}

/** A temporary name beside `file`, unique to this process and call. */
export const temporaryName = (file: string): string => join(dirname(file), `${basename(file)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);

/** A report being written under its temporary name: `commit` renames it into place, `discard` removes it. */
export interface WholeFile {
  readonly file: string;
  readonly temporary: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/**
 * Starts writing `file` under a temporary name (removed by an interrupt until committed). Several
 * can be open at once: the reports rendered in one pass over a snapshot each commit when whole.
 */
export function startWhole(file: string): WholeFile {
  const temporary = temporaryName(file);
  pending.add(temporary);
  return {
    file,
    temporary,
    async commit() {
      try {
        await rename(temporary, file);
        completed.push(file);
      } finally {
        pending.delete(temporary);
      }
    },
    async discard() {
      await unlink(temporary).catch(() => undefined);
      pending.delete(temporary);
    },
  };
}

/**
 * Writes `file` through `write(temporaryFile)` and renames it into place once `write` succeeded.
 * On failure the temporary file is removed and nothing appears under the final name.
 */
export async function writeWhole(file: string, write: (temporaryFile: string) => Promise<void>): Promise<void> {
  const whole = startWhole(file);
  try {
    await write(whole.temporary);
    await whole.commit();
  } catch (error) {
    await whole.discard();
    throw error;
  }
}

/**
 * For a signal handler: synchronously removes every temporary report and lock this process holds.
 * Returns the reports that were complete before the interrupt (they are whole and stay).
 */
export function interruptReportWrites(): { complete: string[] } {
  for (const file of pending) {
    try {
      unlinkSync(file);
    } catch {
      // Not created yet, or already removed.
    }
  }
  pending.clear();
  for (const folder of freshFolders) {
    try {
      rmdirSync(folder);
    } catch {
      // Holds a complete report: it stays.
    }
  }
  freshFolders.clear();
  return { complete: [...completed] };
}
