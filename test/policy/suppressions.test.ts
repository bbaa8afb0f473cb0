/** Permanent suppressions: `expires` null or omitted means no end date, and every report lists them. */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { activeSuppressions, evaluateBucket, loadPolicies } from "../../src/policy/index.js";
import { fixtureDocument, policyDir, runMain } from "../support/policy.js";
import { readSnapshot } from "../../src/report/index.js";


describe("config/suppressions without an end date", () => {
  it("accepts expires null and an omitted expires, both as null", async () => {
    const file = join(policyDir({}), "replguard.json");
    const suppressions = [
      { policyId: "replication-configured", resource: "arn:aws:s3:::dev-*", reason: "dev data is disposable", expires: null },
      { policyId: "replication-configured", resource: "arn:aws:s3:::tmp-*", reason: "scratch space" },
    ];
    await writeFile(file, JSON.stringify({ suppressions }));
    const config = await loadConfig(file);
    expect(config.suppressions?.map((s) => s.expires)).toEqual([null, null]);
  });

  it("still refuses an expires that is not a date", async () => {
    const file = join(policyDir({}), "replguard.json");
    await writeFile(file, JSON.stringify({ suppressions: [{ policyId: "p", resource: "*", reason: "why not", expires: 20270101 }] }));
    await expect(loadConfig(file)).rejects.toThrow("/suppressions/0/expires");
  });

  it("applies a suppression without expires at any date, and lists it as active with its count", async () => {
    const doc = fixtureDocument("destination-separate-account/fail-same-account");
    const permanent = { policyId: "destination-separate-account", resource: doc.arn, reason: "log copies stay in the log account" } as never;
    const set = await loadPolicies();
    const far = new Date("2999-01-01T00:00:00Z");
    const results = evaluateBucket(set, doc, { suppressions: [permanent], now: far });
    expect(results.find((r) => r.policyId === "destination-separate-account")?.status).toBe("suppressed");
    expect(activeSuppressions([permanent], results, far)).toEqual([{ ...(permanent as object), expires: null, matched: 1 }]);
  });
});

describe("audit lists permanent suppressions in every report", () => {
  it("writes them to snapshot.json and report.html, and the snapshot re-renders", async () => {
    const dir = policyDir({});
    const config = join(dir, "replguard.json");
    await writeFile(
      config,
      JSON.stringify({
        suppressions: [
          { policyId: "replication-configured", resource: "arn:aws:s3:::dev-*", reason: "dev data is disposable", expires: null },
          { policyId: "replication-configured", resource: "arn:aws:s3:::nothing-*", reason: "matches nothing today" },
          { policyId: "replication-configured", resource: "arn:aws:s3:::analytics-scratch", reason: "was temporary", expires: "2020-01-01" },
        ],
        formats: ["json", "html"],
        out: join(dir, "out"),
      }),
    );
    const run = await runMain(["audit", "--sandbox", "demo", "--config", config, "--quiet"]);
    expect(run.stderr).not.toContain("unexpected");
    const snapshot = await readSnapshot(join(dir, "out", "snapshot.json"));
    expect(snapshot.results.find((r) => r.bucket === "dev-notes" && r.policyId === "replication-configured")?.status).toBe("suppressed");
    expect(snapshot.activeSuppressions).toEqual([
      { policyId: "replication-configured", resource: "arn:aws:s3:::dev-*", reason: "dev data is disposable", expires: null, matched: 1 },
      { policyId: "replication-configured", resource: "arn:aws:s3:::nothing-*", reason: "matches nothing today", expires: null, matched: 0 },
    ]);
    expect(snapshot.expiredSuppressions).toEqual([expect.objectContaining({ resource: "arn:aws:s3:::analytics-scratch", matched: 1 })]);
    const html = await readFile(join(dir, "out", "report.html"), "utf8");
    expect(html).toContain("Suppressions in force");
    expect(html).toContain("matches nothing today");
    const rerun = await runMain(["report", join(dir, "out", "snapshot.json"), "--format", "html", "--out", join(dir, "again")]);
    expect(rerun.stderr).toBe("");
    expect(rerun.code).toBe(0);
    expect(await readFile(join(dir, "again", "report.html"), "utf8")).toContain("matches nothing today");
  });
});
