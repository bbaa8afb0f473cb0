/**
 * The architecture's boundaries, and "tests read no clock", are lint rules (oxlint.config.js); these
 * fixtures break each one on purpose and show the rule fires with its reason, and that what is
 * allowed stays allowed.
 * Each fixture is linted as if it lived at `lintAs`: the fixtures are written at those paths (under a
 * numbered name) into one scratch project whose config is the project's own, with type information
 * off (the fixtures are not part of any tsconfig project), and oxlint lints them all in one run.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import config from "../../oxlint.config.js";
import { parseOxlint, type OxlintDiagnostic } from "../../scripts/typecheck-and-lint.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const fixtures = join(root, "test/lint/fixtures");
const oxlint = join(root, "node_modules/oxlint/bin/oxlint");

const SANDBOX = "The sandbox is an independent oracle";
const NO_AWS = "Policies and reports never call AWS";
const NO_CLI = "The library knows no command line";
const MODEL = "src/model holds the types every stage shares";
const NO_SANDBOX = "Only the CLI and the public index start the sandbox";
const INDEX = "src/index.ts is the public surface";
const OUTSIDE = "src/ imports nothing outside src/";
const CLOCK = "Tests assert no elapsed time";
const MERGE = "merge combines shard snapshots offline";

interface Case {
  fixture: string;
  lintAs: string;
  /** [what is restricted, as the message quotes it, and the reason], in source order. */
  expected: [string, string][];
  rule?: string;
}

const cases: Case[] = [
  {
    fixture: "sandbox-imports-stages.ts",
    lintAs: "src/sandbox/s3/violation.ts",
    expected: [
      ["../../scan/index.js", SANDBOX],
      ["../../policy/index.js", SANDBOX],
      ["../../model/index.js", SANDBOX],
      ["../../report/index.js", SANDBOX],
    ],
  },
  { fixture: "sandbox-top-imports-model.ts", lintAs: "src/sandbox/world.ts", expected: [["../model/index.js", SANDBOX]] },
  { fixture: "sandbox-imports-public-index.ts", lintAs: "src/sandbox/server.ts", expected: [["../index.js", INDEX]] },
  { fixture: "policy-imports-sdk.ts", lintAs: "src/policy/violation.ts", expected: [["@aws-sdk/client-s3", NO_AWS]] },
  { fixture: "report-imports-sdk.ts", lintAs: "src/report/violation.ts", expected: [["@aws-sdk/client-s3", NO_AWS]] },
  {
    fixture: "merge-imports-aws.ts",
    lintAs: "src/merge/violation.ts",
    expected: [
      ["@aws-sdk/client-s3", MERGE],
      ["../aws/index.js", MERGE],
    ],
  },
  { fixture: "scan-imports-commander.ts", lintAs: "src/scan/violation.ts", expected: [["commander", NO_CLI]] },
  { fixture: "model-imports-scan.ts", lintAs: "src/model/violation.ts", expected: [["../scan/index.js", MODEL]] },
  { fixture: "scan-imports-sandbox.ts", lintAs: "src/scan/violation.ts", expected: [["../sandbox/calls.js", NO_SANDBOX]] },
  { fixture: "fix-imports-sandbox.ts", lintAs: "src/fix/violation.ts", expected: [["../sandbox/index.js", NO_SANDBOX], ["commander", NO_CLI]] },
  { fixture: "escapes-src.ts", lintAs: "src/report/violation.ts", expected: [["../../test/support/cli.js", OUTSIDE]] },
  {
    fixture: "test-reads-clock.ts",
    lintAs: "test/sandbox/violation.test.ts",
    rule: "no-restricted-properties",
    expected: [
      ["'performance.now' is restricted", CLOCK],
      ["'process.hrtime' is restricted", CLOCK],
      ["'performance.now' is restricted", CLOCK],
      ["'process.hrtime' is restricted", CLOCK],
    ],
  },
  { fixture: "allowed.ts", lintAs: "src/sandbox/s3/allowed.ts", expected: [] },
  { fixture: "cli-imports-commander.ts", lintAs: "src/cli/allowed.ts", expected: [] },
];

/** A fixture written at another path, to show the same code is judged by where it lives. */
const elsewhere: Case[] = [{ fixture: "policy-imports-sdk.ts", lintAs: "src/scan/allowed.ts", expected: [] }];

/** Where each case's copy lives in the scratch project: its `lintAs` folder, a name of its own. */
const placed = (i: number, lintAs: string): string => join(dirname(lintAs), `${i}-${basename(lintAs)}`);

let scratch: string;
/** The boundary and clock findings of each case (other rules' findings on the fixtures aside), in source order. */
const findings = new Map<string, OxlintDiagnostic[]>();

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "replguard-lint-"));
  const all = [...cases, ...elsewhere];
  await Promise.all(
    all.map(async ({ fixture, lintAs }, i) => {
      const path = join(scratch, placed(i, lintAs));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, await readFile(join(fixtures, fixture), "utf8"));
    }),
  );
  // The project's config itself (its overrides match paths relative to the config's folder).
  await writeFile(join(scratch, ".oxlintrc.json"), JSON.stringify({ ...config, options: { ...config.options, typeAware: false } }));
  const { stdout } = await promisify(execFile)(process.execPath, [oxlint, "-c", ".oxlintrc.json", "-f", "json", "."], { cwd: scratch }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }),
  );
  const boundaryRules = ["eslint(no-restricted-imports)", "eslint(no-restricted-properties)"];
  for (const d of parseOxlint(stdout).filter((d) => boundaryRules.includes(d.rule))) findings.set(d.file, [...(findings.get(d.file) ?? []), d]);
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const found = (i: number, lintAs: string): OxlintDiagnostic[] => findings.get(placed(i, lintAs)) ?? [];

describe("lint/boundaries", () => {
  it.each(cases.map((c, i) => ({ ...c, i })))("$fixture linted as $lintAs", ({ i, lintAs, expected, rule = "no-restricted-imports" }) => {
    const messages = found(i, lintAs);
    expect(messages.map((m) => m.rule)).toEqual(expected.map(() => `eslint(${rule})`));
    expected.forEach(([what, reason], j) => {
      const message = `${messages[j]?.message ?? ""} ${messages[j]?.help ?? ""}`;
      expect(message).toContain(rule === "no-restricted-imports" ? `'${what}' import is restricted` : what);
      expect(message).toContain(reason);
    });
  });

  it("knows the path the fixtures are linted at: the same code elsewhere is allowed", () => {
    // Proves the rules are per folder: a policy may not import the SDK, the scanner may.
    const policy = cases.findIndex((c) => c.fixture === "policy-imports-sdk.ts");
    expect(found(policy, "src/policy/violation.ts")).toHaveLength(1);
    expect(found(cases.length, "src/scan/allowed.ts")).toEqual([]);
  });

  it("leaves the fixtures out of the normal lint run", async () => {
    const files = async (...paths: string[]): Promise<string> =>
      (await promisify(execFile)(process.execPath, [oxlint, "-c", "oxlint.config.js", "--debug=files", ...paths], { cwd: root })).stdout;
    const listed = await files(join(fixtures, "allowed.ts"), join(root, "src/sandbox/index.ts"));
    expect(listed).toContain("src/sandbox/index.ts");
    expect(listed).not.toContain("allowed.ts");
  });
});
