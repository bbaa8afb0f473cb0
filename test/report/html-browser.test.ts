/**
 * The HTML report in a real browser: Debian's Chromium driven by playwright-core, one browser for
 * the file and one context, one page load per report (the report fixture with a baseline, its
 * one-line variant and its variant above the listed-bucket limit, and the demo with hostile names
 * audited through the sandbox). It checks what only a browser shows: the filters work, hostile
 * names stay text, nothing is requested beyond the file, axe finds no serious or critical
 * accessibility violation in what the demo's report lacks, the pictures are drawn, and the
 * printable view (print media, PDF) starts with the scope. The demo audit's report (every bucket
 * shown and drawn, axe over its page, the README's screenshots) is in html-browser-demo.test.ts: the
 * two files run in parallel forks (vitest.config.ts starts them first). The static checks are in
 * html.test.ts.
 *
 * Without Chromium (REPLGUARD_CHROMIUM, default /usr/bin/chromium) the file is skipped, except under
 * CI, where its absence fails.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/model/index.js";
import { writeReports } from "../../src/report/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { filter, front, hasChromium, launchChromium, openReport, shown, visibleAccounts, visibleIds } from "../support/browser.js";
import { EVIL, auditHostileScenario } from "../support/hostile-scenario.js";
import { pdfText } from "../support/pdf-text.js";
import { HOSTILE, POLICY_INFOS, buildSnapshot, fixtureWithBaseline } from "../support/report-fixture.js";
import { tempDir } from "../support/temp-dir.js";

let browser: Browser;
let cleanup: () => Promise<void> = async () => undefined;
/** Every request a page made other than its own file, and every dialog it opened. */
const requests: string[] = [];
const dialogs: string[] = [];
const pages: Record<"fixture" | "compact" | "listed" | "hostile", Page> = {} as never;
/** The report fixture's snapshot (the page `fixture`). */
let fixtureSnapshot: Snapshot;
let dir: string;

/** Opens a report in a new page (of the one context, test/support/browser.ts); what it requests beyond its file and its dialogs are recorded above. */
const open = (file: string, fragment = ""): Promise<Page> => openReport(browser, file, { requests, dialogs }, fragment);

beforeAll(async () => {
  if (!hasChromium) return;
  const temp = await tempDir("browser");
  cleanup = temp.cleanup;
  dir = temp.dir;
  // The fixture with a baseline one failure better, so the drift section and the trend are drawn.
  const { current, baseline, drift } = fixtureWithBaseline();
  fixtureSnapshot = current;
  // Chromium starts while the reports are written.
  const launched = launchChromium();
  const reports = await Promise.all([
    writeReports(current, { outDir: join(temp.dir, "fixture"), formats: ["html"], policies: POLICY_INFOS, baseline: { snapshot: baseline, drift }, driftFormats: [] }),
    writeReports(buildSnapshot(), { outDir: join(temp.dir, "compact"), formats: ["html"], policies: POLICY_INFOS, html: { detailedBucketLimit: 1 } }),
    auditHostileScenario(temp.dir),
    writeReports(buildSnapshot(), { outDir: join(temp.dir, "listed"), formats: ["html"], policies: POLICY_INFOS, html: { listedBucketLimit: 1 } }),
  ]).catch(async (error: unknown) => {
    await (await launched).close();
    throw error;
  });
  browser = await launched;
  [pages.fixture, pages.compact, pages.hostile, pages.listed] = await Promise.all([
    open(reports[0][0]!.file),
    open(reports[1][0]!.file, "#filter?status=pass"), // a link that presets the filters
    open(reports[2]),
    open(reports[3][0]!.file),
  ]);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await cleanup();
});

describe.skipIf(!hasChromium)("report/renderHtml in Chromium", () => {
  it("keeps a scenario's hostile account name, tags and rule id inert through scan and report: no dialog, no element, shown as text", async () => {
    const page = await front(pages.hostile);
    await page.locator("details.bucket").evaluateAll((all) => all.forEach((d) => d.setAttribute("open", "")));
    expect(await page.locator("script").count()).toBe(2);
    expect(await page.locator("img, iframe, object, embed").count()).toBe(0);
    // No element carries an event handler attribute: nothing from the data became markup.
    expect(await page.locator("*").evaluateAll((all) => all.filter((e) => [...e.getAttributeNames()].some((n) => n.startsWith("on"))).length)).toBe(0);
    const account = page.locator("section.account").filter({ has: page.getByRole("heading", { name: EVIL.name, exact: true }) });
    expect(await account.locator("h3").innerText()).toBe(EVIL.name);
    const tags = await account.locator("header .tag").allInnerTexts();
    expect(tags).toEqual(expect.arrayContaining([`team=${EVIL.tag}`, `note=${EVIL.name}`]));
    expect(await account.locator("details.bucket code").allInnerTexts()).toContain(EVIL.ruleId);
    expect(await page.locator("svg.map .edge title").allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining(`rule ${EVIL.ruleId}:`)]));
    expect(dialogs).toEqual([]);
  });

  it("keeps hostile names, tags and rule ids inert: no dialog, no element, shown as text", async () => {
    const page = await front(pages.fixture);
    expect(await shown(page)).toBe("5 buckets, 25 results shown");
    expect(await page.locator("script").count()).toBe(2);
    expect(await page.locator("img").count()).toBe(0);
    await page.locator("details.bucket").evaluateAll((all) => all.forEach((d) => d.setAttribute("open", "")));
    expect(dialogs).toEqual([]);
    expect(await page.locator(`#account-${ACCOUNTS.prod} h3`).innerText()).toBe(HOSTILE.imgTag);
    expect(await page.locator("#bucket-prod-data .tag").allInnerTexts()).toContain(`team=${HOSTILE.scriptTag}`);
    expect(await page.locator("#bucket-prod-logs code").allInnerTexts()).toContain(HOSTILE.imgTag);
    expect(await page.locator(`#filter-account option[value="${ACCOUNTS.prod}"]`).textContent()).toBe(`${ACCOUNTS.prod} — ${HOSTILE.imgTag}`);
    // The same strings in the SVG labels and tooltips stay text too.
    expect(await page.locator("#chart-accounts .bar title").allTextContents()).toContain(`${HOSTILE.imgTag} ${ACCOUNTS.prod}: 2`);
  });

  it("filters by status and severity, from the selects and from the summary's chips", async () => {
    const page = await front(pages.fixture);
    await filter(page, { status: "fail" });
    expect(await shown(page)).toBe("3 buckets, 4 results shown");
    expect(await page.locator("tr.result:visible").count()).toBe(4);
    expect(await visibleAccounts(page)).toEqual([ACCOUNTS.management, ACCOUNTS.prod]);
    await filter(page);
    await page.click('a[data-filter-status="fail"][data-filter-severity="critical"]');
    expect(await shown(page)).toBe("1 buckets, 1 results shown");
    expect(await page.locator("tr.result:visible").count()).toBe(1);
    await page.click('a.tile[data-filter-status="suppressed"]');
    expect(await shown(page)).toBe("1 buckets, 1 results shown");
    await filter(page);
    expect(await shown(page)).toBe("5 buckets, 25 results shown");
  });

  it("filters by account and by typed text", async () => {
    const page = await front(pages.fixture);
    await filter(page, { account: ACCOUNTS.backup });
    expect(await shown(page)).toBe("1 buckets, 5 results shown");
    expect(await visibleAccounts(page)).toEqual([ACCOUNTS.backup]);
    await filter(page);
    await page.locator("#filter-search").pressSequentially("prod-logs-replica");
    expect(await shown(page)).toBe("2 buckets, 10 results shown");
    expect((await visibleIds(page, ".bucket")).sort()).toEqual(["bucket-prod-logs", "bucket-prod-logs-replica"]);
    await filter(page);
  });

  it("counts the results of one-line (compact) buckets in the filters, preset by the URL fragment", async () => {
    const page = await front(pages.compact);
    expect(await page.locator("#filter-status").inputValue()).toBe("pass");
    const counts: string[] = [await shown(page)];
    await filter(page);
    counts.push(await shown(page));
    await filter(page, { status: "not_applicable", severity: "critical" });
    counts.push(await shown(page));
    expect(counts).toEqual(["4 buckets, 9 results shown", "5 buckets, 25 results shown", "2 buckets, 2 results shown"]);
    await filter(page);
  });

  // Above the listed-bucket limit there are no bucket rows: the filters act on the lines that name
  // each policy's failing buckets, so "status: fail" shows the failures instead of "Nothing matches".
  it("filters the findings lines of a report above the listed-bucket limit by status, severity and text", async () => {
    const page = await front(pages.listed);
    const findings = async (): Promise<{ lines: string[]; summary: string; empty: boolean }> => ({
      lines: await page
        .locator("p.findings")
        .evaluateAll((els) => els.filter((e) => e.getClientRects().length > 0).map((e) => [e.querySelector("code")!.textContent, e.getAttribute("data-severity"), e.getAttribute("data-status")].join(" "))),
      summary: await shown(page),
      empty: await page.locator("#filter-empty").isVisible(),
    });
    const all = await findings();
    expect(all.lines.length).toBeGreaterThan(3);
    await filter(page, { status: "fail" });
    const failing = await findings();
    expect(failing.empty).toBe(false);
    expect(failing.lines.length).toBeGreaterThan(0);
    expect(failing.lines.every((line) => line.endsWith(" fail"))).toBe(true);
    expect(failing.summary).toContain("4 results shown"); // the fixture's 4 failing results: it counts results, not lines
    await filter(page, { status: "fail", severity: "critical" });
    const critical = await findings();
    expect(critical.lines.length).toBeGreaterThan(0);
    expect(critical.lines.length).toBeLessThan(failing.lines.length);
    expect(critical.lines.every((line) => line.endsWith(" critical fail"))).toBe(true);
    await filter(page, { status: "fail", severity: "info" });
    expect((await findings()).empty).toBe(true);
    await filter(page, { q: "prod-logs" });
    const searched = await findings();
    expect(searched.lines.length).toBeGreaterThan(0);
    expect(searched.lines.length).toBeLessThan(all.lines.length);
  });

  it("draws the charts, the map with its legend and the trend since the baseline", async () => {
    const page = await front(pages.fixture);
    expect(await page.locator("#chart-severity title").first().textContent()).toBe("Failing results by severity: critical 1, high 1, medium 1, low 1, info 0");
    expect(await page.locator("#chart-coverage title").first().textContent()).toContain("Accounts 3 scanned 1 could not be read 2 out of scope;");
    expect(await page.locator("#chart-trend title").first().textContent()).toBe(
      "Failing results: baseline 2026-11-24T10:03:00.000Z: 3, now 2026-11-25T10:03:12.500Z: 4",
    );
    expect(await page.locator("#chart-trend polyline.trend-line.up").count()).toBe(1);
    // prod-data → vault crosses accounts and regions; prod-logs → its replica stays in the account.
    expect(await page.locator("svg.map .edge").evaluateAll((edges) => edges.map((e) => e.getAttribute("class")))).toEqual(
      expect.arrayContaining(["edge cross-account cross-region st-fail", "edge same-account st-fail"]),
    );
    expect(await page.locator("#map .legend").innerText()).toMatch(/cross-account[\s\S]*same account[\s\S]*cross-region[\s\S]*outside the organization/);
  });

  // On the fixture: Chromium lays out every page of the print for a PDF, even of one page, which
  // for the demo's report cost ~2 s more; the print view is the same template for both.
  it("switches to the printable view: scope first, no interactive chrome, a PDF whose first page has the scope", async () => {
    const page = await front(pages.fixture);
    await page.emulateMedia({ media: "print" });
    expect(await page.locator("#print-cover").isVisible()).toBe(true);
    for (const chrome of [".filters", "#print-toggle", "#print-now"]) expect(await page.locator(chrome).isVisible(), chrome).toBe(false);
    await page.emulateMedia({ media: "screen" });
    expect(await page.locator("#print-cover").isVisible()).toBe(false);
    await filter(page, { status: "fail" });
    await page.click("#print-toggle");
    expect(await page.locator("html.print-view #print-cover").isVisible()).toBe(true);
    expect(await page.locator(".filters").isVisible()).toBe(false);
    expect(await shown(page)).toBe(`${fixtureSnapshot.buckets.length} buckets, ${fixtureSnapshot.results.length} results shown`);
    const cover = await page.locator("#print-cover").innerText();
    for (const policy of fixtureSnapshot.policies) expect(cover).toContain(policy.hash);
    expect(cover).toContain(fixtureSnapshot.configHash);

    const pdf = await page.pdf({ pageRanges: "1" });
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const firstPage = pdfText(pdf).join(" ").normalize("NFKC").replace(/\s+/g, "");
    for (const text of ["Auditevidence:scope,timeandversions", fixtureSnapshot.scan.organizationId!, fixtureSnapshot.configHash.slice(0, 20), "Accountsinscope", `replguard${fixtureSnapshot.tool.version}`]) {
      expect(firstPage).toContain(text);
    }
    await page.click("#print-toggle");
    expect(await page.locator("#print-cover").isVisible()).toBe(false);
    expect(await page.locator(".filters").isVisible()).toBe(true);
    await filter(page);
  }, 60_000);

  it("has no serious or critical accessibility violation (axe) in what the demo's report lacks: drift, trend, hostile text", async () => {
    // The demo's page, the same template, is checked in html-browser-demo.test.ts. Legacy mode and
    // resultTypes as there: every rule runs and every violation comes back whole.
    const page = await front(pages.fixture);
    // Hidden elements are not checked: no filter may be left set by a test before.
    await filter(page);
    expect(await shown(page)).toBe(`${fixtureSnapshot.buckets.length} buckets, ${fixtureSnapshot.results.length} results shown`);
    const axe = new AxeBuilder({ page }).setLegacyMode(true).options({ resultTypes: ["violations"] });
    const { violations } = await axe.include("#drift").include("#chart-trend").include(`#account-${ACCOUNTS.prod}`).analyze();
    const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.nodes.length}): ${v.nodes[0]?.target.join(" ")}`);
    expect(serious).toEqual([]);
  }, 240_000);

  it("requested nothing beyond the file itself, on any page, through all of the above", () => {
    expect(requests).toEqual([]);
  });

  // The guard behind the test above, on a page that does make requests (and opens a dialog): it
  // records them, so that test can fail.
  it("records what a page requests beyond its file, and its dialogs", async () => {
    const file = join(dir, "leaky.html");
    await writeFile(file, `<!doctype html><title>leaky</title><img src="https://example.invalid/pixel.png"><script>alert("hi")</script>`);
    const seen = { requests: [] as string[], dialogs: [] as string[] };
    const page = await openReport(browser, file, seen);
    await page.waitForLoadState("load");
    expect(seen.requests).toEqual(["https://example.invalid/pixel.png"]);
    expect(seen.dialogs).toEqual(["hi"]);
    await page.close();
  });
});
