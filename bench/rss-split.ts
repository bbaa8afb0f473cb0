/**
 * This process's RSS by kind of mapping (Linux `/proc/self/smaps`): the main malloc arena (`[heap]`,
 * where Node's small `ArrayBuffer`s live, and what glibc keeps of them once freed: docs/memory.md
 * "The names on disk"), the other anonymous mappings (V8's heap pages, buffers large enough to be
 * `mmap`ped, other threads' malloc arenas) and files (the executable, its libraries). What
 * `process.memoryUsage()` cannot tell apart: RSS that is not the live heap nor array buffers is in
 * one of them. Null where there is no /proc (not Linux).
 */
import { readFileSync } from "node:fs";

export interface RssSplit {
  arena: number;
  anonymous: number;
  files: number;
}

/** A mapping's header line: address range, permissions, offset, device, inode, then its name (empty: anonymous). */
const MAPPING = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+ *(.*)$/;

export function rssSplit(): RssSplit | null {
  let text: string;
  try {
    text = readFileSync("/proc/self/smaps", "utf8");
  } catch {
    return null;
  }
  const split: RssSplit = { arena: 0, anonymous: 0, files: 0 };
  let kind: keyof RssSplit = "anonymous";
  for (const line of text.split("\n")) {
    const mapping = MAPPING.exec(line);
    if (mapping !== null) {
      const name = mapping[1]!;
      // [stack], [vvar], [vdso]: a few pages, counted with the anonymous ones.
      kind = name === "[heap]" ? "arena" : name === "" || name.startsWith("[") ? "anonymous" : "files";
    } else if (line.startsWith("Rss:")) split[kind] += Number(line.split(/\s+/)[1]) * 1024;
  }
  return split;
}
