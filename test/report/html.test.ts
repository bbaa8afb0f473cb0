import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildPolicyCatalog, renderHtmlString } from "../../src/report/index.js";
import { HOSTILE, POLICY_INFOS, RETIRED_POLICY, buildSnapshot } from "../support/report-fixture.js";

const snapshot = buildSnapshot();
const html = await renderHtmlString(snapshot, buildPolicyCatalog(snapshot, POLICY_INFOS));

/** What Handlebars' `{{ }}` makes of a string. */
const escaped = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;").replace(/`/g, "&#x60;").replace(/=/g, "&#x3D;");
const unescapeAttr = (text: string): string => text.replace(/&#x27;/g, "'").replace(/&#x3D;/g, "=").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
const sha256Base64 = (text: string): string => createHash("sha256").update(text, "utf8").digest("base64");
const between = (text: string, start: string, end: string): string[] =>
  text.split(start).slice(1).map((part) => part.slice(0, part.indexOf(end)));

describe("report/renderHtml", () => {
  it("loads nothing from the network: no link, no src, no external href, no CSS url() or @import", () => {
    // The JSON data block holds hostile text like `\u003cimg src=x`: it is data, never markup.
    const markup = html.replace(/<script type="application\/json" id="replguard-data">[^<]*<\/script>/, "");
    expect(markup).not.toBe(html);
    expect(markup).not.toMatch(/<link\b/i);
    expect(markup).not.toMatch(/\bsrc\s*=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/@import/i);
    for (const href of html.match(/href="[^"]*"/g) ?? []) expect(href).toMatch(/^href="#/);
  });

  it("declares a CSP that forbids the network and allows exactly its inline style and script by hash", () => {
    const csp = unescapeAttr(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!);
    const styles = between(html, "<style>", "</style>");
    const scripts = between(html, "<script>", "</script>");
    expect(styles).toHaveLength(1);
    expect(scripts).toHaveLength(1);
    expect(csp.split("; ")).toEqual([
      "default-src 'none'",
      `style-src 'sha256-${sha256Base64(styles[0]!)}'`,
      `script-src 'sha256-${sha256Base64(scripts[0]!)}'`,
      "img-src 'none'",
      "font-src 'none'",
      "connect-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ]);
    expect(csp).not.toContain("unsafe-inline");
  });

  it("escapes hostile account names, tags and rule ids so no element breaks out", () => {
    expect(html).not.toContain(HOSTILE.scriptTag);
    expect(html).not.toContain(HOSTILE.imgTag);
    expect(html).not.toMatch(/<img/i);
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html.match(/<\/script/g)).toHaveLength(2);
    expect(html).toContain(`<span class="tag">team=${escaped(HOSTILE.scriptTag)}</span>`);
    expect(html).toContain(`<h3>${escaped(HOSTILE.imgTag)}</h3>`);
    expect(html).toContain(escaped(HOSTILE.formula));
    expect(html).toContain(`rule <code>${escaped(HOSTILE.imgTag)}</code>`);
  });

  it("embeds the filter data as JSON that cannot close its script element", () => {
    const blocks = between(html, '<script type="application/json" id="replguard-data">', "</script>");
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).not.toMatch(/[<>]/);
    const data = JSON.parse(blocks[0]!) as { accounts: { id: string; name: string }[] };
    expect(data.accounts).toEqual(snapshot.accounts.map((a) => ({ id: a.id, name: a.name })));
    expect(data.accounts.map((a) => a.name)).toContain(HOSTILE.imgTag);
  });

  it("shows every account and every bucket, with its ARN", () => {
    for (const account of snapshot.accounts) expect(html).toContain(`<section class="account" id="account-${account.id}" data-account="${account.id}">`);
    for (const bucket of snapshot.buckets) {
      expect(html).toContain(`<details class="bucket" id="bucket-${bucket.name}" data-account="${bucket.account.id}"`);
      expect(html).toContain(`<dt>ARN</dt><dd class="mono">${bucket.arn}</dd>`);
    }
    expect(html.match(/<details class="bucket"/g)).toHaveLength(5);
    expect(html.match(/<tr class="result"/g)).toHaveLength(snapshot.results.length);
  });

  it("summarises results by status with exact counts", () => {
    const tiles = Object.fromEntries(
      [...html.matchAll(/<a class="tile (\w+)" href="#accounts" data-filter-status="\w+"><div class="n">(\d+)<\/div>/g)].map((m) => [m[1], Number(m[2])]),
    );
    expect(tiles).toEqual({ pass: 9, fail: 4, error: 3, not_applicable: 8, suppressed: 1 });
    expect(html).toContain('<div class="n">25</div><div>results</div>');
  });

  it("summarises results by policy and by severity", () => {
    const policyRow = between(html, '<a href="#policy-destination-object-lock">', "</tr>")[0]!;
    expect([...policyRow.matchAll(/<td class="num[^"]*">(\d+)<\/td>/g)].map((m) => Number(m[1]))).toEqual([0, 1, 1, 2, 1]);
    const criticalRow = between(html, '<tr><td><span class="sev critical">critical</span></td>', "</tr>")[0]!;
    expect([...criticalRow.matchAll(/>(\d+)</g)].map((m) => Number(m[1]))).toEqual([1, 1, 1, 2, 0]);
  });

  it("does not call a run complete while a result is error, even with complete coverage", async () => {
    const covered = { ...snapshot, coverage: { ...snapshot.coverage, complete: true } };
    const out = await renderHtmlString(covered, buildPolicyCatalog(covered, POLICY_INFOS));
    expect(out).toContain('<div class="banner incomplete">Incomplete: 3 result(s) are error');
    expect(out).not.toContain('class="banner complete"');
    const decided = { ...covered, results: covered.results.filter((r) => r.status !== "error") };
    expect(await renderHtmlString(decided, buildPolicyCatalog(decided, POLICY_INFOS))).toContain('class="banner complete"');
  });

  it("states coverage and why each account was not scanned", () => {
    const errors = buildSnapshot().results.filter((r) => r.status === "error").length;
    expect(html).toContain(
      `Incomplete: 1 in-scope account(s) and 1 bucket(s) could not be read completely; results for them are missing or marked error. ${errors} result(s) are error`,
    );
    expect(html).toContain("<dt>Accounts listed</dt><dd>6</dd>");
    expect(html).toContain("<dt>Buckets read partially</dt><dd>1</dd>");
    expect(html).toContain("<td>AssumeRole failed: AccessDenied</td>");
    expect(html).toContain("<td>suspended (SUSPENDED)</td>");
    expect(html).toContain("<td>excluded by --exclude-accounts</td>");
    expect(html).toContain("<td><code>arn:aws:s3:::mgmt-trail</code></td><td>GetBucketReplication: AccessDenied<br></td>");
  });

  it("shows each failure's evidence and remediation, and a suppression's reason", () => {
    const row = between(html, '<tr class="result" data-severity="critical" data-status="fail">', "</tr>")[0]!;
    expect(row).toContain("<code>/replication/rules/0/destination/crossAccount</code> is <code>false</code>: must be true");
    expect(row).toContain("<strong>Fix:</strong> Point the rule at a bucket in a dedicated backup account.");
    expect(row).toContain(escaped('resource "aws_s3_bucket_replication_configuration" "this" {'));
    const suppressed = between(html, 'data-status="suppressed">', "</tr>")[0]!;
    expect(suppressed).toContain(`Suppressed: ${escaped("+logs are rebuilt from CloudTrail; accepted by risk board")} (until 2027-06-30)`);
  });

  it("lists expired suppressions, scope, times, tool and policy versions", () => {
    expect(html).toContain(`<td>${escaped("temporary: migration " + HOSTILE.imgTag)}</td><td>2026-01-31</td><td class="num">1</td>`);
    expect(html).toContain("<dt>Started</dt><dd>2026-11-25T10:00:00.000Z</dd>");
    expect(html).toContain("<dt>Finished</dt><dd>2026-11-25T10:03:12.500Z (3m 13s)</dd>");
    expect(html).toContain("<dt>Tool</dt><dd>replguard 0.1.0 (snapshot format 1.0.0)</dd>");
    expect(html).toContain(`<dt>Config hash</dt><dd class="mono">${snapshot.configHash}</dd>`);
    for (const policy of snapshot.policies) expect(html).toContain(`<tr id="policy-${policy.id}">`);
    for (const policy of snapshot.policies) expect(html).toContain(`sha256 ${policy.hash}`);
  });

  it("renders a policy unknown to the current policy set from the snapshot alone", async () => {
    expect(between(html, `<tr id="policy-${RETIRED_POLICY.id}">`, "</tr>")[0]).toContain("Not in the current policy set");
    const bare = await renderHtmlString(snapshot, buildPolicyCatalog(snapshot, []));
    expect(bare.match(/Not in the current policy set/g)).toHaveLength(snapshot.policies.length);
    expect(bare.match(/<tr class="result"/g)).toHaveLength(snapshot.results.length);
  });

  it("still shows a result whose bucket document is missing, under its account", async () => {
    const orphan = { ...snapshot.results[0]!, bucket: "ghost-bucket", bucketArn: "arn:aws:s3:::ghost-bucket" };
    const withOrphan = { ...snapshot, results: [...snapshot.results, orphan] };
    const out = await renderHtmlString(withOrphan, buildPolicyCatalog(withOrphan, POLICY_INFOS));
    expect(out).toContain('<details class="bucket" id="bucket-ghost-bucket" data-account="222222222222"');
  });

  it("lists clean buckets in one line when the audit has more buckets than the detail limit", async () => {
    const out = await renderHtmlString(snapshot, buildPolicyCatalog(snapshot, POLICY_INFOS), { detailedBucketLimit: 4 });
    const compact = [...out.matchAll(/<div class="bucket compact" id="bucket-([^"]+)" data-account="\d+" data-results="([^"]*)">/g)];
    expect(compact.map((m) => m[1])).toEqual(["prod-logs-replica", "backup-vault-replica"]);
    expect(compact[1]![2]).toBe("high:pass high:not_applicable critical:not_applicable medium:not_applicable low:pass");
    expect(out.match(/<details class="bucket"/g)).toHaveLength(3);
    expect(out.match(/<tr class="result"/g)).toHaveLength(15);
    expect(out).toContain("This audit covers 5 buckets: buckets whose results all pass or do not apply are listed in one line each.");
    expect(html).not.toContain('class="bucket compact"');
  });

  it("above the listed-bucket limit names every bucket under each policy it fails or could not decide, counts clean buckets, and links the CSV and snapshot", async () => {
    const out = await renderHtmlString(snapshot, buildPolicyCatalog(snapshot, POLICY_INFOS), { listedBucketLimit: 4 });
    expect(out).not.toContain('class="bucket compact"');
    expect(out).not.toContain('<details class="bucket"');
    const lines = [...out.matchAll(/<p class="findings (\w+)" data-severity="\w+" data-status="\w+" data-count="\d+"><span class="badge \w+">(\d+) \w+<\/span> <code>([^<]+)<\/code> [^<]*: <span class="mono">([^<]+)<\/span><\/p>/g)];
    const named = lines.flatMap((m) => m[4]!.split(" ").map((bucket) => `${m[3]} ${m[1]} ${bucket}`)).sort();
    const expected = snapshot.results.filter((r) => r.status !== "pass" && r.status !== "not_applicable").map((r) => `${r.policyId} ${r.status} ${r.bucket}`).sort();
    expect(named).toEqual(expected);
    expect(lines.every((m) => Number(m[2]) === m[4]!.split(" ").length)).toBe(true);
    expect([...out.matchAll(/(\d+) bucket\(s\) where every policy passes or does not apply are not listed/g)].map((m) => Number(m[1])).reduce((a, b) => a + b, 0)).toBe(2);
    expect(out).toContain('<a href="results.csv">results.csv</a>');
    expect(out).toContain('<a href="snapshot.json">snapshot.json</a>');
  });

  it("aggregates results by organizational unit, with each OU's accounts and buckets", () => {
    const table = between(html, '<table class="by-ou">', "</table>")[0]!;
    const rows = [...table.matchAll(/<tr><td>([^<]+)<\/td><td class="num">(\d+)<\/td><td class="num">(\d+)<\/td>((?:<td class="num[^"]*">\d+<\/td>)+)<\/tr>/g)];
    const ous = [...new Set(snapshot.accounts.map((a) => a.ouPath))].sort();
    expect(rows.map((r) => r[1])).toEqual(ous);
    const fails = (ou: string): number => snapshot.results.filter((r) => snapshot.accounts.find((a) => a.id === r.accountId)?.ouPath === ou && r.status === "fail").length;
    for (const row of rows) {
      expect(Number(row[2])).toBe(snapshot.accounts.filter((a) => a.ouPath === row[1]).length);
      const cells = [...row[4]!.matchAll(/>(\d+)</g)].map((m) => Number(m[1]));
      expect(cells[1]).toBe(fails(row[1]!)); // columns in RESULT_STATUSES order: pass, fail, ...
    }
  });
});
