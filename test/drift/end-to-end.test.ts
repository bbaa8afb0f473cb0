/**
 * Drift end to end: scan the sandbox, change it through the real SDK, scan again with
 * `--baseline latest`, and find each change exactly once, with before and after, in drift.json,
 * drift.csv, SARIF baselineState and the HTML. Then `replguard drift OLD NEW` on the two
 * snapshots, with no AWS call.
 */
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteBucketReplicationCommand, PutBucketReplicationCommand, PutBucketVersioningCommand, S3Client } from "@aws-sdk/client-s3";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit, type AuditResult } from "../../src/audit/index.js";
import { diffSnapshots, hasChanges } from "../../src/drift/index.js";
import type { ConfigChange, Drift } from "../../src/model/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { shippedValidator } from "../../src/schemas.js";
import { runMain } from "../support/cli.js";
import { BACKUP, PROD, ROLE, SIDE, driftScenario, prodKeys, rule } from "./scenario.js";

let sandbox: Sandbox;
let parent: string;
let first: AuditResult;
let second: AuditResult;
let drift: Drift;

const scanOptions = () => ({ endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region });

beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), "replguard-drift-"));
  sandbox = await startSandbox({ scenario: driftScenario() });
  first = await audit({ scan: scanOptions(), outDir: join(parent, "night-1") });

  const s3 = new S3Client({ endpoint: sandbox.endpoint, region: "eu-west-1", credentials: prodKeys(), forcePathStyle: true, maxAttempts: 1 });
  // S3 refuses to suspend versioning while a replication configuration is present (409
  // InvalidBucketState), so a source is suspended the only way AWS allows: replication first.
  await s3.send(new DeleteBucketReplicationCommand({ Bucket: "prod-c" }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: "prod-c", VersioningConfiguration: { Status: "Suspended" } }));
  // prod-a: rule `second` deleted; `to-backup` repointed to a bucket of the same account.
  await s3.send(new PutBucketReplicationCommand({ Bucket: "prod-a", ReplicationConfiguration: { Role: ROLE, Rules: [rule("to-backup", 1, "prod-a-copy", PROD)] } }));
  // prod-b: delete-marker replication enabled on r1, rule r2 added (listed first: order is no change).
  await s3.send(
    new PutBucketReplicationCommand({
      Bucket: "prod-b",
      ReplicationConfiguration: {
        Role: ROLE,
        Rules: [rule("r2", 2, "backup-a", BACKUP), rule("r1", 1, "backup-b", BACKUP, { DeleteMarkerReplication: { Status: "Enabled" } })],
      },
    }),
  );
  // Neither IAM nor DeleteBucket is in the sandbox's API: the live world is changed directly.
  sandbox.world.accounts.get(SIDE)!.auditRole = null;
  sandbox.world.buckets.delete("old-bucket");

  second = await audit({ scan: scanOptions(), outDir: join(parent, "night-2"), baseline: "latest" });
  drift = second.drift!;
}, 120_000);

afterAll(async () => {
  await sandbox.close();
});

const file = (result: AuditResult, format: string): string => result.reports.find((r) => r.format === format)!.file;

/** Every change the test made, as (bucket, change, rule, field, before, after). */
const EXPECTED: Omit<ConfigChange, "accountId" | "bucketArn">[] = [
  { change: "changed", bucket: "prod-c", ruleId: null, field: "versioning.status", before: "Enabled", after: "Suspended" },
  { change: "rule-removed", bucket: "prod-c", ruleId: "c1", field: null, before: expect.objectContaining({ id: "c1" }), after: null },
  { change: "rule-removed", bucket: "prod-a", ruleId: "second", field: null, before: expect.objectContaining({ "destination.bucket": "backup-b" }), after: null },
  { change: "rule-added", bucket: "prod-b", ruleId: "r2", field: null, before: null, after: expect.objectContaining({ "destination.bucket": "backup-a" }) },
  { change: "changed", bucket: "prod-a", ruleId: "to-backup", field: "destination.bucket", before: "backup-a", after: "prod-a-copy" },
  { change: "changed", bucket: "prod-a", ruleId: "to-backup", field: "destination.account", before: BACKUP, after: PROD },
  { change: "changed", bucket: "prod-b", ruleId: "r1", field: "deleteMarkerReplication", before: false, after: true },
  { change: "bucket-removed", bucket: "old-bucket", ruleId: null, field: null, before: "eu-west-1", after: null },
  { change: "bucket-unread", bucket: "side-data", ruleId: null, field: null, before: "scanned", after: expect.stringContaining("AssumeRole") },
];

describe("drift/end to end through the sandbox", () => {
  it("finds no drift between the first scan and itself listed in another order (buckets, rules, accounts, results)", () => {
    const permuted = structuredClone(first.snapshot);
    permuted.buckets.reverse();
    permuted.accounts.reverse();
    permuted.results.reverse();
    for (const doc of permuted.buckets) doc.replication?.rules.reverse();
    expect(permuted.buckets.find((b) => b.name === "prod-a")!.replication!.rules.map((r) => r.id)).toEqual(["second", "to-backup"]);
    const none = diffSnapshots(first.snapshot, permuted);
    expect(hasChanges(none)).toBe(false);
    expect([none.configuration, none.scope, none.policies]).toEqual([[], [], []]);
  });

  it("finds the baseline with --baseline latest: the newest other folder's snapshot", () => {
    expect(second.baselineFile).toBe(join(parent, "night-1", "snapshot.json"));
  });

  it("lists each configuration change exactly once, with before and after, in drift.json (valid against its schema)", async () => {
    const json = JSON.parse(await readFile(file(second, "drift-json"), "utf8")) as Drift;
    const validate = shippedValidator("drift.schema.json");
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json).toEqual(drift);
    for (const change of EXPECTED) {
      const found = json.configuration.filter((c) => c.bucket === change.bucket && c.change === change.change && c.ruleId === change.ruleId && c.field === change.field);
      expect(found, `${change.bucket} ${change.change} ${change.field}`).toHaveLength(1);
      expect(found[0]).toMatchObject(change);
    }
  });

  it("reports the lost role as scope drift, and the repointed rule as a new failure", () => {
    expect(drift.scope).toEqual([{ change: "role-lost", accountId: SIDE, accountName: "side", before: "scanned", after: expect.stringContaining("AssumeRole") }]);
    const repointed = drift.compliance.filter((c) => c.bucket === "prod-a" && c.state === "new").map((c) => c.policyId);
    expect(repointed).toContain("destination-separate-account");
    expect(drift.policies).toEqual([]);
  });

  it("writes one CSV row per change, with before and after", async () => {
    const rows = parse(await readFile(file(second, "drift-csv"), "utf8"), { columns: true }) as Record<string, string>[];
    const config = rows.filter((r) => r.category === "configuration");
    expect(config).toHaveLength(drift.configuration.length);
    for (const change of EXPECTED) {
      const found = config.filter((r) => r.bucket === change.bucket && r.change === change.change && r.rule_id === (change.ruleId ?? "") && r.field === (change.field ?? ""));
      expect(found, `${change.bucket} ${change.change} ${change.field}`).toHaveLength(1);
    }
    const dmr = config.find((r) => r.bucket === "prod-b" && r.field === "deleteMarkerReplication")!;
    expect([dmr.before, dmr.after]).toEqual(["false", "true"]);
    expect(rows.filter((r) => r.category === "compliance")).toHaveLength(drift.compliance.length);
    expect(rows.filter((r) => r.category === "scope").map((r) => r.change)).toEqual(["role-lost"]);
  });

  // Microsoft's SARIF Multitool validates a log with each of these states (the report fixture's
  // against a baseline) in test/audit/reports.test.ts's one Multitool run: a run is ~1.7 CPU-seconds.
  it("sets SARIF baselineState on every result, lists gone findings as absent", async () => {
    const log = JSON.parse(await readFile(file(second, "sarif"), "utf8")) as {
      runs: { results: { ruleId: string; baselineState?: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[]; properties: { bucketArn: string } }[] }[];
    };
    const results = log.runs[0]!.results;
    expect(results.every((r) => ["new", "unchanged", "updated", "absent"].includes(r.baselineState ?? ""))).toBe(true);
    const state = (bucket: string, policy: string) => results.filter((r) => r.properties.bucketArn === `arn:aws:s3:::${bucket}` && r.ruleId === policy).map((r) => r.baselineState);
    expect(state("prod-a", "destination-separate-account")).toEqual(["new"]);
    // A finding of a deleted bucket is absent; one on a bucket whose account can no longer be read is
    // not verified, so it stays open (`unchanged`, marked unverified): GitHub would close an absent one as fixed.
    const failed = (bucket: string) => first.snapshot.results.filter((r) => r.status === "fail" && r.bucket === bucket);
    expect(failed("old-bucket").length).toBeGreaterThan(0);
    expect(failed("side-data").length).toBeGreaterThan(0);
    for (const finding of failed("old-bucket")) expect(state(finding.bucket, finding.policyId)).toEqual(["absent"]);
    for (const finding of failed("side-data")) expect(state(finding.bucket, finding.policyId)).toEqual(["unchanged"]);
    const unverified = results.filter((r) => (r.properties as { unverified?: boolean }).unverified === true);
    expect(unverified.map((r) => r.properties.bucketArn)).toEqual(failed("side-data").map(() => "arn:aws:s3:::side-data"));
    for (const result of results) expect(result.locations[0]!.physicalLocation.artifactLocation.uri).not.toBe("");
    // A new failure counted by the drift is a `new` SARIF result.
    expect(results.filter((r) => r.baselineState === "new")).toHaveLength(drift.compliance.filter((c) => c.state === "new").length);
  });

  it("opens the HTML with the drift: broke, fixed, configuration changed with before → after", async () => {
    const html = await readFile(file(second, "html"), "utf8");
    const section = html.slice(html.indexOf('<section id="drift"'), html.indexOf("</section>", html.indexOf('<section id="drift"')));
    expect(html.indexOf('<section id="drift"')).toBeLessThan(html.indexOf('id="summary"'));
    expect(section).toContain("Broke since last time");
    expect(section).toContain("Configuration changed");
    const rows = section.match(/<tr data-change="[^"]+">/g) ?? [];
    expect(rows).toHaveLength(drift.configuration.length + drift.scope.length);
    expect(section).toMatch(/<code>destination\.bucket<\/code><\/td><td class="mono">backup-a<\/td><td class="mono">prod-a-copy<\/td>/);
    expect(section).toMatch(/<code>versioning\.status<\/code><\/td><td class="mono">Enabled<\/td><td class="mono">Suspended<\/td>/);
  });

  it("`replguard drift OLD NEW` writes the same drift, makes no AWS call, and exits 5 under --fail-on-drift", async () => {
    const calls = sandbox.calls.length;
    const out = join(parent, "compare");
    const run = await runMain(["drift", file(first, "json"), file(second, "json"), "--format", "all", "--out", out, "--fail-on-drift", "new-failures"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(5);
    expect(sandbox.calls.length).toBe(calls);
    expect(run.stdout).toContain(`${drift.summary.newFailures} new failure(s)`);
    expect(JSON.parse(await readFile(join(out, "drift.json"), "utf8"))).toEqual(drift);
    expect(await readFile(join(out, "drift.csv"), "utf8")).toBe(await readFile(file(second, "drift-csv"), "utf8"));
    const same = await runMain(["drift", file(first, "json"), file(first, "json"), "--out", join(parent, "same"), "--fail-on-drift", "any-change", "--json"]);
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout)).toMatchObject({ newFailures: 0, configChanges: 0, scopeChanges: 0, policyChanges: 0 });
  });
});
