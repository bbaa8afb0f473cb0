import { describe, expect, it } from "vitest";
import type { BucketDocument, ResultStatus, Snapshot } from "../../src/model/index.js";
import { buildPolicyCatalog, renderHtmlString } from "../../src/report/index.js";
import { accountChart, trendChart } from "../../src/report/html-charts.js";
import { failuresByAccount } from "../../src/report/html-pictures.js";
import { MAX_ACCOUNT_NODES, weight, type AccountMap } from "../../src/report/html-map-accounts.js";
import { MAP_BUCKET_LIMIT, mapView, type BucketMap } from "../../src/report/html-map.js";
import { printView, PRINT_LIST_LIMIT } from "../../src/report/html-print.js";
import { diffSnapshots } from "../../src/drift/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { POLICY_INFOS, account, buildSnapshot } from "../support/report-fixture.js";

const fixture = buildSnapshot();
const template = fixture.buckets[0]!; // prod-data: one enabled rule to the vault, cross-account and cross-region

/** A bucket of `owner` with one enabled rule per destination given. */
function bucket(name: string, owner: string, destinations: { account: string; region?: string; outside?: boolean }[] = []): BucketDocument {
  const rule = template.replication!.rules[0]!;
  return {
    ...template,
    name,
    arn: `arn:aws:s3:::${name}`,
    region: "us-east-1",
    account: { id: owner, name: `acct-${owner}`, ouPath: "Root", tags: {} },
    replication: {
      configured: destinations.length > 0,
      role: null,
      rules: destinations.map((d, i) => ({
        ...rule,
        id: `r${i}`,
        destination: {
          ...rule.destination,
          bucket: `${name}-copy-${i}`,
          bucketArn: `arn:aws:s3:::${name}-copy-${i}`,
          account: d.outside ? null : d.account,
          inOrganization: d.outside ? false : true,
          crossAccount: d.account !== owner,
          crossRegion: (d.region ?? "us-east-1") !== "us-east-1",
          region: d.region ?? "us-east-1",
        },
      })),
    },
  };
}

const names = new Map<string, string>();
const failing = (arn: string): ResultStatus | null => (arn.includes("bad") ? "fail" : "pass");

describe("report/mapView", () => {
  it("draws one node per bucket and one arrow per enabled rule, telling the kinds apart", () => {
    const map = mapView(fixture.buckets, names, failing) as BucketMap;
    expect(map.mode).toBe("buckets");
    expect(map.groups.flatMap((g) => g.nodes)).toHaveLength(fixture.buckets.length);
    expect(map.edges.map((e) => e.cls)).toEqual(["edge cross-account cross-region st-pass", "edge same-account st-pass"]);
    expect(map.counts).toMatchObject({ rules: 2, "cross-account": 1, "same-account": 1, "outside-org": 0, crossRegion: 1 });
  });

  it("puts destinations outside the organization in their own group, with a dotted arrow", () => {
    const buckets = [bucket("bad-src", ACCOUNTS.prod, [{ account: ACCOUNTS.external, outside: true }, { account: ACCOUNTS.backup }])];
    const map = mapView(buckets, names, failing) as BucketMap;
    expect(map.groups.map((g) => [g.label, g.nodes.map((n) => n.label)])).toEqual([
      [`acct-${ACCOUNTS.prod} ${ACCOUNTS.prod}`, ["bad-src"]],
      ["Outside the organization", ["bad-src-copy-0"]],
      ["Not scanned", ["bad-src-copy-1"]],
    ]);
    expect(map.edges.map((e) => e.cls)).toEqual(["edge outside-org st-fail", "edge cross-account st-fail"]);
  });

  it(`aggregates to accounts above ${MAP_BUCKET_LIMIT} buckets: arrows weighted by rule count`, () => {
    const buckets = [
      ...Array.from({ length: 300 }, (_, i) => bucket(`src-${i}`, ACCOUNTS.prod, [{ account: ACCOUNTS.backup, region: i % 2 ? "us-west-2" : "us-east-1" }])),
      ...Array.from({ length: 299 }, (_, i) => bucket(`vault-${i}`, ACCOUNTS.backup)),
      bucket("bad-leak", ACCOUNTS.dev, [{ account: ACCOUNTS.external, outside: true }, { account: ACCOUNTS.dev }]),
    ];
    const map = mapView(buckets, names, failing) as AccountMap;
    expect(map.mode).toBe("accounts");
    expect(map.nodes.map((n) => n.key)).toEqual([ACCOUNTS.prod, ACCOUNTS.backup, ACCOUNTS.dev, "outside-organization"]);
    expect(map.edges.map((e) => e.cls)).toEqual([
      `edge cross-account cross-region st-pass w${weight(300)}`,
      "edge outside-org st-fail w1",
      "edge same-account st-fail w1",
    ]);
    expect(weight(300)).toBe(12);
    expect([1, 2, 8, 64].map(weight)).toEqual([1, 3, 6, 10]);
    expect(map.edges[2]!.path).toMatch(/^M[\d.]+,[\d.]+ C/); // a loop on the node
    expect(map.counts).toMatchObject({ rules: 302, buckets: 600, accounts: 3, crossRegion: 150, "outside-org": 1 });
  });

  it(`draws at most ${MAX_ACCOUNT_NODES} accounts and counts the rest`, () => {
    const buckets = Array.from({ length: 750 }, (_, i) => bucket(`b-${i}`, String(100000000000 + (i % 250)), i < 250 ? [{ account: ACCOUNTS.backup }] : []));
    const map = mapView(buckets, names, failing) as AccountMap;
    expect(map.nodes).toHaveLength(MAX_ACCOUNT_NODES);
    expect(map.hiddenAccounts).toBe(251 - MAX_ACCOUNT_NODES);
    expect(map.hiddenRules).toBeGreaterThan(0);
    expect(map.edges.length + map.hiddenRules).toBe(250);
  });

  it("renders an aggregated map whose size follows the accounts, not the buckets", async () => {
    const snapshot: Snapshot = {
      ...fixture,
      accounts: [account(ACCOUNTS.prod, "prod"), account(ACCOUNTS.backup, "vault")],
      buckets: Array.from({ length: 800 }, (_, i) => bucket(`b-${i}`, i % 2 ? ACCOUNTS.prod : ACCOUNTS.backup, i % 2 ? [{ account: ACCOUNTS.backup }] : [])),
      results: [],
    };
    const html = await renderHtmlString(snapshot, buildPolicyCatalog(snapshot, POLICY_INFOS));
    expect(html).toContain('<svg class="map accounts"');
    expect(html.match(/<g class="node /g)).toHaveLength(2);
    expect(html.match(/<g class="edge /g)).toHaveLength(1);
    expect(html).toContain("This audit covers 800 buckets, too many to draw one by one");
  });
});

describe("report/charts", () => {
  it("shows the accounts with most failures first, at most ten, and counts the rest", () => {
    const results = Array.from({ length: 12 }, (_, a) =>
      Array.from({ length: a + 1 }, () => ({ ...fixture.results[0]!, accountId: String(100000000000 + a), status: "fail" as const })),
    ).flat();
    const chart = accountChart(failuresByAccount(results), new Map([["100000000011", "<b>top</b>"]]));
    expect(chart.rows.map((r) => r.value)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    expect(chart.rows[0]!.label).toBe("<b>top</b> (100000000011)");
    expect(chart.more).toBe(2);
  });

  it("draws the trend from the baseline's failures to today's", () => {
    const baseline = buildSnapshot();
    baseline.results = baseline.results.map((r) => (r.status === "fail" ? { ...r, status: "pass" as const, evidence: [] } : r));
    const trend = trendChart(diffSnapshots(baseline, fixture), 4)!;
    expect(trend.points.map((p) => p.value)).toEqual([0, 4]);
    expect(trend.up).toBe(true);
    expect(trendChart(undefined, 4)).toBeNull();
  });
});

describe("report/printView", () => {
  it(`lists the accounts and OUs in scope, at most ${PRINT_LIST_LIMIT}, and every policy's hash`, () => {
    const many: Snapshot = { ...fixture, accounts: Array.from({ length: 45 }, (_, i) => account(String(100000000000 + i), `a${i}`, { ouPath: `Root/ou-${i}` })) };
    const view = printView(many, buildPolicyCatalog(fixture, POLICY_INFOS));
    expect(view.accounts).toMatchObject({ count: 45, more: 5 });
    expect(view.accounts.items).toHaveLength(PRINT_LIST_LIMIT);
    expect(view.ous.more).toBe(5);
    expect(view.policies.map((p) => p.hash)).toEqual(fixture.policies.map((p) => p.hash));
    expect(view.excludedAccounts).toBe(ACCOUNTS.dev);
  });
});
