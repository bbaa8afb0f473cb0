// Lint runs in CI beside the type-check; the type-aware rules catch promises nobody awaits,
// which in a scanner means a bucket silently missing from the report.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// ---------------------------------------------------------------- architecture boundaries
// Which stage of src/ may import which (STYLE.md, "Boundaries that keep the tests honest").
// `no-restricted-imports` matches the import string, not the resolved file, so the rules are
// generated per folder *and depth*: from src/sandbox/s3/x.ts exactly two `../` reach src/, so
// `../../scan/…` is the scanner while `../policy/…` would be a sandbox folder of that name.
// Rule options do not merge across config blocks, so every block carries all the rules for its
// files (the package rules, the stage rules, and "nothing outside src/").

/** The folders of src/ that are stages; a file directly in src/ (errors.ts, paths.ts…) is shared. */
const STAGES = ["audit", "aws", "cli", "config", "drift", "fix", "merge", "model", "org", "policy", "report", "sandbox", "scan"];

const SANDBOX_WHY =
  "The sandbox is an independent oracle: it speaks AWS's shapes and shares no code with the scanner, policies or reports, or a shared bug would be invisible to every end-to-end test.";
const NO_AWS_WHY = "Policies and reports never call AWS: they read bucket documents and snapshots only.";
const NO_SANDBOX_WHY = "Only the CLI and the public index start the sandbox; the scanner must not share its code (the oracle would share its bugs).";
const MODEL_WHY = "src/model holds the types every stage shares; it imports no stage, or the stages import each other through it.";
const CLI_WHY = "The library knows no command line: only src/cli parses flags and prints.";

/**
 * What each stage may not import: other stages (by folder) and npm packages (gitignore-style groups).
 * Every stage but cli also gets the command-line packages; see `rulesFor`.
 */
const FORBIDDEN = {
  sandbox: { stages: STAGES.filter((s) => s !== "sandbox"), packages: [], why: SANDBOX_WHY },
  model: { stages: STAGES.filter((s) => s !== "model"), packages: [], why: MODEL_WHY },
  policy: { stages: ["aws", "scan", "org", "sandbox", "audit", "cli"], packages: ["@aws-sdk/*", "@smithy/*"], why: NO_AWS_WHY },
  report: { stages: ["aws", "scan", "org", "sandbox", "audit", "cli"], packages: ["@aws-sdk/*", "@smithy/*"], why: NO_AWS_WHY },
  drift: { stages: ["aws", "scan", "org", "sandbox", "audit", "cli"], packages: ["@aws-sdk/*", "@smithy/*"], why: "Drift compares snapshots and Terraform files: it never calls AWS." },
  merge: {
    stages: ["aws", "org", "sandbox", "cli"],
    packages: ["@aws-sdk/*", "@smithy/*"],
    why: "merge combines shard snapshots offline: it never calls AWS (what a shard could not see, it recorded).",
  },
  scan: { stages: ["sandbox", "cli"], packages: [], why: NO_SANDBOX_WHY },
  org: { stages: ["sandbox", "cli"], packages: [], why: NO_SANDBOX_WHY },
  aws: { stages: ["sandbox", "cli"], packages: [], why: NO_SANDBOX_WHY },
  audit: { stages: ["sandbox", "cli"], packages: [], why: NO_SANDBOX_WHY },
  config: { stages: ["sandbox", "cli"], packages: [], why: NO_SANDBOX_WHY },
  fix: { stages: ["sandbox", "cli", "audit"], packages: [], why: NO_SANDBOX_WHY },
  cli: { stages: [], packages: [], why: "" },
};

/** Deepest folder level below src/<stage>/ given exact rules; deeper files get only the package rules. */
const MAX_DEPTH = 6;

const up = (levels) => `^(\\.\\./){${levels}}`;

/** `no-restricted-imports` options for a file `depth` folders below src/<stage>/ (depth -1: directly in src/). */
function rulesFor(stage, depth) {
  const toSrc = depth + 1;
  const rule = FORBIDDEN[stage] ?? { stages: [], packages: [], why: "" };
  const patterns = [];
  if (stage !== "cli") patterns.push({ group: ["commander", "cli-progress"], message: CLI_WHY });
  if (rule.packages.length > 0) patterns.push({ group: rule.packages, message: rule.why });
  if (rule.stages.length > 0) {
    const here = toSrc === 0 ? "^\\./" : up(toSrc);
    patterns.push({ regex: `${here}(${rule.stages.join("|")})(/|$)`, message: rule.why });
  }
  if (stage !== undefined) {
    // The public index re-exports every stage: importing it would cross every boundary at once.
    patterns.push({ regex: `${up(toSrc)}index(\\.js)?$`, message: "src/index.ts is the public surface; import the module itself." });
  }
  // `tsc -p tsconfig.build.json` has rootDir src/: an import out of it breaks the build.
  patterns.push({ regex: up(toSrc + 1), message: "src/ imports nothing outside src/ (the published build has rootDir src/)." });
  return { "no-restricted-imports": ["error", { patterns }] };
}

// Speed is measured by `npm run bench`, never asserted by a test: a test that reads a clock to
// judge elapsed time fails on a busy machine and passes on a fast one for the wrong reason.
const CLOCK_WHY = "Tests assert no elapsed time; measure speed in bench/ (npm run bench).";
const noClocksInTests = {
  files: ["test/**/*.ts"],
  rules: {
    "no-restricted-properties": [
      "error",
      { object: "performance", property: "now", message: CLOCK_WHY },
      { object: "process", property: "hrtime", message: CLOCK_WHY },
    ],
  },
};

const boundaries = [
  { files: ["src/*.ts"], rules: rulesFor(undefined, -1) },
  ...STAGES.flatMap((stage) =>
    Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => ({
      files: [`src/${stage}/${"*/".repeat(depth)}*.ts`],
      rules: rulesFor(stage, depth),
    })),
  ),
];

export default tseslint.config(
  // test/lint/fixtures hold deliberate violations, linted by test/lint/boundaries.test.ts only.
  { ignores: ["dist/", "reports/", "node_modules/", "coverage/", ".tmp/", "test/lint/fixtures/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    // One program for tsconfig.json rather than the project service: the same type information
    // for 18% less CPU here (20 vs 25 CPU-seconds), and a .ts file outside tsconfig.json is an error.
    languageOptions: { parserOptions: { project: "./tsconfig.json", tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  ...boundaries,
  noClocksInTests,
  { files: ["**/*.js"], languageOptions: { globals: { process: "readonly", console: "readonly" } } },
);
