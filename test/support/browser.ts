/** Helpers for the HTML report in Chromium (test/report/html-browser.test.ts). */
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";

/**
 * Opens `file` in a new context of `browser`, allowing no request but the file itself: any other is
 * aborted and recorded in `seen.requests`; every dialog is dismissed and recorded in `seen.dialogs`.
 */
export async function openReport(browser: Browser, file: string, seen: { requests: string[]; dialogs: string[] }, fragment = ""): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const url = pathToFileURL(file).href;
  await context.route("**", (route) => {
    const asked = route.request().url();
    if (asked.split("#")[0] !== url) seen.requests.push(asked);
    return asked.split("#")[0] === url ? route.continue() : route.abort();
  });
  const page = await context.newPage();
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
