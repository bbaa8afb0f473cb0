/** diffSnapshots on hand-made snapshots: what counts as a change, what does not, and the order. */
import { describe, expect, it } from "vitest";
import { diffSnapshots, driftFails, hasChanges } from "../../src/drift/index.js";
import type { BucketDocument, Snapshot } from "../../src/model/index.js";
import { renderHtmlString, buildPolicyCatalog } from "../../src/report/index.js";
import { DRIFT_HTML_ROWS } from "../../src/report/html-drift.js";
import { ACCOUNTS } from "../support/accounts.js";
import { HOSTILE, buildSnapshot } from "../support/report-fixture.js";

const clone = (snapshot: Snapshot): Snapshot => structuredClone(snapshot);
const reversedKeys = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).reverse()) as T;
const bucketOf = (snapshot: Snapshot, name: string): BucketDocument => snapshot.buckets.find((b) => b.name === name)!;

/** The same scan as AWS might list it another time: every array and every tag map in another order. */
function permuted(snapshot: Snapshot): Snapshot {
  const copy = clone(snapshot);
  copy.accounts.reverse();
  copy.results.reverse();
  copy.policies.reverse();
  copy.buckets.reverse();
  for (const doc of copy.buckets) {
    doc.replicatedFrom.reverse();
    doc.collected.reverse();
    doc.errors.reverse();
    if (doc.tags) doc.tags = reversedKeys(doc.tags);
    doc.replication?.rules.reverse();
    for (const rule of doc.replication?.rules ?? []) rule.tags = reversedKeys(rule.tags);
  }
  return copy;
}

describe("drift/diffSnapshots", () => {
  it("finds no drift between a snapshot and itself", () => {
    const snapshot = buildSnapshot();
    const drift = diffSnapshots(snapshot, clone(snapshot));
    expect([drift.configuration, drift.scope, drift.policies]).toEqual([[], [], []]);
    expect(drift.compliance.every((c) => c.state === "unchanged")).toBe(true);
    expect(hasChanges(drift)).toBe(false);
    expect(driftFails(drift, "any-change")).toBe(false);
  });

  it("finds no drift when buckets, rules, accounts, results, policies and tags come back in another order", () => {
    const snapshot = buildSnapshot();
    const doc = bucketOf(snapshot, "prod-data");
    const second = structuredClone(doc.replication!.rules[0]!);
    second.id = "second";
    second.priority = 2;
    second.tags = { a: "1", b: "2" };
    doc.replication!.rules.push(second);
    const drift = diffSnapshots(snapshot, permuted(snapshot));
    expect(hasChanges(drift)).toBe(false);
    expect(drift.configuration).toEqual([]);
    // The same drift whichever side is permuted: the order comes from sorting, not from the input.
    expect(diffSnapshots(permuted(snapshot), snapshot).compliance).toEqual(diffSnapshots(snapshot, snapshot).compliance);
  });

  it("reads a format upgrade as no drift: bucket documents 1.0 (before declaredAccountStatus) against 1.1", () => {
    const current = buildSnapshot();
    const older = clone(current);
    older.bucketDocumentSchemaVersion = "1.0.0";
    for (const doc of older.buckets) {
      doc.schemaVersion = "1.0.0";
      for (const rule of doc.replication?.rules ?? []) {
        const destination = rule.destination as Partial<typeof rule.destination>;
        delete destination.declaredAccountStatus;
        delete destination.declaredAccountInOrganization;
      }
    }
    const drift = diffSnapshots(older, current);
    expect(drift.configuration).toEqual([]);
    expect(hasChanges(drift)).toBe(false);
  });

  it("pairs a renamed rule by its priority and reports the rename, not a removal and an addition", () => {
    const before = buildSnapshot();
    const after = clone(before);
    bucketOf(after, "prod-data").replication!.rules[0]!.id = "renamed";
    const drift = diffSnapshots(before, after);
    expect(drift.configuration).toEqual([
      { change: "changed", accountId: ACCOUNTS.prod, bucket: "prod-data", bucketArn: "arn:aws:s3:::prod-data", ruleId: "renamed", field: "id", before: "to-vault", after: "renamed" },
    ]);
  });

  it("does not call an unread fact changed: a failed read is its own change", () => {
    const before = buildSnapshot();
    const after = clone(before);
    const doc = bucketOf(after, "prod-data");
    doc.versioning = null;
    doc.errors.push({ operation: "GetBucketVersioning", code: "AccessDenied", message: "Access Denied" });
    const drift = diffSnapshots(before, after);
    expect(drift.configuration.map((c) => [c.field, c.before, c.after])).toEqual([["readErrors", [], ["GetBucketVersioning AccessDenied"]]]);
  });

  it("says a policy edit once, and marks the results that moved under it", () => {
    const before = buildSnapshot();
    const after = clone(before);
    const policy = after.policies[0]!;
    policy.hash = "f".repeat(64);
    const moved = after.results.find((r) => r.policyId === policy.id && r.status === "pass")!;
    moved.status = "fail";
    const drift = diffSnapshots(before, after);
    expect(drift.policies).toEqual([{ change: "changed", policyId: policy.id, beforeHash: before.policies[0]!.hash, afterHash: policy.hash }]);
    const change = drift.compliance.find((c) => c.bucketArn === moved.bucketArn && c.policyId === policy.id)!;
    expect(change).toMatchObject({ state: "new", policyChanged: true, before: "pass", after: "fail" });
    expect(driftFails(drift, "new-failures")).toBe(true);
  });

  it("reports accounts that joined, left, were suspended or moved OU", () => {
    const before = buildSnapshot();
    const after = clone(before);
    const prod = after.accounts.find((a) => a.id === ACCOUNTS.prod)!;
    prod.ouPath = "Root/Workloads/Archive";
    const vault = after.accounts.find((a) => a.id === ACCOUNTS.backup)!;
    vault.status = "SUSPENDED";
    vault.scope = "suspended";
    after.accounts = after.accounts.filter((a) => a.id !== ACCOUNTS.dev);
    after.accounts.push({ ...structuredClone(vault), id: ACCOUNTS.other, name: "newcomer", status: "ACTIVE", scope: "in-scope", ouPath: "Root/New" });
    const drift = diffSnapshots(before, after);
    expect(drift.scope.map((s) => [s.accountId, s.change, s.before, s.after])).toEqual([
      [ACCOUNTS.prod, "ou-moved", "Root/Workloads/Prod", "Root/Workloads/Archive"],
      [ACCOUNTS.backup, "suspended", "ACTIVE", "SUSPENDED"],
      [ACCOUNTS.dev, "account-left", "Root/Sandbox", null],
      [ACCOUNTS.other, "account-joined", null, "Root/New"],
    ]);
  });

  it("calls a bucket whose account is read again `bucket-read-again`, not added", () => {
    const after = buildSnapshot();
    const before = clone(after);
    const prod = before.accounts.find((a) => a.id === ACCOUNTS.prod)!;
    prod.scan = "failed";
    prod.errors = [{ operation: "AssumeRole", code: "AccessDenied", message: "denied" }];
    before.buckets = before.buckets.filter((b) => b.account.id !== ACCOUNTS.prod);
    before.results = before.results.filter((r) => r.accountId !== ACCOUNTS.prod);
    const drift = diffSnapshots(before, after);
    expect(new Set(drift.configuration.filter((c) => c.accountId === ACCOUNTS.prod).map((c) => c.change))).toEqual(new Set(["bucket-read-again"]));
    expect(drift.scope.map((s) => s.change)).toEqual(["role-regained"]);
    // The reverse: the buckets are unread, not removed.
    expect(new Set(diffSnapshots(after, before).configuration.filter((c) => c.accountId === ACCOUNTS.prod).map((c) => c.change))).toEqual(new Set(["bucket-unread"]));
  });

  it("caps each HTML drift table and points to the full lists", async () => {
    const before = buildSnapshot();
    const after = clone(before);
    const extra = Array.from({ length: DRIFT_HTML_ROWS + 5 }, (_, i) => ({ ...structuredClone(after.buckets[0]!), name: `many-${i}`, arn: `arn:aws:s3:::many-${i}` }));
    after.buckets.push(...extra);
    const drift = diffSnapshots(before, after);
    const html = await renderHtmlString(after, buildPolicyCatalog(after, []), { drift });
    expect(html.match(/<tr data-change="bucket-added">/g)).toHaveLength(DRIFT_HTML_ROWS);
    expect(html).toContain("… and 5 more: see drift.csv / drift.json.");
  });

  it("turns results that became undecidable into `error` drift, never silence", () => {
    const before = buildSnapshot();
    const after = clone(before);
    const failing = after.results.find((r) => r.status === "fail")!;
    failing.status = "error";
    const drift = diffSnapshots(before, after);
    expect(drift.compliance.filter((c) => c.state === "error")).toEqual([expect.objectContaining({ policyId: failing.policyId, bucketArn: failing.bucketArn, before: "fail", after: "error" })]);
    expect(driftFails(drift, "new-failures")).toBe(true);
  });

  it("renders the drift section with every value escaped", async () => {
    const before = buildSnapshot();
    const after = clone(before);
    bucketOf(after, "prod-data").tags = { team: HOSTILE.imgTag };
    const drift = diffSnapshots(before, after);
    const html = await renderHtmlString(after, buildPolicyCatalog(after, []), { drift });
    const section = html.slice(html.indexOf('<section id="drift"'), html.indexOf("</section>", html.indexOf('<section id="drift"')));
    expect(section).toContain("Configuration changed");
    expect(section).not.toContain("<img");
    expect(section).toContain("&lt;img src&#x3D;x onerror&#x3D;alert(2)&gt;");
  });
});
