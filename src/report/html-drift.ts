/**
 * View model of the HTML drift section (templates/partials/drift.hbs): plain strings, escaped by
 * the template. Values are shown as compact JSON, or as written when they are text.
 */
import type { ComplianceChange, Drift } from "../model/index.js";
import { cellValue } from "./drift-files.js";

/** Rows per table: the full list is in drift.json / drift.csv, and a 100,000-row table is no page. */
export const DRIFT_HTML_ROWS = 1000;

const capped = <T>(rows: T[]): { rows: T[]; more: number } => ({ rows: rows.slice(0, DRIFT_HTML_ROWS), more: Math.max(0, rows.length - DRIFT_HTML_ROWS) });

const shown = (value: unknown): string => (value === null || value === undefined ? "—" : cellValue(value));

const complianceRow = (c: ComplianceChange) => ({
  state: c.state,
  policyId: c.policyId,
  policyChanged: c.policyChanged,
  bucket: c.bucket,
  bucketArn: c.bucketArn,
  accountId: c.accountId,
  severity: c.severity,
  before: c.before ?? "none",
  after: c.after ?? "none",
  message: c.message,
});

export function driftView(drift: Drift) {
  const broke = drift.compliance.filter((c) => c.state === "new" || c.state === "error").map(complianceRow);
  const fixed = drift.compliance.filter((c) => c.state === "fixed" || c.state === "recovered" || c.state === "absent").map(complianceRow);
  const configuration = drift.configuration.map((c) => ({
    change: c.change,
    bucket: c.bucket,
    bucketArn: c.bucketArn,
    accountId: c.accountId,
    ruleId: c.ruleId,
    field: c.field,
    before: shown(c.before),
    after: shown(c.after),
  }));
  const scope = drift.scope.map((s) => ({ ...s, before: shown(s.before), after: shown(s.after) }));
  const policies = drift.policies.map((p) => ({ ...p, beforeHash: p.beforeHash ?? "—", afterHash: p.afterHash ?? "—" }));
  const none = broke.length + fixed.length + configuration.length + scope.length + policies.length === 0;
  return {
    baseline: drift.baseline,
    summary: drift.summary,
    broke: capped(broke),
    fixed: capped(fixed),
    configuration: capped(configuration),
    scope: capped(scope),
    policies: capped(policies),
    none,
  };
}
