/** Checking a whole snapshot object against schemas/snapshot.schema.json (a 1.x file, or one assembled in memory). */
import { SnapshotError } from "../errors.js";
import type { Snapshot } from "../model/index.js";
import { schemaProblem, shippedValidator } from "../schemas.js";

/** Majors this replguard reads: 1.x (one JSON document) and 2.x (records, assembled). */
const READABLE = /^[12]\./;

/** Checks `value` against the snapshot schema; returns it typed, or throws a SnapshotError. */
export function validateSnapshot(value: unknown, file?: string): Snapshot {
  const where = file ?? "snapshot";
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === "string" && !READABLE.test(version)) {
    throw new SnapshotError(`${where}: snapshot format ${version} is not readable by this replguard (it reads 1.x and 2.x)`, {
      ...(file === undefined ? {} : { file }),
      pointer: "/schemaVersion",
    });
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
