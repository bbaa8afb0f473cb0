/**
 * `report.html`: one self-contained file (inline CSS and JS, no URL loaded, a CSP that forbids the
 * network). Rendered with Handlebars from templates/, streamed: the page, each account and each bucket
 * are rendered separately and written as they are made, so 100,000 buckets never form one string.
 *
 * Escaping: every value from AWS goes through `{{ }}`; the templates never use `{{{ }}}`. The only raw
 * output comes from two helpers: `asset` (our own CSS/JS files) and `jsonScript` (JSON with `<`, `>`,
 * `&` and line separators escaped, for a non-executed `<script type="application/json">`). Because
 * `<` is always escaped in data, no data can forge the slot comments the streaming splits on.
 */
import { readFileSync, readdirSync } from "node:fs";
import { createHash } from "node:crypto";
import { basename, join } from "node:path";
import Handlebars from "handlebars";
import type { ResultStatus, Snapshot } from "../model/index.js";
import { shippedPath } from "../paths.js";
import type { ReportPolicy } from "./policy-catalog.js";
import type { HtmlOptions } from "./types.js";
import { STATUS_LABELS } from "./html-view.js";
import { recordsOfSnapshot } from "./snapshot-records.js";
import { renderHtmlRecords } from "./html-stream.js";

export const ACCOUNTS_SLOT = "<!-- replguard:accounts -->";
export const BUCKETS_SLOT = "<!-- replguard:buckets -->";
/** Where the partly read buckets' rows go (templates/partials/coverage.hbs): present only when there are some. */
export const PARTIAL_BUCKETS_SLOT = "<!-- replguard:partial-buckets -->";
const ASSETS = ["report.css", "report.js"] as const;
type Asset = (typeof ASSETS)[number];

/** JSON that is safe inside `<script type="application/json">`: it can never close the element. */
export const jsonForScript = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");

const cspHash = (content: string): string => `'sha256-${createHash("sha256").update(content, "utf8").digest("base64")}'`;

export interface CompiledTemplates {
  page: Handlebars.TemplateDelegate;
  account: Handlebars.TemplateDelegate;
  bucket: Handlebars.TemplateDelegate;
  /** One row of the partly read buckets' table, `{ arn, errors }`. */
  partialBucket: Handlebars.TemplateDelegate;
  csp: string;
}

let templates: CompiledTemplates | null = null;

export function loadTemplates(): CompiledTemplates {
  if (templates) return templates;
  const dir = shippedPath("templates");
  const hbs = Handlebars.create();
  const assets = Object.fromEntries(ASSETS.map((name) => [name, readFileSync(join(dir, "assets", name), "utf8")])) as Record<Asset, string>;
  hbs.registerHelper("asset", (name: Asset) => new hbs.SafeString(assets[name]));
  hbs.registerHelper("jsonScript", (value: unknown) => new hbs.SafeString(jsonForScript(value)));
  hbs.registerHelper("statusLabel", (status: ResultStatus) => STATUS_LABELS[status] ?? status);
  for (const file of readdirSync(join(dir, "partials")).filter((f) => f.endsWith(".hbs"))) {
    hbs.registerPartial(basename(file, ".hbs"), readFileSync(join(dir, "partials", file), "utf8"));
  }
  const compile = (name: string) => hbs.compile(readFileSync(join(dir, name), "utf8"));
  // The CSP allows exactly our inline style and script, by hash: nothing else may run or load.
  const csp = [
    "default-src 'none'",
    `style-src ${cspHash(assets["report.css"])}`,
    `script-src ${cspHash(assets["report.js"])}`,
    "img-src 'none'",
    "font-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  templates = { page: compile("report.html.hbs"), account: compile("account.html.hbs"), bucket: compile("bucket.html.hbs"), partialBucket: compile("partial-bucket.html.hbs"), csp };
  return templates;
}

/** Splits a rendered template at its slot comment, which must appear exactly once. */
export function splitAt(html: string, slot: string, template: string): [string, string] {
  const parts = html.split(slot);
  if (parts.length !== 2) throw new Error(`template ${template} must contain ${slot} exactly once`);
  return [parts[0]!, parts[1]!];
}

export const DEFAULT_DETAILED_BUCKET_LIMIT = 2000;
/** Above this many buckets, clean buckets are counted per account, not listed (see HtmlOptions). */
export const DEFAULT_LISTED_BUCKET_LIMIT = 10_000;

/** Renders the report and hands it to `write` piece by piece, in document order. */
export async function renderHtml(
  snapshot: Snapshot,
  policies: readonly ReportPolicy[],
  write: (chunk: string) => Promise<void>,
  options: HtmlOptions = {},
): Promise<void> {
  await renderHtmlRecords(toAsync(recordsOfSnapshot(snapshot)), policies, write, options);
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

/** The whole report as one string (tests and small snapshots). */
export async function renderHtmlString(snapshot: Snapshot, policies: readonly ReportPolicy[], options: HtmlOptions = {}): Promise<string> {
  const chunks: string[] = [];
  await renderHtml(
    snapshot,
    policies,
    async (chunk) => {
      chunks.push(chunk);
    },
    options,
  );
  return chunks.join("");
}
