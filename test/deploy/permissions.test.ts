/**
 * `replguard permissions`: the audit role's policy derived from the fact table and the loaded
 * policies, equal to the shipped deploy/audit-role-policy.json (so the two cannot drift apart), and
 * read-only; `--fix` prints the separate remediation role's policy.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FACTS } from "../../src/model/index.js";
import { runMain } from "../support/cli.js";

const ROOT = join(import.meta.dirname, "../..");
const shipped = (file: string): unknown => JSON.parse(readFileSync(join(ROOT, "deploy", file), "utf8"));
const REGENERATE = "the shipped policy differs from `replguard permissions`: run `node deploy/regenerate.js` and review the diff";
const actionsOf = (document: { Statement: { Action: string[] }[] }): string[] => document.Statement.flatMap((s) => s.Action);

describe("cli/permissions", () => {
  it("prints exactly the shipped deploy/audit-role-policy.json for the default policy set", async () => {
    const run = await runMain(["permissions"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(run.stdout), REGENERATE).toEqual(shipped("audit-role-policy.json"));
  });

  it("is read-only: no s3:GetObject, no write, only the reads the default scan makes", async () => {
    const document = JSON.parse((await runMain(["permissions"])).stdout) as { Statement: { Action: string[]; Effect: string }[] };
    const actions = actionsOf(document);
    expect(actions).not.toContain("s3:GetObject");
    for (const action of actions) expect(action).toMatch(/^(s3|organizations|iam|kms):(Get|List|Describe)[A-Za-z]+$/);
    expect(document.Statement.every((s) => s.Effect === "Allow")).toBe(true);
    // Each planned fact's action is there; tags are read for replication-role-dedicated only.
    expect(actions).toEqual(expect.arrayContaining(["s3:GetReplicationConfiguration", "s3:ListBucket", "s3:ListAllMyBuckets", "organizations:ListAccounts", FACTS.tags.actions[0]]));
    const baseline = actionsOf(JSON.parse((await runMain(["permissions", "--pack", "baseline"])).stdout) as { Statement: { Action: string[] }[] });
    expect(baseline).not.toContain(FACTS.tags.actions[0]);
    expect(baseline).not.toContain("iam:GetRole");
  });

  it("follows the loaded policies: a custom policy reading tags adds s3:GetBucketTagging", async () => {
    const run = await runMain(["permissions", "--policies", join(ROOT, "test/policy/custom")]);
    expect(run.code).toBe(0);
    expect(actionsOf(JSON.parse(run.stdout))).toContain("s3:GetBucketTagging");
  });

  it("prints the remediation role's policy with --fix: the writes, and PassRole only to S3 on replication roles", async () => {
    const run = await runMain(["permissions", "--fix"]);
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout) as { Statement: { Action: string[]; Resource: unknown; Condition?: unknown }[] };
    expect(document, REGENERATE).toEqual(shipped("remediation-role-policy.json"));
    expect(actionsOf(document)).toEqual(
      expect.arrayContaining(["s3:PutBucketVersioning", "s3:PutReplicationConfiguration", "s3:CreateBucket", "s3:PutBucketObjectLockConfiguration", "iam:PassRole"]),
    );
    const passRole = document.Statement.find((s) => s.Action.includes("iam:PassRole"));
    expect(passRole).toMatchObject({
      Resource: "arn:aws:iam::*:role/replguard-replication*",
      Condition: { StringEquals: { "iam:PassedToService": ["s3.amazonaws.com", "batchoperations.s3.amazonaws.com"] } },
    });
    expect(actionsOf(document)).toEqual(expect.arrayContaining(["s3:CreateJob", "s3:DescribeJob", "s3:UpdateJobStatus"]));
    // The only object read: Batch Replication completion reports, never the organization's data.
    const objectReads = document.Statement.filter((s) => s.Action.includes("s3:GetObject"));
    expect(objectReads).toEqual([{ Sid: "ReplguardReadBatchReports", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::*/*job-*/*" }]);
  });

  it("refuses an unknown pack with one line and exit 2", async () => {
    const run = await runMain(["permissions", "--pack", "no-such-pack"]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });
});
