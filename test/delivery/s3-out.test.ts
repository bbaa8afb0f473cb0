/**
 * `audit --out s3://…` and `--baseline s3://…` against the sandbox, through the real SDK: one folder
 * per run named by its timestamp, the newest run read back as the baseline, SSE-KMS, multipart for
 * large files, and the mistakes (a missing bucket, a drift gate with nothing to compare with) as
 * one line and exit 2 before anything is scanned.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportsClient, uploadReports } from "../../src/aws/s3-reports.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { ACCOUNTS } from "../support/accounts.js";
import { runMain } from "../support/cli.js";
import { s3As } from "../support/sandbox.js";
import { account, bucket, scenario } from "../support/scenario.js";
import { tempDir } from "../support/temp-dir.js";

const REPORTS = "replguard-reports";
let sandbox: Sandbox;
let s3: S3Client;
let temp: { dir: string; cleanup: () => Promise<void> };
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  sandbox = await startSandbox({
    scenario: scenario({
      organization: "o-delivery01",
      accounts: [
        account(ACCOUNTS.management, "management", {
          auditRole: false,
          buckets: [bucket(REPORTS, "eu-west-1", { versioning: "Enabled" }), bucket("sealed-reports", "us-east-1", { deny: ["PutObject", "CreateMultipartUpload"] })],
        }),
        account(ACCOUNTS.prod, "prod", { buckets: [bucket("prod-data", "us-east-1", { versioning: "Enabled" })] }),
      ],
    }),
  });
  // The reports bucket is in eu-west-1, the home region us-east-1: the client must find its Region.
  s3 = s3As(sandbox.endpoint, ACCOUNTS.management, "eu-west-1");
  temp = await tempDir("s3-out");
  env = { AWS_ACCESS_KEY_ID: sandbox.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sandbox.credentials.secretAccessKey, AWS_REGION: "us-east-1" };
});

afterAll(async () => {
  await sandbox.close();
  await temp.cleanup();
});

const audit = (...args: string[]) => runMain(["audit", "--endpoint-url", sandbox.endpoint, "--quiet", ...args], { env });
const keysUnder = async (prefix: string): Promise<string[]> =>
  ((await s3.send(new ListObjectsV2Command({ Bucket: REPORTS, Prefix: prefix }))).Contents ?? []).map((c) => c.Key!).sort();
const read = async (key: string): Promise<string> => (await (await s3.send(new GetObjectCommand({ Bucket: REPORTS, Key: key }))).Body!.transformToString());

describe("cli/audit --out s3://", () => {
  let firstRun: string;

  it("writes every report into a folder named by the run's UTC timestamp; the first run says it has no baseline", async () => {
    const run = await audit("--out", `s3://${REPORTS}/nightly/`, "--baseline", "latest", "--fail-on", "critical");
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/no snapshot\.json under s3:\/\/replguard-reports\/nightly\/ yet: this is the first run/);
    const keys = await keysUnder("nightly/");
    const folders = new Set(keys.map((k) => k.split("/")[1]));
    expect(folders.size).toBe(1);
    firstRun = [...folders][0]!;
    expect(firstRun).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z$/);
    expect(keys).toEqual(["html", "csv", "sarif", "json"].map((f) => `nightly/${firstRun}/${{ html: "report.html", csv: "results.csv", sarif: "results.sarif", json: "snapshot.json" }[f]}`).sort());
    // NDJSON records: the header, then the accounts, each bucket with its results, the trailer.
    const records = (await read(`nightly/${firstRun}/snapshot.json`)).trim().split("\n").map((line) => JSON.parse(line) as { record: string; kind?: string; bucket?: { name: string } });
    expect(records[0]).toMatchObject({ record: "header", kind: "replguard-snapshot" });
    expect(records.filter((r) => r.record === "bucket").map((r) => r.bucket!.name).sort()).toEqual(["prod-data", REPORTS, "sealed-reports"]);
    const head = await s3.send(new HeadObjectCommand({ Bucket: REPORTS, Key: `nightly/${firstRun}/report.html` }));
    expect(head.ContentType).toMatch(/^text\/html/);
  });

  it("reads the newest run back as the baseline, gates on drift, encrypts with SSE-KMS and keeps a local copy", async () => {
    sandbox.world.buckets.get("prod-data")!.versioning = "Suspended";
    const local = join(temp.dir, "copy");
    const run = await audit(
      "--out", `s3://${REPORTS}/nightly/`, "--baseline", `s3://${REPORTS}/nightly/`, "--fail-on-drift", "new-failures",
      "--sse-kms-key-id", "alias/replguard-reports", "--local-copy", local, "--json",
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(5);
    const summary = JSON.parse(run.stdout) as { drift: { baseline: string; newFailures: number }; reports: { file: string }[] };
    expect(summary.drift.baseline).toBe(`s3://${REPORTS}/nightly/${firstRun}/snapshot.json`);
    expect(summary.drift.newFailures).toBeGreaterThan(0);
    const secondRun = summary.reports[0]!.file.split("/")[4]!;
    expect(secondRun > firstRun).toBe(true);
    for (const report of summary.reports) expect(report.file).toMatch(new RegExp(`^s3://${REPORTS}/nightly/${secondRun.replace(/\./g, "\\.")}/`));
    expect(await keysUnder(`nightly/${secondRun}/`)).toEqual(expect.arrayContaining([`nightly/${secondRun}/drift.json`, `nightly/${secondRun}/snapshot.json`]));
    const head = await s3.send(new HeadObjectCommand({ Bucket: REPORTS, Key: `nightly/${secondRun}/snapshot.json` }));
    expect(head).toMatchObject({ ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/replguard-reports" });
    expect(readFileSync(join(local, "snapshot.json"), "utf8")).toBe(await read(`nightly/${secondRun}/snapshot.json`));
  });

  it("refuses --fail-on-drift when the prefix holds no snapshot yet, before scanning", async () => {
    const before = sandbox.calls.length;
    const run = await audit("--out", `s3://${REPORTS}/empty/`, "--baseline", "latest", "--fail-on-drift", "new-failures");
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("s3://replguard-reports/empty/");
    expect(sandbox.calls.slice(before).some((c) => c.operation === "ListBuckets")).toBe(false);
  });

  it("refuses a missing reports bucket in one line naming it, before scanning", async () => {
    const before = sandbox.calls.length;
    const run = await audit("--out", "s3://no-such-reports-bucket/x/");
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toEqual([expect.stringMatching(/--out: cannot use bucket no-such-reports-bucket \(GetBucketLocation NoSuchBucket/)]);
    expect(sandbox.calls.slice(before).some((c) => c.operation === "ListBuckets")).toBe(false);
  });

  it("says in one line, exit 4, when the reports cannot be delivered after the scan, and keeps them", async () => {
    const run = await audit("--out", "s3://sealed-reports/nightly/", "--format", "json");
    expect(run.code).toBe(4);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toEqual([expect.stringMatching(/^replguard: --out: cannot write s3:\/\/sealed-reports\/nightly\/[^/]+\/snapshot\.json \(AccessDenied: .*not delivered; kept in (.+)$/)]);
    const kept = /kept in (.+)$/.exec(lines[0]!)![1]!;
    expect(JSON.parse(readFileSync(join(kept, "snapshot.json"), "utf8").split("\n")[0]!)).toMatchObject({ record: "header", kind: "replguard-snapshot" });
    await rm(dirname(kept), { recursive: true, force: true });
  });

  it("refuses the S3-only flags without --out s3://", async () => {
    for (const flag of [["--local-copy", temp.dir], ["--sse-kms-key-id", "alias/x"]]) {
      const run = await audit("--out", join(temp.dir, "local"), ...flag);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${flag[0]} `);
    }
  });

  it("uploads a large report in parts (lib-storage multipart: the ETag has a part count)", async () => {
    const file = join(temp.dir, "snapshot.json");
    writeFileSync(file, Buffer.alloc(9 * 1024 * 1024, 0x20));
    const { client, close } = await reportsClient({ bucket: REPORTS, prefix: "big/" }, { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: "us-east-1" }, "--out");
    try {
      const [url] = await uploadReports(client, { bucket: REPORTS, prefix: "big/" }, "run-1", [file]);
      expect(url).toBe(`s3://${REPORTS}/big/run-1/snapshot.json`);
    } finally {
      close();
    }
    const head = await s3.send(new HeadObjectCommand({ Bucket: REPORTS, Key: "big/run-1/snapshot.json" }));
    expect(head.ContentLength).toBe(9 * 1024 * 1024);
    expect(head.ETag).toMatch(/-2"$/);
  });
});
