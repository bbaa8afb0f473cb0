/**
 * Parsing a snapshot file in any valid JSON layout without holding it as one string: at 100,000
 * buckets × 14 policies the file passes V8's maximum string length (~512 MiB), so JSON.parse of the
 * whole text cannot work. The file is tokenised as a stream (stream-json) and the tokens assembled
 * into the value, so a snapshot re-indented by `jq .`, minified, or with CRLF line ends reads the
 * same as the writer's own layout. Only invalid JSON fails; then a second, validating pass over
 * the file (error path only) finds the line and column to name.
 */
import { createReadStream } from "node:fs";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import Assembler from "stream-json/assembler.js";
import { jsonParser, type Token } from "stream-json/parser.js";
import { verifier } from "stream-json/utils/verifier.js";
import { SnapshotError } from "../errors.js";

/** stream-chain's end-of-input marker (a registered symbol), which makes the tokeniser flush. */
const END_OF_INPUT = Symbol.for("object-stream.none");

export async function parseSnapshotFile(file: string): Promise<unknown> {
  return parseSnapshotStream(file, async () => createReadStream(file));
}

/** The same, from a stream of the file's bytes (gunzipped by the caller when need be); `file` names it in errors. */
export async function parseSnapshotStream(file: string, open: () => Promise<Readable>): Promise<unknown> {
  const assembler = new Assembler();
  // The bare tokeniser, called per chunk: a token stream in object mode costs ~3× the time. Packed
  // values only, since the assembler reads nothing else. `encoding` keeps multi-byte characters
  // whole across chunks (the job the full parser's UTF-8 front would do).
  const tokenise = jsonParser({ streamValues: false }) as unknown as (chunk: string | symbol) => { values?: Token[] } | symbol;
  const intern = interner();
  const consume = (out: { values?: Token[] } | symbol): void => {
    if (typeof out === "symbol") return;
    for (const token of out.values ?? []) {
      if (token.name === "stringValue" && typeof token.value === "string") token.value = intern(token.value);
      assembler.consume(token);
    }
  };
  try {
    let first = true;
    const input = await open();
    input.setEncoding("utf8");
    for await (const chunk of input) {
      const text = chunk as string;
      consume(tokenise(first && text.startsWith("\uFEFF") ? text.slice(1) : text));
      first = false;
    }
    consume(tokenise(END_OF_INPUT));
  } catch (cause) {
    // A missing file or a folder is the caller's to word ("cannot read snapshot ..."); bad JSON is ours.
    if (isFileSystemError(cause) || (cause as NodeJS.ErrnoException | null)?.code === "Z_BUF_ERROR") throw cause;
    throw await invalidJson(file, open, cause);
  }
  if (!assembler.done) throw new SnapshotError(`${file}: ends before the snapshot is complete`, { file, pointer: "" });
  return assembler.current;
}

/** Strings up to this long are shared: ids, ARNs, statuses, regions, policy ids, expected values. */
const INTERN_MAX_LENGTH = 96;
/** The table is started afresh past this many entries, so it stays a bounded cache. */
const INTERN_MAX_ENTRIES = 1 << 20;

/**
 * One copy of each short string value: a 100,000-bucket snapshot repeats each account id, region,
 * status, severity, policy id and bucket ARN in up to 15 results, and every token is a fresh
 * string, so sharing them cuts the parsed snapshot's size (drift holds two at once).
 */
function interner(): (value: string) => string {
  let table = new Map<string, string>();
  return (value) => {
    if (value.length > INTERN_MAX_LENGTH) return detached(value);
    const known = table.get(value);
    if (known !== undefined) return known;
    if (table.size >= INTERN_MAX_ENTRIES) table = new Map();
    const copy = detached(value);
    table.set(copy, copy);
    return copy;
  };
}

/**
 * A copy that does not share memory with the chunk it was cut from: the tokeniser's strings are
 * slices of the 64 KiB text chunk, and one kept slice keeps its whole chunk alive, so a parsed
 * snapshot would otherwise hold the file's text as well. Slicing a concatenation makes V8 flatten
 * it into a fresh string first (a UTF-8 round trip would not do: it replaces lone surrogates,
 * which JSON may hold as `\ud800`). V8 copies strings under 13 characters already.
 */
const detached = (value: string): string => (value.length < 13 ? value : ` ${value}`.slice(1));

const isFileSystemError = (error: unknown): boolean => (error as NodeJS.ErrnoException | null)?.syscall !== undefined;

interface VerifierFailure extends Error {
  line?: number;
  pos?: number;
  offset?: number;
}

/**
 * Where the JSON goes wrong, as `line L, column C`, and whether it merely ends too early (a
 * truncated copy, an interrupted download) rather than containing a bad character.
 */
async function invalidJson(file: string, open: () => Promise<Readable>, cause: unknown): Promise<SnapshotError> {
  let chars = 0;
  let failure: VerifierFailure | null = null;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      chars += chunk.toString("utf8").length;
      done(null, chunk);
    },
  });
  try {
    const sink = verifier.asStream();
    sink.resume();
    await pipeline(await open(), count, sink);
  } catch (error) {
    failure = error as VerifierFailure;
  }
  const detail = ((failure ?? (cause as Error)).message ?? String(cause)).replace(/^ERROR at \d+ \(\d+, \d+\): /, "");
  if (failure?.offset !== undefined && failure.offset >= chars) {
    return new SnapshotError(`${file}: not valid JSON: it ends before the snapshot is complete (line ${failure.line ?? "?"}): the file is truncated`, {
      file,
      pointer: "",
      cause,
    });
  }
  const where = failure?.line === undefined ? "" : `:${failure.line}:${failure.pos ?? 0}`;
  return new SnapshotError(`${file}${where}: not valid JSON: ${detail}`, { file, pointer: "", cause });
}
