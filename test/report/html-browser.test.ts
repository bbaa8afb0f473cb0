/**
 * Opens the report in headless Chromium (when installed: `apt-get install chromium`) to check what a
 * browser does with it: the inline script runs under the CSP, filters work, and no hostile string
 * became an element. Skipped on a developer machine without Chromium; under CI (which installs it)
 * its absence fails. The static checks are in html.test.ts.
 */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeReports } from "../../src/report/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { HOSTILE, POLICY_INFOS, buildSnapshot } from "../support/report-fixture.js";
import { tempDir } from "../support/temp-dir.js";

const chromium = ["chromium", "chromium-browser", "google-chrome"].find((name) => {
  try {
    execFileSync("which", [name], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
});

let reportUrl: string;
let compactUrl: string;
let cleanup: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  const temp = await tempDir("browser");
  cleanup = temp.cleanup;
  const [written] = await writeReports(buildSnapshot(), { outDir: temp.dir, formats: ["html"], policies: POLICY_INFOS });
  reportUrl = pathToFileURL(written!.file).href;
  const compactDir = `${temp.dir}/compact`;
  const options = { outDir: compactDir, formats: ["html" as const], policies: POLICY_INFOS, html: { detailedBucketLimit: 1 } };
  const [compact] = await writeReports(buildSnapshot(), options);
  compactUrl = pathToFileURL(compact!.file).href;
});
afterAll(() => cleanup());

/** The DOM after scripts ran, with the filters preset through the URL fragment. */
async function dumpDom(fragment = "", url = reportUrl): Promise<string> {
  const args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--dump-dom", `${url}${fragment}`];
  const { stdout } = await promisify(execFile)(chromium!, args, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

const shownText = (dom: string): string => /id="filter-shown">([^<]*)</.exec(dom)![1]!;
const visibleAccounts = (dom: string): string[] =>
  [...dom.matchAll(/<section class="account" id="account-(\d+)" data-account="\d+"( hidden="")?>/g)].filter((m) => !m[2]).map((m) => m[1]!);

if (!chromium && process.env.CI === "true") {
  throw new Error("Chromium is required under CI for the browser tests of the HTML report (apt-get install chromium)");
}

describe.skipIf(!chromium)("report/renderHtml in a browser", () => {
  it("runs its script under the CSP and injects no element from hostile data", async () => {
    const dom = await dumpDom();
    expect(shownText(dom)).toBe("5 buckets, 25 results shown");
    expect(dom.match(/<script/g)).toHaveLength(2);
    expect(dom).not.toMatch(/<img/i);
    // The account filter lists hostile names as text.
    expect(dom).toContain(`<option value="222222222222">222222222222 — ${HOSTILE.imgTag.replace(/</g, "&lt;").replace(/>/g, "&gt;")}</option>`);
  });

  it("filters by status and severity", async () => {
    const [failures, critical] = await Promise.all([dumpDom("#filter?status=fail"), dumpDom("#filter?status=fail&severity=critical")]);
    expect(shownText(failures)).toBe("3 buckets, 4 results shown");
    expect(visibleAccounts(failures)).toEqual(["111111111111", "222222222222"]);
    expect(shownText(critical)).toBe("1 buckets, 1 results shown");
  });

  it("filters by account and by text", async () => {
    const [vault, search] = await Promise.all([dumpDom(`#filter?account=${ACCOUNTS.backup}`), dumpDom("#filter?q=prod-logs-replica")]);
    expect(shownText(vault)).toBe("1 buckets, 5 results shown");
    expect(visibleAccounts(vault)).toEqual([ACCOUNTS.backup]);
    expect(shownText(search)).toBe("2 buckets, 10 results shown");
  });

  it("counts the results of one-line (compact) buckets in the filters", async () => {
    const doms = await Promise.all(["", "#filter?status=pass", "#filter?status=not_applicable&severity=critical"].map((f) => dumpDom(f, compactUrl)));
    expect(doms.map(shownText)).toEqual(["5 buckets, 25 results shown", "4 buckets, 9 results shown", "2 buckets, 2 results shown"]);
  });
});
