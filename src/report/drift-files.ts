/**
 * The drift documents: `drift.json` (the Drift as is, schema `schemas/drift.schema.json`) and
 * `drift.csv`, one row per change of any category. CSV columns are stable (docs/drift.md): add new
 * ones at the end, never rename or reorder.
 */
import { createWriteStream, openSync } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify";
import type { Drift } from "../model/index.js";
import { neutraliseCell } from "./csv.js";
import { outputError, withReportFile } from "./output-stream.js";

export const DRIFT_CSV_COLUMNS = [
  "category",
  "change",
  "account_id",
  "bucket",
  "bucket_arn",
  "rule_id",
  "field",
  "policy_id",
  "severity",
  "before",
  "after",
  "message",
] as const;
export type DriftCsvColumn = (typeof DRIFT_CSV_COLUMNS)[number];
type Row = Partial<Record<DriftCsvColumn, string | null>>;

/** A value as one cell: text as written, anything else as compact JSON; nothing (null) as empty. */
export const cellValue = (value: unknown): string => (value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value));

export function* driftRows(drift: Drift): Generator<Row> {
  for (const p of drift.policies) yield { category: "policy", change: p.change, policy_id: p.policyId, before: p.beforeHash, after: p.afterHash };
  for (const s of drift.scope) yield { category: "scope", change: s.change, account_id: s.accountId, message: s.accountName, before: s.before, after: s.after };
  for (const c of drift.configuration) {
    yield { category: "configuration", change: c.change, account_id: c.accountId, bucket: c.bucket, bucket_arn: c.bucketArn, rule_id: c.ruleId, field: c.field, before: cellValue(c.before), after: cellValue(c.after) };
  }
  for (const c of drift.compliance) {
    yield {
      category: "compliance",
      change: c.state,
      account_id: c.accountId,
      bucket: c.bucket,
      bucket_arn: c.bucketArn,
      policy_id: c.policyId,
      severity: c.severity,
      before: c.before,
      after: c.after,
      message: c.policyChanged ? `${c.message} (the policy itself changed)` : c.message,
    };
  }
}

export async function writeDriftCsv(drift: Drift, file: string): Promise<void> {
  const records = function* (): Generator<string[]> {
    for (const row of driftRows(drift)) yield DRIFT_CSV_COLUMNS.map((column) => neutraliseCell(row[column] ?? ""));
  };
  try {
    await pipeline(Readable.from(records()), stringify({ header: true, columns: [...DRIFT_CSV_COLUMNS] }), createWriteStream(file, { fd: openSync(file, "w"), encoding: "utf8" }));
  } catch (error) {
    throw outputError(file, error);
  }
}

/** One change per line inside each array, so a diff of two drift files reads change by change. */
export async function writeDriftJson(drift: Drift, file: string): Promise<void> {
  await withReportFile(file, async (out) => {
    const { configuration, compliance, scope, policies, ...head } = drift;
    await out.write(JSON.stringify(head).slice(0, -1));
    for (const [name, items] of Object.entries({ configuration, compliance, scope, policies })) {
      await out.write(`,\n${JSON.stringify(name)}:[`);
      let first = true;
      for (const item of items as unknown[]) {
        await out.write(`${first ? "\n" : ",\n"}${JSON.stringify(item)}`);
        first = false;
      }
      await out.write("]");
    }
    await out.write("}\n");
  });
}
