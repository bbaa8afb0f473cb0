/**
 * The report at scale (above the listed-bucket limit) in headless Chromium: its filters act on the
 * lines that name each policy's failing buckets (there are no bucket rows to filter), so
 * "status: fail" shows the failures instead of "Nothing matches".
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeReports } from "../../src/report/index.js";
import { POLICY_INFOS, buildSnapshot } from "../support/report-fixture.js";
import { tempDir } from "../support/temp-dir.js";

const executablePath = process.env.REPLGUARD_CHROMIUM ?? "/usr/bin/chromium";
const hasChromium = existsSync(executablePath);
if (!hasChromium && process.env.CI === "true") throw new Error(`Chromium is required under CI for the browser tests of the HTML report, not found at ${executablePath}`);

let browser: Browser;
let page: Page;
let cleanup: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  if (!hasChromium) return;
  const temp = await tempDir("collapse-browser");
  cleanup = temp.cleanup;
  const [report] = await writeReports(buildSnapshot(), { outDir: join(temp.dir, "out"), formats: ["html"], policies: POLICY_INFOS, html: { listedBucketLimit: 1 } });
  browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
  page = await browser.newPage();
  await page.goto(pathToFileURL(report!.file).href);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await cleanup();
});

/** Each visible findings line as `policy severity status`, the filter's summary line, and whether "nothing matches" shows. */
async function shown(): Promise<{ lines: string[]; summary: string; empty: boolean }> {
  const lines = await page
    .locator("p.findings")
    .evaluateAll((els) => els.filter((e) => e.getClientRects().length > 0).map((e) => [e.querySelector("code")!.textContent, e.getAttribute("data-severity"), e.getAttribute("data-status")].join(" ")));
  return { lines, summary: await page.locator("#filter-shown").innerText(), empty: await page.locator("#filter-empty").isVisible() };
}

describe.skipIf(!hasChromium)("report/html at scale in Chromium", () => {
  it("filters the findings lines by status, severity and text", async () => {
    const all = await shown();
    expect(all.lines.length).toBeGreaterThan(3);
    await page.selectOption("#filter-status", "fail");
    const failing = await shown();
    expect(failing.empty).toBe(false);
    expect(failing.lines.length).toBeGreaterThan(0);
    expect(failing.lines.every((line) => line.endsWith(" fail"))).toBe(true);
    // The fixture has 4 failing results: the summary counts results, not lines.
    expect(failing.summary).toContain("4 results shown");
    await page.selectOption("#filter-severity", "critical");
    const critical = await shown();
    expect(critical.lines.length).toBeGreaterThan(0);
    expect(critical.lines.length).toBeLessThan(failing.lines.length);
    expect(critical.lines.every((line) => line.endsWith(" critical fail"))).toBe(true);
    await page.selectOption("#filter-severity", "info");
    expect((await shown()).empty).toBe(true);
    await page.selectOption("#filter-severity", "");
    await page.selectOption("#filter-status", "");
    await page.fill("#filter-search", "prod-logs");
    const searched = await shown();
    expect(searched.lines.length).toBeGreaterThan(0);
    expect(searched.lines.length).toBeLessThan(all.lines.length);
  });
});
