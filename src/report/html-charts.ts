/**
 * The report's bar charts, computed here into plain numbers and strings that the template places
 * inside inline `<svg>` (templates/partials/charts.hbs): failures by severity, failures by account,
 * coverage, and the trend of failures since the baseline. No HTML or SVG markup is made here, so
 * every label still goes through Handlebars' escaping.
 */
import { SEVERITIES } from "../model/index.js";
import type { Coverage, Drift, Severity, StatusCounts } from "../model/index.js";

/** Width of a chart's drawing area (SVG user units; the SVG scales to its box). */
const WIDTH = 420;
const LABEL_WIDTH = 170;
const ROW = 24;
/** Accounts shown in "failures by account": the rest are counted in a note. */
export const ACCOUNT_BARS = 10;

export interface BarRow {
  label: string;
  /** Full label (account id, name) for the tooltip. */
  title: string;
  value: number;
  /** CSS class of the bar (its colour), e.g. `sev-critical`, `seg-failed`. */
  cls: string;
  y: number;
  textY: number;
  width: number;
  valueX: number;
}

export interface BarChart {
  height: number;
  width: number;
  labelWidth: number;
  rows: BarRow[];
  /** Rows not drawn (beyond ACCOUNT_BARS). */
  more: number;
  empty: boolean;
}

const truncate = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function barChart(rows: { label: string; title: string; value: number; cls: string }[], more = 0): BarChart {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const span = WIDTH - LABEL_WIDTH - 50;
  return {
    width: WIDTH,
    labelWidth: LABEL_WIDTH,
    height: Math.max(ROW, rows.length * ROW) + 4,
    rows: rows.map((row, i) => {
      const width = row.value === 0 ? 0 : Math.max(2, Math.round((row.value / max) * span));
      return { ...row, label: truncate(row.label, 26), y: i * ROW + 4, textY: i * ROW + 16, width, valueX: LABEL_WIDTH + width + 6 };
    }),
    more,
    empty: rows.every((r) => r.value === 0),
  };
}

/** Failing results per severity (suppressed findings are not failures). */
export function severityChart(bySeverity: ReadonlyMap<Severity, StatusCounts>): BarChart {
  return barChart(SEVERITIES.map((severity) => ({ label: severity, title: severity, value: bySeverity.get(severity)?.fail ?? 0, cls: `sev-${severity}` })));
}

/** Failing results per account (by account id), the accounts with most failures first (ties: account id). */
export function accountChart(failures: ReadonlyMap<string, number>, accountNames: ReadonlyMap<string, string>): BarChart {
  const sorted = [...failures].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const rows = sorted.slice(0, ACCOUNT_BARS).map(([id, value]) => {
    const name = accountNames.get(id) ?? id;
    return { label: name === id ? id : `${name} (${id})`, title: `${name} ${id}`, value, cls: "sev-high" };
  });
  return barChart(rows, Math.max(0, sorted.length - ACCOUNT_BARS));
}

export interface CoverageSegment {
  label: string;
  value: number;
  cls: string;
  x: number;
  width: number;
}

export interface CoverageBar {
  label: string;
  total: number;
  y: number;
  textY: number;
  segments: CoverageSegment[];
}

/** Two stacked bars: accounts (scanned / failed / out of scope) and buckets (read completely / partially). */
export function coverageChart(coverage: Coverage) {
  const span = WIDTH - LABEL_WIDTH - 10;
  const stack = (label: string, parts: { label: string; value: number; cls: string }[], index: number): CoverageBar => {
    const total = parts.reduce((sum, p) => sum + p.value, 0);
    let x = LABEL_WIDTH;
    const segments = parts
      .filter((p) => p.value > 0)
      .map((p) => {
        const width = Math.max(2, Math.round((p.value / Math.max(1, total)) * span));
        const segment = { ...p, x, width };
        x += width;
        return segment;
      });
    return { label, total, y: index * 34 + 4, textY: index * 34 + 18, segments };
  };
  const a = coverage.accounts;
  const b = coverage.buckets;
  const bars = [
    stack("Accounts", [
      { label: "scanned", value: a.scanned, cls: "seg-read" },
      { label: "could not be read", value: a.failed, cls: "seg-failed" },
      { label: "out of scope", value: a.outOfScope, cls: "seg-out" },
    ], 0),
    stack("Buckets", [
      { label: "read completely", value: b.scanned, cls: "seg-read" },
      { label: "read partially", value: b.partial, cls: "seg-failed" },
    ], 1),
  ];
  return { width: WIDTH, labelWidth: LABEL_WIDTH, height: 72, bars };
}

export interface TrendPoint {
  label: string;
  value: number;
  x: number;
  y: number;
  textY: number;
}

/**
 * Failures at the baseline and now. Only the baseline's count is known without reading older
 * snapshots (the drift lists every result that failed in the baseline, as `unchanged`, `fixed` or
 * `absent` with `before: "fail"`); reading the last N snapshots would cost as much as the report
 * itself at 100,000 buckets, so the trend is these two points (docs/reports.md).
 */
/**
 * Failures over time: the earlier runs beside the report folder (`history`, oldest first, from their
 * snapshots' trailers), else the baseline alone, then this run.
 */
export function trendChart(drift: Drift | undefined, failuresNow: number, history: readonly { finishedAt: string; failures: number }[] = []) {
  if (drift === undefined) return null;
  let before = 0;
  for (const change of drift.compliance) if (change.before === "fail") before += 1;
  const earlier = history.length > 0 ? history.map((h) => ({ label: h.finishedAt, value: h.failures })) : [{ label: `baseline ${drift.baseline.finishedAt}`, value: before }];
  before = earlier.at(-1)!.value;
  const values = [...earlier, { label: `now ${drift.current.finishedAt}`, value: failuresNow }];
  const max = Math.max(1, ...values.map((v) => v.value));
  const top = 20;
  const height = 110;
  const plot = height - top - 24;
  const points: TrendPoint[] = values.map((v, i) => {
    const x = 60 + Math.round((i * (WIDTH - 140)) / (values.length - 1));
    const y = top + Math.round(plot - (v.value / max) * plot);
    return { ...v, x, y, textY: y - 6 };
  });
  return {
    width: WIDTH,
    height,
    baseY: top + plot,
    points,
    line: points.map((p) => `${p.x},${p.y}`).join(" "),
    delta: failuresNow - before,
    up: failuresNow > before,
  };
}
