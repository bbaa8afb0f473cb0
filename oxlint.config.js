// Lint (oxlint, its type-aware rules through oxlint-tsgolint on TypeScript 7's checker): the
// type-aware rule catches promises nobody awaits, which in a scanner means a bucket silently missing
// from the report. The rules are exactly those of ESLint's js recommended and typescript-eslint's
// recommended sets (which this project used before), plus the project's own below; no category is
// on, so nothing is linted that is not listed here.

// ---------------------------------------------------------------- architecture boundaries
// Which stage of src/ may import which (STYLE.md, "Boundaries that keep the tests honest").
// `no-restricted-imports` matches the import string, not the resolved file, so the rules are
// generated per folder *and depth*: from src/sandbox/s3/x.ts exactly two `../` reach src/, so
// `../../scan/…` is the scanner while `../policy/…` would be a sandbox folder of that name.
// Rule options do not merge across overrides, so every override carries all the rules for its
// files (the package rules, the stage rules, and "nothing outside src/"). oxlint's rule also checks
// `import()` expressions, which ESLint's did not: a dynamic import crosses a boundary as much.

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

// ---------------------------------------------------------------- the recommended sets
// ESLint's js recommended (eslint 9.39) and typescript-eslint's recommended (8.73), rule by rule,
// with their options where they differ from oxlint's defaults. Two of js recommended have no
// oxlint rule and need none: no-dupe-args and no-octal are syntax errors in a module (every file
// here is ESM, strict mode), which oxlint's parser reports.
const recommended = {
  "for-direction": "error",
  "no-async-promise-executor": "error",
  "no-case-declarations": "error",
  "no-compare-neg-zero": "error",
  "no-cond-assign": ["error", "except-parens"],
  "no-constant-binary-expression": "error",
  "no-constant-condition": ["error", { checkLoops: "allExceptWhileTrue" }],
  "no-control-regex": "error",
  "no-debugger": "error",
  "no-delete-var": "error",
  "no-dupe-else-if": "error",
  "no-duplicate-case": "error",
  "no-empty": ["error", { allowEmptyCatch: false }],
  "no-empty-character-class": "error",
  "no-empty-pattern": ["error", { allowObjectPatternsAsParameters: false }],
  "no-empty-static-block": "error",
  "no-ex-assign": "error",
  "no-extra-boolean-cast": "error",
  "no-fallthrough": ["error", { allowEmptyCase: false, reportUnusedFallthroughComment: false }],
  "no-global-assign": "error",
  "no-invalid-regexp": "error",
  "no-irregular-whitespace": ["error", { skipComments: false, skipJSXText: false, skipRegExps: false, skipStrings: true, skipTemplates: false }],
  "no-loss-of-precision": "error",
  "no-misleading-character-class": "error",
  "no-nonoctal-decimal-escape": "error",
  "no-prototype-builtins": "error",
  "no-regex-spaces": "error",
  "no-self-assign": ["error", { props: true }],
  "no-shadow-restricted-names": "error",
  "no-sparse-arrays": "error",
  "no-unexpected-multiline": "error",
  "no-unsafe-finally": "error",
  "no-unsafe-optional-chaining": ["error", { disallowArithmeticOperators: false }],
  "no-unused-labels": "error",
  "no-unused-private-class-members": "error",
  "no-useless-backreference": "error",
  "no-useless-catch": "error",
  "no-useless-escape": "error",
  "require-yield": "error",
  "use-isnan": ["error", { enforceForIndexOf: false, enforceForSwitchCase: true }],
  "valid-typeof": ["error", { requireStringLiterals: false }],
  "typescript/ban-ts-comment": "error",
  "no-array-constructor": "error",
  "typescript/no-duplicate-enum-values": "error",
  "typescript/no-empty-object-type": "error",
  "typescript/no-explicit-any": "error",
  "typescript/no-extra-non-null-assertion": "error",
  "typescript/no-misused-new": "error",
  "typescript/no-namespace": "error",
  "typescript/no-non-null-asserted-optional-chain": "error",
  "typescript/no-require-imports": "error",
  "typescript/no-this-alias": "error",
  "typescript/no-unnecessary-type-constraint": "error",
  "typescript/no-unsafe-declaration-merging": "error",
  "typescript/no-unsafe-function-type": "error",
  "no-unused-expressions": ["error", { allowShortCircuit: false, allowTaggedTemplates: false, allowTernary: false }],
  "no-unused-vars": "error",
  "typescript/no-wrapper-object-types": "error",
  "typescript/prefer-as-const": "error",
  "typescript/prefer-namespace-keyword": "error",
  "typescript/triple-slash-reference": "error",
};

/** What typescript-eslint's recommended turns off for TypeScript (the compiler checks it) but JavaScript keeps. */
const javascriptOnly = {
  files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
  globals: { process: "readonly", console: "readonly" },
  rules: {
    "constructor-super": "error",
    "getter-return": ["error", { allowImplicit: false }],
    "no-class-assign": "error",
    "no-const-assign": "error",
    "no-dupe-class-members": "error",
    "no-dupe-keys": "error",
    "no-func-assign": "error",
    "no-import-assign": "error",
    "no-new-native-nonconstructor": "error",
    "no-obj-calls": "error",
    "no-redeclare": ["error", { builtinGlobals: true }],
    "no-setter-return": "error",
    "no-this-before-super": "error",
    "no-undef": ["error", { typeof: false }],
    "no-unreachable": "error",
    "no-unsafe-negation": ["error", { enforceForOrderingRelations: false }],
    "no-with": "error",
  },
};

/** The report page's script runs in the browser (oxlint does not read its "global" comment). */
const browserScript = {
  files: ["templates/assets/*.js"],
  globals: { document: "readonly", location: "readonly", URLSearchParams: "readonly", window: "readonly" },
};

/** What typescript-eslint's recommended adds for TypeScript, and the project's TypeScript rules. */
const typescriptOnly = {
  files: ["**/*.ts", "**/*.mts", "**/*.cts"],
  rules: {
    "no-var": "error",
    "prefer-const": ["error", { destructuring: "any", ignoreReadBeforeAssign: false }],
    "prefer-rest-params": "error",
    "prefer-spread": "error",
    "typescript/no-floating-promises": "error",
    "typescript/consistent-type-imports": "error",
    "no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
  },
};

export default {
  // Type information comes from TypeScript 7 (oxlint-tsgolint) over tsconfig.json's program.
  options: { typeAware: true },
  plugins: ["typescript"],
  categories: { correctness: "off", suspicious: "off", pedantic: "off", perf: "off", style: "off", restriction: "off", nursery: "off" },
  // test/lint/fixtures hold deliberate violations, linted by test/lint/*.test.ts only.
  ignorePatterns: ["dist/", "reports/", "node_modules/", "coverage/", ".tmp/", "test/lint/fixtures/"],
  rules: recommended,
  overrides: [javascriptOnly, browserScript, typescriptOnly, ...boundaries, noClocksInTests],
};
