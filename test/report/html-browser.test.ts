/**
 * The HTML report in a real browser: Debian's Chromium driven by playwright-core, one browser for
 * the file and one context, one page load per report (the demo audit, the report fixture with a baseline, its
 * one-line variant and its variant above the listed-bucket limit, and the demo with hostile names
 * audited through the sandbox). It checks what
 * only a browser shows: the inline script runs under the CSP and the filters work, hostile names
 * stay text, nothing is requested beyond the file, axe finds no serious or critical accessibility
 * violation, the pictures are drawn, and the printable view (print media, PDF) starts with the
 * scope. The static checks are in html.test.ts.
 *
 * `npm run screenshots` runs this file with REPLGUARD_SCREENSHOTS=docs/img: the demo report's first
 * screen and its map are then written there (the README shows them); otherwise to a temp folder.
 * Without Chromium (REPLGUARD_CHROMIUM, default /usr/bin/chromium) the file is skipped, except under
 * CI, where its absence fails.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffSnapshots } from "../../src/drift/index.js";
import type { Snapshot } from "../../src/model/index.js";
import { readSnapshot, writeReports } from "../../src/report/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { filter, openReport, shown, visibleAccounts, visibleIds } from "../support/browser.js";
import { EVIL, auditHostileScenario } from "../support/hostile-scenario.js";
import { runMain } from "../support/cli.js";
import { pdfText } from "../support/pdf-text.js";
import { HOSTILE, POLICY_INFOS, buildSnapshot } from "../support/report-fixture.js";
import { tempDir } from "../support/temp-dir.js";

const executablePath = process.env.REPLGUARD_CHROMIUM ?? "/usr/bin/chromium";
const hasChromium = existsSync(executablePath);
if (!hasChromium && process.env.CI === "true") {
  throw new Error(`Chromium is required under CI for the browser tests of the HTML report (apt-get install chromium), not found at ${executablePath}`);
}

let browser: Browser;
let cleanup: () => Promise<void> = async () => undefined;
let shotDir: string;
/** Every request a page made other than its own file, and every dialog it opened. */
const requests: string[] = [];
const dialogs: string[] = [];
const pages: Record<"fixture" | "compact" | "listed" | "demo" | "hostile", Page> = {} as never;
let demoSnapshot: Snapshot;
/** The report fixture's snapshot (the page `fixture`). */
let fixtureSnapshot: Snapshot;
let demoDir: string;

/** Opens a report in a new page (of the one context, test/support/browser.ts); what it requests beyond its file and its dialogs are recorded above. */
const open = (file: string, fragment = ""): Promise<Page> => openReport(browser, file, { requests, dialogs }, fragment);

beforeAll(async () => {
  if (!hasChromium) return;
  const temp = await tempDir("browser");
  cleanup = temp.cleanup;
  shotDir = process.env.REPLGUARD_SCREENSHOTS ?? join(temp.dir, "img");
  await mkdir(shotDir, { recursive: true });
  // The fixture with a baseline one failure better, so the drift section and the trend are drawn.
  const current = buildSnapshot();
  fixtureSnapshot = current;
  const baseline = buildSnapshot();
  baseline.scan = { ...baseline.scan, startedAt: "2026-11-24T10:00:00.000Z", finishedAt: "2026-11-24T10:03:00.000Z" };
  baseline.results = baseline.results.map((r) => (r.bucket === "prod-data" && r.status === "fail" ? { ...r, status: "pass", evidence: [] } : r));
  const drift = diffSnapshots(baseline, current);
  const launched = chromium.launch({ executablePath, args: ["--no-sandbox"] });
  const reports = await Promise.all([
    writeReports(current, { outDir: join(temp.dir, "fixture"), formats: ["html"], policies: POLICY_INFOS, baseline: { snapshot: baseline, drift }, driftFormats: [] }),
    writeReports(buildSnapshot(), { outDir: join(temp.dir, "compact"), formats: ["html"], policies: POLICY_INFOS, html: { detailedBucketLimit: 1 } }),
    runMain(["audit", "--sandbox", "demo", "--out", join(temp.dir, "demo"), "--format", "html,json"]),
    auditHostileScenario(temp.dir),
    writeReports(buildSnapshot(), { outDir: join(temp.dir, "listed"), formats: ["html"], policies: POLICY_INFOS, html: { listedBucketLimit: 1 } }),
  ]);
  expect(reports[2].code, reports[2].stderr).toBe(3); // the demo is incomplete by design
  demoDir = join(temp.dir, "demo");
  demoSnapshot = await readSnapshot(join(demoDir, "snapshot.json"));
  browser = await launched;
  [pages.fixture, pages.compact, pages.demo, pages.hostile, pages.listed] = await Promise.all([
    open(reports[0][0]!.file),
    open(reports[1][0]!.file, "#filter?status=pass"), // a link that presets the filters
    open(join(demoDir, "report.html")),
    open(reports[3]),
    open(reports[4][0]!.file),
  ]);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await cleanup();
});

describe.skipIf(!hasChromium)("report/renderHtml in Chromium", () => {
  it("runs its script under the CSP and shows every bucket of the demo audit", async () => {
    const page = pages.demo;
    const names = demoSnapshot.buckets.map((b) => `bucket-${b.name}`);
    expect(names.length).toBeGreaterThan(20);
    expect((await visibleIds(page, ".bucket")).sort()).toEqual([...names].sort());
    const results = demoSnapshot.results.length;
    expect(await shown(page)).toBe(`${names.length} buckets, ${results} results shown`);
    // The map draws every bucket and every enabled rule of the demo.
    const rules = demoSnapshot.buckets.flatMap((b) => (b.replication?.rules ?? []).filter((r) => r.enabled));
    const outside = new Set(rules.map((r) => r.destination.bucketArn).filter((arn) => !demoSnapshot.buckets.some((b) => b.arn === arn)));
    expect(await page.locator("svg.map .node").count()).toBe(names.length + outside.size);
    expect(await page.locator("svg.map .edge").count()).toBe(rules.length);
    expect(await page.locator("svg.map .edge.outside-org").count()).toBeGreaterThan(0);
    expect(await page.locator("svg.map .edge.cross-region").count()).toBeGreaterThan(0);
  });

  it("keeps a scenario's hostile account name, tags and rule id inert through scan and report: no dialog, no element, shown as text", async () => {
    const page = pages.hostile;
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
    const page = pages.fixture;
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
    const page = pages.fixture;
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
    const page = pages.fixture;
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
    const page = pages.compact;
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
    const page = pages.listed;
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
    const page = pages.fixture;
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
    const page = pages.fixture;
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

  it("makes the README's screenshots: the demo report's first screen and its map", async () => {
    const page = pages.demo;
    await page.evaluate("window.scrollTo(0, 0)");
    const first = join(shotDir, "report-demo.png");
    const map = join(shotDir, "report-map.png");
    await page.screenshot({ path: first });
    await page.locator("#map").screenshot({ path: map });
    for (const file of [first, map]) {
      const png = await readFile(file);
      expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
      expect(png.readUInt32BE(16)).toBeGreaterThan(600); // IHDR width
    }
  });

  it("has no serious or critical accessibility violation (axe)", async () => {
    // The demo report; of the fixture, what the demo lacks (drift, trend, hostile text). axe takes
    // ~25 s over the whole demo page, so `npm run check` checks the account sections after the
    // first one with buckets (the same bucket template again) and the repeated table rows (below)
    // only under REPLGUARD_AXE=full (CI,
    // .ci/run). They are removed from the page rather than excluded: axe builds its tree of the
    // whole document before it applies an exclusion, which cost as much again. This test runs after
    // every other one on the demo page (the screenshots show it whole), so no second copy is loaded.
    const demoPage = pages.demo;
    // Hidden elements are not checked: no filter may be left set by a test before.
    await filter(demoPage);
    expect(await shown(demoPage)).toBe(`${demoSnapshot.buckets.length} buckets, ${demoSnapshot.results.length} results shown`);
    if (process.env["REPLGUARD_AXE"] !== "full") {
      const sections = await demoPage.$$eval("section[id^='account-']", (all) => all.filter((s) => s.querySelector("details") !== null).map((s) => s.id));
      expect(sections.length).toBeGreaterThan(1);
      await demoPage.$$eval(sections.slice(1).map((id) => `#${id}`).join(", "), (repeated) => repeated.forEach((section) => section.remove()));
      expect(await demoPage.locator("section[id^='account-'] details").count()).toBeGreaterThan(0);
      // Likewise a table row repeats its table's row template: of the rows of one table body, one
      // of each shape (the tags, classes and styles of the row and all it holds) stays, so every
      // status colour and badge a table shows is still checked against its background.
      const rows = await demoPage.locator("tbody > tr").count();
      await demoPage.$$eval("tbody", (bodies) => {
        for (const body of bodies) {
          const seen = new Set<string>();
          for (const row of [...body.rows]) {
            const shape = [row, ...row.querySelectorAll("*")].map((e) => `${e.tagName}.${e.getAttribute("class") ?? ""}.${e.getAttribute("style") ?? ""}`).join(" ");
            if (seen.has(shape)) row.remove();
            else seen.add(shape);
          }
        }
      });
      expect(await demoPage.locator("tbody > tr").count()).toBeLessThan(rows);
    }
    // Legacy mode: axe.run in the page itself, without the blank page @axe-core/playwright otherwise
    // opens (and injects axe into again) to assemble the frames' results; the report has no frames
    // (its CSP allows none), so the results are the same, ~3 s sooner.
    const demo = new AxeBuilder({ page: demoPage }).setLegacyMode(true);
    const found = await Promise.all(
      [demo, new AxeBuilder({ page: pages.fixture }).setLegacyMode(true).include("#drift").include("#chart-trend").include(`#account-${ACCOUNTS.prod}`)].map(async (axe) => {
        const { violations } = await axe.analyze();
        return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.nodes.length}): ${v.nodes[0]?.target.join(" ")}`);
      }),
    );
    expect(found).toEqual([[], []]);
  }, 240_000);

  it("requested nothing beyond the file itself, on any page, through all of the above", () => {
    expect(requests).toEqual([]);
  });

  // The guard behind the test above, on a page that does make requests (and opens a dialog): it
  // records them, so that test can fail.
  it("records what a page requests beyond its file, and its dialogs", async () => {
    const file = join(demoDir, "..", "leaky.html");
    await writeFile(file, `<!doctype html><title>leaky</title><img src="https://example.invalid/pixel.png"><script>alert("hi")</script>`);
    const seen = { requests: [] as string[], dialogs: [] as string[] };
    const page = await openReport(browser, file, seen);
    await page.waitForLoadState("load");
    expect(seen.requests).toEqual(["https://example.invalid/pixel.png"]);
    expect(seen.dialogs).toEqual(["hi"]);
    await page.close();
  });
});
