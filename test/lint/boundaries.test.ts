/**
 * The architecture's boundaries, and "tests read no clock", are lint rules (eslint.config.js); these
 * fixtures break each one on purpose and show the rule fires with its reason, and that what is
 * allowed stays allowed.
 * Each fixture is linted as if it lived at `lintAs`, through ESLint's Node API and the project's
 * own config, with type information off (the fixtures are not part of any tsconfig project).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const fixtures = join(root, "test/lint/fixtures");

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

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({
    cwd: root,
    overrideConfig: [{ languageOptions: { parserOptions: { project: null, projectService: false } } }],
    ruleFilter: ({ ruleId }) => ruleId === "no-restricted-imports" || ruleId === "no-restricted-properties",
  });
});

async function lintAs(fixture: string, path: string): Promise<ESLint.LintResult> {
  const [result] = await eslint.lintText(await readFile(join(fixtures, fixture), "utf8"), { filePath: join(root, path) });
  if (result === undefined) throw new Error(`ESLint returned no result for ${fixture}`);
  return result;
}

describe("lint/boundaries", () => {
  it.each(cases)("$fixture linted as $lintAs", async ({ fixture, lintAs: path, expected, rule = "no-restricted-imports" }) => {
    const result = await lintAs(fixture, path);
    expect(result.messages.map((m) => m.ruleId)).toEqual(expected.map(() => rule));
    expected.forEach(([what, reason], i) => {
      const message = result.messages[i]?.message ?? "";
      expect(message).toContain(rule === "no-restricted-imports" ? `'${what}' import is restricted` : what);
      expect(message).toContain(reason);
    });
  });

  it("knows the path the fixtures are linted at: the same code elsewhere is allowed", async () => {
    // Proves the rules are per folder: a policy may not import the SDK, the scanner may.
    expect((await lintAs("policy-imports-sdk.ts", "src/policy/violation.ts")).messages).toHaveLength(1);
    expect((await lintAs("policy-imports-sdk.ts", "src/scan/allowed.ts")).messages).toEqual([]);
  });

  it("leaves the fixtures out of the normal lint run", async () => {
    expect(await eslint.isPathIgnored(join(fixtures, "allowed.ts"))).toBe(true);
    expect(await eslint.isPathIgnored(join(root, "src/sandbox/index.ts"))).toBe(false);
  });
});
