/**
 * Reading a snapshot back (for `replguard report` and drift): parse, then validate against
 * schemas/snapshot.schema.json. Any problem is a SnapshotError naming the file and the JSON pointer.
 */
import { SnapshotError } from "../errors.js";
import { SNAPSHOT_SCHEMA_VERSION } from "../model/index.js";
import type { Snapshot } from "../model/index.js";
import { schemaProblem, shippedValidator } from "../schemas.js";
import { parseSnapshotFile } from "./snapshot-parse.js";

/** Checks `value` against the snapshot schema; returns it typed, or throws a SnapshotError. */
export function validateSnapshot(value: unknown, file?: string): Snapshot {
  const where = file ?? "snapshot";
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === "string" && !version.startsWith(`${SNAPSHOT_SCHEMA_VERSION.split(".")[0]}.`)) {
    throw new SnapshotError(
      `${where}: snapshot format ${version} is not readable by this replguard (it reads ${SNAPSHOT_SCHEMA_VERSION.split(".")[0]}.x)`,
      { ...(file === undefined ? {} : { file }), pointer: "/schemaVersion" },
    );
  }
  // The snapshot schema $refs the bucket document schema by its $id.
  const validate = shippedValidator("snapshot.schema.json", ["bucket-document.schema.json"]);
  if (validate(value)) return value as unknown as Snapshot;
  const { pointer, message } = schemaProblem(validate.errors);
  throw new SnapshotError(`${where}: invalid snapshot at ${pointer || "/"}: ${message}`, {
    ...(file === undefined ? {} : { file }),
    pointer,
  });
}


/** Reads, parses (as a token stream, any JSON layout) and validates a snapshot file. */
export async function readSnapshot(file: string): Promise<Snapshot> {
  let value: unknown;
  try {
    value = await parseSnapshotFile(file);
  } catch (cause) {
    if (cause instanceof SnapshotError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    throw new SnapshotError(`cannot read snapshot ${file}: ${(cause as Error).message}`, { file, cause, ...(code ? { code } : {}) });
  }
  return validateSnapshot(value, file);
}
