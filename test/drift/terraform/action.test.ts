/**
 * `terraformDriftAction`, the CLI action the lead wires into `replguard drift --terraform FILE
 * SNAPSHOT`: reads both files (no AWS call), writes terraform-drift.json and .csv whole, prints a
 * short summary, returns 0 / 5; a bad Terraform file is one line and exit 2, and no report folder.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terraformDriftAction } from "../../../src/cli/terraform-drift.js";
import { describeError } from "../../../src/cli/exit.js";
import type { TerraformDrift } from "../../../src/model/index.js";
import { TERRAFORM_DRIFT_CSV_COLUMNS, writeTerraformDriftReports } from "../../../src/report/index.js";
import type { Sandbox } from "../../../src/sandbox/types.js";
import { fixture, scannedBeforeAndAfterDrift, type Scan } from "./world.js";

let sandbox: Sandbox;
let before: Scan;
let after: Scan;
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "replguard-tf-action-"));
  ({ sandbox, before, after } = await scannedBeforeAndAfterDrift());
});
afterAll(async () => {
  await sandbox.close();
});

/** Runs the action with stdout captured. */
async function run(terraformFile: string, snapshotFile: string, flags: { out?: string; json?: boolean; quiet?: boolean }): Promise<{ code: number; stdout: string }> {
  let stdout = "";
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stdout.write;
  try {
    return { code: await terraformDriftAction(terraformFile, snapshotFile, flags), stdout };
  } finally {
    process.stdout.write = write;
  }
}

/** What the CLI prints for an error the action throws, and the exit code it maps to. */
async function failure(terraformFile: string, snapshotFile: string, out: string): Promise<{ message: string; exitCode: number }> {
  try {
    await run(terraformFile, snapshotFile, { out });
  } catch (error) {
    return describeError(error, false);
  }
  throw new Error("the action did not fail");
}

describe("cli/terraformDriftAction", () => {
  it("returns 0 and writes both reports with no item when nothing drifted", async () => {
    const out = join(tmp, "clean");
    const { code, stdout } = await run(fixture("plan-v4.json"), before.file, { out });
    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toBe(`terraform drift (plan ${fixture("plan-v4.json")}): no drift from Terraform`);
    const json = JSON.parse(await readFile(join(out, "terraform-drift.json"), "utf8")) as TerraformDrift;
    expect(json).toMatchObject({ kind: "replguard-terraform-drift", schemaVersion: "1.0.0", drifted: false, items: [] });
    expect(parse(await readFile(join(out, "terraform-drift.csv"), "utf8"))).toEqual([[...TERRAFORM_DRIFT_CSV_COLUMNS]]);
  });

  it("returns 5, prints the counts and first items, and writes one JSON item and CSV row per difference", async () => {
    const out = join(tmp, "drifted");
    const { code, stdout } = await run(fixture("state-v3.json"), after.file, { out });
    expect(code).toBe(5);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`terraform drift (state ${fixture("state-v3.json")}): drift from Terraform: 4 changed, 1 rule-missing, 1 rule-undeclared, 1 replication-undeclared`);
    expect(lines[1]).toBe("  changed: tf-legacy: rule `legacy-data` destination.bucket is declared tf-legacy-replica, live tf-quiet");
    expect(lines.slice(-2)).toEqual([`json  ${join(out, "terraform-drift.json")}`, `csv   ${join(out, "terraform-drift.csv")}`]);
    const json = JSON.parse(await readFile(join(out, "terraform-drift.json"), "utf8")) as TerraformDrift;
    expect(json.items).toHaveLength(7);
    expect(json.counts.changed).toBe(4);
    const rows = parse(await readFile(join(out, "terraform-drift.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.kind, r.bucket, r.field, r.declared, r.live, r.is_drift])).toContainEqual([
      "changed",
      "tf-plain",
      "versioning.status",
      "Enabled",
      "Suspended",
      "true",
    ]);
    expect(rows).toHaveLength(7);
    expect(rows.find((r) => r.bucket === "tf-plain")?.address).toBe("aws_s3_bucket.plain");
  });

  it("prints the summary as JSON with --json, and nothing with --quiet", async () => {
    const asJson = await run(fixture("plan-v4.json"), after.file, { out: join(tmp, "json"), json: true });
    expect(JSON.parse(asJson.stdout)).toMatchObject({ exitCode: 5, drifted: true, counts: { changed: 4 } });
    const quiet = await run(fixture("plan-v4.json"), after.file, { out: join(tmp, "quiet"), quiet: true });
    expect([quiet.code, quiet.stdout]).toEqual([5, ""]);
  });

  it("neutralises spreadsheet formulas in the CSV", async () => {
    const drift: TerraformDrift = {
      kind: "replguard-terraform-drift",
      schemaVersion: "1.0.0",
      terraform: { file: "plan.json", kind: "plan", formatVersion: "1.2", terraformVersion: null },
      snapshot: { startedAt: "2026-01-01T00:00:00.000Z", finishedAt: "2026-01-01T00:00:01.000Z", complete: true },
      counts: { changed: 1, "rule-missing": 0, "rule-undeclared": 0, "bucket-missing": 0, "replication-undeclared": 0, "unknown-until-apply": 0, "not-read": 0 },
      drifted: true,
      items: [{ kind: "changed", bucket: "b", accountId: "222222222222", field: "replication.role", declared: "=HYPERLINK(\"x\")", live: "+1", address: "@a", message: "m" }],
    };
    const out = join(tmp, "formulas");
    await writeTerraformDriftReports(drift, out);
    const rows = parse(await readFile(join(out, "terraform-drift.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect([rows[0]!.declared, rows[0]!.live, rows[0]!.address]).toEqual(["'=HYPERLINK(\"x\")", "'+1", "'@a"]);
  });

  const bad: [string, string, string][] = [
    ["not JSON", "{ nope", "not JSON"],
    ["a raw .tfstate", JSON.stringify({ version: 4, terraform_version: "1.9.5", resources: [] }), "this is a raw Terraform state file, not `terraform show -json` output"],
    ["a binary plan", "PK\u0003\u0004binary", "this is a binary plan file; run `terraform show -json plan.bin > plan.json`"],
    ["another major format_version", JSON.stringify({ format_version: "2.0", values: { root_module: {} } }), "format_version 2.0 is not readable by this replguard (it reads 1.x)"],
    ["a plan that errored", JSON.stringify({ format_version: "1.2", errored: true, planned_values: { root_module: {} } }), "the plan errored"],
    ["an empty state", JSON.stringify({ format_version: "1.0" }), "declares no aws_s3_bucket, aws_s3_bucket_versioning"],
    ["JSON that is no terraform output", JSON.stringify([1, 2]), "not the JSON of `terraform show -json`"],
    [
      "a bucket that is no name",
      JSON.stringify({ format_version: "1.0", values: { root_module: { resources: [{ address: "aws_s3_bucket_versioning.x", mode: "managed", type: "aws_s3_bucket_versioning", values: { bucket: 5 } }] } } }),
      "aws_s3_bucket_versioning.x: bucket is 5, not a bucket name",
    ],
    [
      "child_modules that is no list",
      JSON.stringify({ format_version: "1.0", values: { root_module: { child_modules: {} } } }),
      "/values/root_module/child_modules is not a list",
    ],
  ];
  it.each(bad)("refuses %s in one line, exit 2, and writes no report", async (_name, content, expected) => {
    const file = join(tmp, `bad-${_name.replace(/\W+/g, "-")}.json`);
    await writeFile(file, content);
    const out = join(tmp, `out-${_name.replace(/\W+/g, "-")}`);
    const { message, exitCode } = await failure(file, before.file, out);
    expect(exitCode).toBe(2);
    expect(message).toContain(`replguard: ${file}: `);
    expect(message).toContain(expected);
    expect(message).not.toContain("\n");
    expect(existsSync(out)).toBe(false);
  });

  it("refuses a missing Terraform file and a missing snapshot in one line, exit 2", async () => {
    const missing = await failure(join(tmp, "absent.json"), before.file, join(tmp, "out-absent"));
    expect(missing.exitCode).toBe(2);
    expect(missing.message).toMatch(/^replguard: cannot read Terraform file .*absent\.json: ENOENT/);
    const noSnapshot = await failure(fixture("plan-v4.json"), join(tmp, "no-snapshot.json"), join(tmp, "out-no-snapshot"));
    expect(noSnapshot.exitCode).toBe(2);
    expect(noSnapshot.message).toMatch(/^replguard: cannot read snapshot .*no-snapshot\.json/);
  });
});
