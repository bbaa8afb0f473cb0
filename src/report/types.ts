/** Types of the report stage's public surface. */
import type { Drift, Severity, Snapshot } from "../model/index.js";

export const REPORT_FORMATS = ["html", "csv", "sarif", "json"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** File name each format is written to inside `outDir` (documented in docs/reports.md). */
export const REPORT_FILE_NAMES: Readonly<Record<ReportFormat, string>> = {
  html: "report.html",
  csv: "results.csv",
  sarif: "results.sarif",
  json: "snapshot.json",
};

export interface HtmlOptions {
  /**
   * Above this many buckets, buckets whose results all pass or do not apply are listed in one line
   * each (their results stay in the CSV and the snapshot), so a 100,000-bucket report stays openable.
   * Default 2,000.
   */
  detailedBucketLimit?: number;
  /**
   * Above this many buckets, buckets whose results all pass or do not apply are not listed but
   * counted in their account's section, and the other buckets show only their findings and errors
   * (with counts of all their results): a 100,000-bucket report stays a few MB. Default 10,000.
   */
  listedBucketLimit?: number;
  /** Drift from a baseline: the report then opens with it (broke since last time, fixed, configuration changed). */
  drift?: Drift;
  /** Failures of the earlier runs beside the report folder, oldest first: the trend draws them before this run. */
  history?: readonly { finishedAt: string; failures: number }[];
}

/** A policy's help text, as loaded by the policy stage; the snapshot carries only its PolicyRef. */
export interface PolicyInfo {
  id: string;
  title: string;
  severity: Severity;
  description: string;
  rationale: string;
  remediation: { guidance: string; fix: string; cli?: string; terraform?: string };
  /** Framework mappings, e.g. `{ "NIST 800-53": ["CP-9"], "SOC 2": ["A1.2"] }`. */
  frameworks?: Record<string, string[]>;
  links?: string[];
}

export interface WriteReportsOptions {
  /** Folder the reports are written to; created when missing. */
  outDir: string;
  /** Formats to write (each at most once; duplicates are ignored). */
  formats: ReportFormat[];
  /** Help text of the policies; a policy in the snapshot missing here is rendered from its PolicyRef. */
  policies: PolicyInfo[];
  /** HTML rendering options (e.g. when clean buckets are listed in one line). */
  html?: HtmlOptions;
  /**
   * The baseline this run is compared with: SARIF then sets `baselineState` (and lists the gone
   * findings as `absent`), the HTML opens with the drift, and `driftFormats` are written too.
   */
  baseline?: ReportBaseline;
  /** Drift documents to write when a baseline is given (`drift.json`, `drift.csv`). Default: both. */
  driftFormats?: DriftFormat[];
}

/** A baseline snapshot and the drift from it to the snapshot being reported. */
export interface ReportBaseline {
  snapshot: Snapshot;
  drift: Drift;
}

export const DRIFT_FORMATS = ["json", "csv"] as const;
export type DriftFormat = (typeof DRIFT_FORMATS)[number];

/** File name of each drift document inside `outDir`. */
export const DRIFT_FILE_NAMES: Readonly<Record<DriftFormat, string>> = {
  json: "drift.json",
  csv: "drift.csv",
};

export interface WrittenReport {
  /** The report format, or `drift-json` / `drift-csv` for a drift document. */
  format: ReportFormat | `drift-${DriftFormat}`;
  /** Absolute or outDir-relative path as given, joined with the format's file name. */
  file: string;
}
