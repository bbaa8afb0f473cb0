/**
 * Parsing a snapshot file without holding it as one string: at 100,000 buckets × 14 policies the
 * file passes V8's maximum string length (~512 MiB), so JSON.parse of the whole text cannot work.
 * writeSnapshotJson puts each top-level field, and each element of the large arrays, on its own line;
 * this reads that layout line by line. Any other layout (e.g. a pretty-printed, hand-edited file) is
 * parsed whole, which is fine at the sizes a person edits.
 */
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import { SnapshotError } from "../errors.js";

/** Files above this size are only read in the streamed layout. */
const WHOLE_FILE_LIMIT = 256 * 1024 * 1024;

const FIELD_LINE = /^ {2}("(?:[^"\\]|\\.)*"): (.*)$/;

class NotStreamedLayout extends Error {}

export async function parseSnapshotFile(file: string): Promise<unknown> {
  try {
    return await parseLines(file);
  } catch (error) {
    if (!(error instanceof NotStreamedLayout)) throw error;
  }
  const { size } = await stat(file);
  if (size > WHOLE_FILE_LIMIT) {
    throw new SnapshotError(`${file}: too large (${size} bytes) to read unless it is laid out as replguard writes it (one element per line)`, {
      file,
      pointer: "",
    });
  }
  const text = await readFile(file, "utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new SnapshotError(`${file}: not valid JSON: ${(cause as Error).message}`, { file, pointer: "", cause });
  }
}

async function parseLines(file: string): Promise<unknown> {
  const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  const root: Record<string, unknown> = {};
  let lineNumber = 0;
  let array: unknown[] | null = null;
  let arrayKey = "";
  let state: "start" | "fields" | "end" = "start";
  const parse = (text: string, pointer: string): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw new SnapshotError(`${file}:${lineNumber}: not valid JSON at ${pointer}: ${(cause as Error).message}`, { file, pointer, cause });
    }
  };
  for await (const line of lines) {
    lineNumber += 1;
    if (state === "start") {
      if (line !== "{") throw new NotStreamedLayout();
      state = "fields";
    } else if (state === "end") {
      if (line.trim() !== "") throw new NotStreamedLayout();
    } else if (array) {
      if (line === "  ]" || line === "  ],") {
        array = null;
      } else if (line.startsWith("    ")) {
        array.push(parse(line.slice(4).replace(/,$/, ""), `/${arrayKey}/${array.length}`));
      } else {
        throw new NotStreamedLayout();
      }
    } else if (line === "}") {
      state = "end";
    } else {
      const match = FIELD_LINE.exec(line);
      if (!match) throw new NotStreamedLayout();
      const key = JSON.parse(match[1]!) as string;
      const rest = match[2]!;
      if (rest === "[") {
        arrayKey = key;
        array = [];
        root[key] = array;
      } else {
        root[key] = parse(rest.replace(/,$/, ""), `/${key}`);
      }
    }
  }
  if (state !== "end" || array) {
    if (state === "start") throw new NotStreamedLayout();
    throw new SnapshotError(`${file}: ends before the snapshot is complete (line ${lineNumber})`, { file, pointer: "" });
  }
  return root;
}
