import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FINGERPRINT_KEY, SARIF_URI_BASE_ID, recordsOfSnapshot, writeReports } from "../../src/report/index.js";
import type { Snapshot } from "../../src/model/index.js";
import { POLICY_INFOS, RETIRED_POLICY, buildSnapshot } from "../support/report-fixture.js";
import { tempDir } from "../support/temp-dir.js";
import { SARIF_SCHEMA_FILE } from "../support/sarif-multitool.js";


/* eslint-disable @typescript-eslint/no-explicit-any -- SARIF logs are walked as plain JSON */
type SarifLog = any;

const snapshot = buildSnapshot();
let dir: string;
let cleanup: () => Promise<void>;
let log: SarifLog;

// Microsoft's SARIF Multitool validates this log (and a copy that lost a location) in
// test/audit/reports.test.ts, in the one Multitool run that also validates the demo audit's log:
// each run costs about two CPU-seconds of .NET start-up.
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("sarif"));
  log = await sarifOf(snapshot, dir);
});
afterAll(() => cleanup());

let renders = 0;
/** The log `writeReports` writes for the snapshot (into `folder`, or a fresh one). */
async function sarifOf(of: Snapshot, folder = join(dir, `render-${++renders}`)): Promise<SarifLog> {
  await writeReports(of, { outDir: folder, formats: ["sarif"], policies: POLICY_INFOS });
  return JSON.parse(await readFile(join(folder, "results.sarif"), "utf8"));
}


describe("report/sarif", () => {
  it("validates against the official SARIF 2.1.0 JSON schema", async () => {
    const schema = JSON.parse(await readFile(SARIF_SCHEMA_FILE, "utf8")) as object;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const wrongLevel = structuredClone(log);
    wrongLevel.runs[0].results[0].level = "fatal";
    expect(validate(wrongLevel)).toBe(false);
  });

  it("has one rule per policy with help, tags and a numeric security-severity", () => {
    const rules = log.runs[0].tool.driver.rules as SarifLog[];
    expect(rules.map((r) => r.id)).toEqual([...POLICY_INFOS.map((p) => p.id), RETIRED_POLICY.id]);
    const separate = rules.find((r) => r.id === "destination-separate-account");
    expect(separate.name).toBe("DestinationSeparateAccount");
    expect(separate.shortDescription.text).toBe("Replicas live in another account.");
    expect(separate.defaultConfiguration.level).toBe("error");
    expect(separate.properties["security-severity"]).toBe("9.5");
    expect(separate.properties.tags).toContain("security");
    expect(separate.help.markdown).toContain("Point the rule at a bucket in a dedicated backup account.");
    expect(separate.help.markdown).toContain("```hcl");
    expect(separate.help.markdown).toContain("No automated fix: change the configuration by hand.");
    const severities = Object.fromEntries(rules.map((r) => [r.id, r.properties["security-severity"]]));
    expect(severities).toEqual({
      "source-versioning-enabled": "8.0",
      "replication-configured": "8.0",
      "destination-separate-account": "9.5",
      "destination-object-lock": "5.5",
      "legacy-retired-check": "3.0",
    });
    const versioning = rules.find((r) => r.id === "source-versioning-enabled");
    expect(versioning.properties.tags).toEqual(expect.arrayContaining(["NIST 800-53 CP-9", "SOC 2 A1.2"]));
    expect(versioning.help.markdown).toContain("replguard audit --fix applies the fix `enable-versioning`.");
    expect(versioning.help.text).toContain("aws s3api put-bucket-versioning --bucket BUCKET");
    expect(versioning.helpUri).toBe("https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html");
  });

  it("renders a policy unknown to the current policy set from the snapshot's title and severity", () => {
    const retired = log.runs[0].tool.driver.rules.find((r: SarifLog) => r.id === RETIRED_POLICY.id);
    expect(retired.shortDescription.text).toBe("A policy removed since the scan.");
    expect(retired.defaultConfiguration.level).toBe("note");
    expect(retired.help.text).toContain("not in the current policy set");
    expect(retired.properties["replguard/hash"]).toBe(RETIRED_POLICY.hash);
  });

  it("has one result per fail and per suppressed, with the bucket as logical and physical location", () => {
    const results = log.runs[0].results as SarifLog[];
    const inFileOrder = [...recordsOfSnapshot(snapshot)].flatMap((record) => (record.record === "result" ? [record.result] : []));
    const findings = inFileOrder.filter((r) => r.status === "fail" || r.status === "suppressed");
    expect(results).toHaveLength(5);
    expect(results.map((r) => [r.ruleId, r.locations[0].logicalLocations[0].fullyQualifiedName])).toEqual(
      findings.map((f) => [f.policyId, f.bucketArn]),
    );
    for (const result of results) {
      const location = result.locations[0];
      expect(location.physicalLocation.artifactLocation.uri).toMatch(/^aws\/\d{12}\/[a-z0-9-]+\/[a-z0-9.-]+$/);
      expect(location.physicalLocation.artifactLocation.uriBaseId).toBe(SARIF_URI_BASE_ID);
      expect(location.physicalLocation.region.startLine).toBe(1);
      expect(location.logicalLocations[0].kind).toBe("resource");
      expect(result.ruleIndex).toBe(log.runs[0].tool.driver.rules.findIndex((r: SarifLog) => r.id === result.ruleId));
    }
    const prodLogs = results.find((r) => r.ruleId === "destination-separate-account");
    expect(prodLogs.locations[0].physicalLocation.artifactLocation.uri).toBe("aws/222222222222/us-east-1/prod-logs");
    expect(prodLogs.level).toBe("error");
    expect(prodLogs.message.text).toBe("rule `<img src=x onerror=alert(2)>` replicates to prod-logs-replica in the same account 222222222222.");
  });

  it("marks a suppressed finding with an accepted external suppression and its justification", () => {
    const suppressed = (log.runs[0].results as SarifLog[]).filter((r) => r.suppressions);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0].suppressions).toEqual([
      { kind: "external", status: "accepted", justification: "+logs are rebuilt from CloudTrail; accepted by risk board (until 2027-06-30)" },
    ]);
  });

  it("gives the same fingerprint to the same finding across scans and different ones across buckets", async () => {
    const fingerprints = (l: SarifLog): string[] => l.runs[0].results.map((r: SarifLog) => r.partialFingerprints[FINGERPRINT_KEY]);
    const byFinding = (l: SarifLog): Map<string, string> =>
      new Map(l.runs[0].results.map((r: SarifLog) => [`${r.ruleId} ${r.locations[0].logicalLocations[0].fullyQualifiedName}`, r.partialFingerprints[FINGERPRINT_KEY]]));
    // A later scan: other times, other order of results, same findings.
    const later: Snapshot = { ...snapshot, scan: { ...snapshot.scan, startedAt: "2026-12-01T00:00:00Z", finishedAt: "2026-12-01T00:05:00Z" } };
    later.results = [...snapshot.results].reverse();
    const first = fingerprints(log);
    expect(first.every((f) => /^[0-9a-f]{64}$/.test(f))).toBe(true);
    expect(byFinding(await sarifOf(later))).toEqual(byFinding(log));
    expect(new Set(first).size).toBe(first.length);
    // Same policy on two buckets (prod-data fails it, prod-logs has it suppressed): two fingerprints.
    const lockFindings = log.runs[0].results.filter((r: SarifLog) => r.ruleId === "destination-object-lock");
    expect(lockFindings).toHaveLength(2);
    expect(lockFindings[0].partialFingerprints[FINGERPRINT_KEY]).not.toBe(lockFindings[1].partialFingerprints[FINGERPRINT_KEY]);
  });

  it("reports an incomplete scan as an unsuccessful invocation with the account and bucket errors", async () => {
    const invocation = log.runs[0].invocations[0];
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.startTimeUtc).toBe(snapshot.scan.startedAt);
    expect(invocation.endTimeUtc).toBe(snapshot.scan.finishedAt);
    const texts = invocation.toolExecutionNotifications.map((n: SarifLog) => n.message.text);
    const errors = [...recordsOfSnapshot(snapshot)].flatMap((record) => (record.record === "result" && record.result.status === "error" ? [record.result] : []));
    expect(errors.length).toBeGreaterThan(0);
    expect(texts).toHaveLength(2 + errors.length);
    expect(texts[0]).toContain("AssumeRole failed with AccessDenied");
    expect(texts[1]).toContain("arn:aws:s3:::mgmt-trail: GetBucketReplication failed with AccessDenied");
    // Each error result is a notification naming the policy, the bucket and the reason.
    for (const [index, error] of errors.entries()) {
      const note = invocation.toolExecutionNotifications[2 + index];
      expect(note).toMatchObject({ level: "error", associatedRule: { id: error.policyId }, properties: { bucketArn: error.bucketArn } });
      expect(note.message.text).toContain(`Policy ${error.policyId} could not be evaluated on ${error.bucketArn}`);
    }
    // Complete coverage is not enough while a result is error; with neither, the run succeeded.
    const covered = { ...snapshot, coverage: { ...snapshot.coverage, complete: true } };
    expect((await sarifOf(covered)).runs[0].invocations[0].executionSuccessful).toBe(false);
    const decided = { ...covered, results: snapshot.results.filter((r) => r.status !== "error") };
    expect((await sarifOf(decided)).runs[0].invocations[0].executionSuccessful).toBe(true);
  });

  it("names the tool with its version, semantic version and information URI", () => {
    const driver = log.runs[0].tool.driver;
    expect(log.version).toBe("2.1.0");
    expect({ name: driver.name, version: driver.version, semanticVersion: driver.semanticVersion }).toEqual({
      name: "replguard",
      version: "0.1.0",
      semanticVersion: "0.1.0",
    });
    expect(driver.informationUri).toMatch(/^https:\/\//);
  });
});
