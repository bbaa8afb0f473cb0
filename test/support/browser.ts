/** Helpers for the HTML report in Chromium (test/report/html-browser*.test.ts). */
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const executablePath = process.env["REPLGUARD_CHROMIUM"] ?? "/usr/bin/chromium";
/** Without Chromium the browser files are skipped, except under CI, where its absence fails. */
export const hasChromium = existsSync(executablePath);
if (!hasChromium && process.env["CI"] === "true") {
  throw new Error(`Chromium is required under CI for the browser tests of the HTML report (apt-get install chromium), not found at ${executablePath}`);
}

/** Debian's Chromium, headless. */
export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath, args: ["--no-sandbox"] });

/**
 * Brings `page` to the front before a test acts on it. Of the pages of one context only the front
 * one is drawn: a page behind it gets no animation frame for a second or two, and Playwright's
 * click and screenshot wait for frames (the element must be stable over two), so each click on a
 * page opened earlier waited ~1.8 s, idle (7 s of the file, with no CPU spent).
 */
export async function front(page: Page): Promise<Page> {
  await page.bringToFront();
  return page;
}

/**
 * One context per browser for every report it opens: each new context started a renderer process
 * of its own (~0.4 CPU-seconds a report; five reports cost 3.9 CPU-seconds in separate contexts,
 * 2.0 in one). The report keeps no state outside its document (no storage, no cookies), so pages
 * sharing a context see nothing of each other.
 */
const contexts = new WeakMap<Browser, Promise<BrowserContext>>();

/**
 * Opens `file` in a new page of `browser`'s shared context, allowing no request but the file itself:
 * any other is aborted and recorded in `seen.requests` (a page's own route checks its requests; a
 * request from no opened page, a popup's, is caught by the context's and recorded in the `seen` of
 * the first call); every dialog is dismissed and recorded in `seen.dialogs`.
 */
export async function openReport(browser: Browser, file: string, seen: { requests: string[]; dialogs: string[] }, fragment = ""): Promise<Page> {
  let shared = contexts.get(browser);
  if (shared === undefined) {
    shared = (async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.route("**", (route) => {
        seen.requests.push(route.request().url());
        return route.abort();
      });
      return context;
    })();
    contexts.set(browser, shared);
  }
  const page = await (await shared).newPage();
  const url = pathToFileURL(file).href;
  // A page's routes are asked before its context's.
  await page.route("**", (route) => {
    const asked = route.request().url();
    if (asked.split("#")[0] !== url) seen.requests.push(asked);
    return asked.split("#")[0] === url ? route.continue() : route.abort();
  });
  page.on("dialog", (dialog) => {
    seen.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${url}${fragment}`);
  return page;
}

/** The filter's summary line ("N buckets, N results shown"). */
export const shown = (page: Page): Promise<string> => page.locator("#filter-shown").innerText();
export const visibleAccounts = (page: Page): Promise<string[]> =>
  page.locator("section.account:visible").evaluateAll((sections) => sections.map((s) => s.getAttribute("data-account")!));
export const visibleIds = (page: Page, selector: string): Promise<string[]> =>
  page.locator(selector).evaluateAll((els) => els.filter((e) => e.getClientRects().length > 0).map((e) => e.id));

/** Sets the filters through the page's own controls. */
export async function filter(page: Page, { status = "", severity = "", account = "", q = "" } = {}): Promise<void> {
  await page.selectOption("#filter-status", status);
  await page.selectOption("#filter-severity", severity);
  await page.selectOption("#filter-account", account);
  await page.fill("#filter-search", q);
}
