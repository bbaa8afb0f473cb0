/**
 * Reading a snapshot back (for `replguard report` and drift): parse, then validate against
 * schemas/snapshot.schema.json. Any problem is a SnapshotError naming the file and the JSON pointer.
 */
import { readFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction, type ErrorObject } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { SnapshotError } from "../errors.js";
import { SNAPSHOT_SCHEMA_VERSION } from "../model/index.js";
import type { Snapshot } from "../model/index.js";
import { shippedPath } from "../paths.js";
import { parseSnapshotFile } from "./snapshot-parse.js";

const SNAPSHOT_SCHEMA_FILE = "snapshot.schema.json";
const BUCKET_DOCUMENT_SCHEMA_FILE = "bucket-document.schema.json";

let compiled: ValidateFunction | null = null;

const readSchema = (name: string): object => JSON.parse(readFileSync(shippedPath("schemas", name), "utf8")) as object;

function snapshotValidator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: false, strict: true });
  addFormats.default(ajv); // ajv-formats is CommonJS: under NodeNext its function is `.default`
  // The snapshot schema $refs the bucket document schema by its $id.
  ajv.addSchema(readSchema(BUCKET_DOCUMENT_SCHEMA_FILE));
  compiled = ajv.compile(readSchema(SNAPSHOT_SCHEMA_FILE));
  return compiled;
}

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
  const validate = snapshotValidator();
  if (validate(value)) return value as unknown as Snapshot;
  const first = (validate.errors ?? [])[0];
  const pointer = first?.instancePath ?? "";
  throw new SnapshotError(`${where}: invalid snapshot at ${pointer || "/"}: ${describe(first)}`, {
    ...(file === undefined ? {} : { file }),
    pointer,
  });
}

function describe(error: ErrorObject | undefined): string {
  if (!error) return "does not match the snapshot schema";
  if (error.keyword === "additionalProperties") {
    return `unknown property "${String((error.params as { additionalProperty: string }).additionalProperty)}"`;
  }
  if (error.keyword === "enum") return `${error.message ?? "invalid"}: ${JSON.stringify((error.params as { allowedValues: unknown }).allowedValues)}`;
  return error.message ?? "does not match the snapshot schema";
}

/** Reads, parses and validates a snapshot file (large files are read line by line). */
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
