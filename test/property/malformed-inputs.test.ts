/**
 * Property: every malformed input file — config, policy, scenario, snapshot — ends the run with
 * exit 2 and exactly one line on stderr naming the file: never a stack trace, never exit 4, never a
 * report in the --out folder. Inputs are mutations of a valid file (wrong types, missing and extra
 * fields, truncation, invalid JSON, huge numbers, deep nesting, odd unicode), generated with a
 * fixed seed so a failure replays. Every kind of mutation is tried the same number of times
 * (REPLGUARD_PROPERTY_RUNS, 3 by default; .ci/run asks for 8, the ~60 per file type this file once
 * drew from all kinds at random): none depends on the seed to be drawn at all. Runs `main(argv)`
 * in-process (fast); the CLI tests cover the executable itself.
 */
import { mkdtemp, readFile, readdir, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { validateScenario } from "../../src/sandbox/index.js";
import { runMain } from "../support/cli.js";
import { cleanScenario } from "../support/scenarios/clean.js";
import { buildSnapshot } from "../support/report-fixture.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const SEED = Number(process.env.REPLGUARD_PROPERTY_SEED ?? 20261129);
/** Runs per kind of mutation (and per file type). */
const RUNS = Number(process.env.REPLGUARD_PROPERTY_RUNS ?? 3);

let dir: string;
let counter = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "replguard-property-"));
});

/** A mutation turns a valid document into the text of an invalid file. */
type Mutation = { name: string; apply: (doc: Json) => string };

const clone = (doc: Json): Json => structuredClone(doc);

function at(doc: Json, pointer: string): { parent: Record<string, Json> | Json[]; key: string } {
  const parts = pointer.split("/").slice(1);
  let parent = doc as Record<string, Json>;
  for (const part of parts.slice(0, -1)) parent = parent[part] as Record<string, Json>;
  return { parent, key: parts[parts.length - 1]! };
}

const typeOf = (value: Json): string => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value);

/** Values of every JSON type, to pick one whose type differs from the original. */
const anyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.string(),
  fc.array(fc.string(), { minLength: 1, maxLength: 3 }),
  fc.dictionary(fc.string({ minLength: 1 }), fc.string(), { minKeys: 1, maxKeys: 3 }),
);

const oddUnicode = fc.constantFrom("\u0000", "\ud800", "\u202eevil", "\u001b[2J", "\ufeff", "𝔘𝔫𝔦", "e\u0301", "\u2028", "");

interface Kind {
  name: string;
  base: Json;
  /** Pointers whose value's type is fixed by the schema (one JSON type only). */
  typed: string[];
  /** String pointers restricted by a pattern, enum or const. */
  constrained: string[];
  /** Top-level keys the schema requires. */
  required: string[];
  /** Runs the command on `file`, writing any report to `out`. */
  argv: (file: string, out: string) => string[];
  /** Where the file must be written (a policy's file name is its id). */
  fileName: (index: number) => string;
}

function missingField(kind: Kind): fc.Arbitrary<Mutation> {
  return fc.constantFrom(...kind.required).map((key) => ({
    name: `missing ${key}`,
    apply: (doc: Json) => {
      const copy = clone(doc) as Record<string, Json>;
      delete copy[key];
      return JSON.stringify(copy);
    },
  }));
}

/** One generator per kind of mutation, each tried RUNS times. */
function mutations(kind: Kind): fc.Arbitrary<Mutation>[] {
  const text = (doc: Json): string => JSON.stringify(doc);
  const baseText = text(kind.base);
  const pointer = fc.constantFrom(...kind.typed);
  return [
    fc.tuple(pointer, anyValue).filter(([p, value]) => typeOf(value) !== typeOf(at(kind.base, p).parent[at(kind.base, p).key as never] as Json)).map(([p, value]) => ({
      name: `wrong type at ${p}: ${JSON.stringify(value)}`,
      apply: (doc: Json) => {
        const copy = clone(doc);
        const { parent, key } = at(copy, p);
        (parent as Record<string, Json>)[key] = value;
        return text(copy);
      },
    })),
    ...(kind.required.length === 0 ? [] : [missingField(kind)]),
    fc.string({ minLength: 1, maxLength: 12 }).filter((key) => !(key in (kind.base as object))).map((key) => ({
      name: `extra field ${JSON.stringify(key)}`,
      apply: (doc: Json) => text({ ...(doc as Record<string, Json>), [key]: 1 }),
    })),
    fc.integer({ min: 0, max: baseText.length - 1 }).map((length) => ({ name: `truncated to ${length} characters`, apply: () => baseText.slice(0, length) })),
    fc.constantFrom(",", "]", "}", "'x'", "x", "\u0000", "{").map((garbage) => ({
      name: `invalid JSON: ${JSON.stringify(garbage)} after the opening brace`,
      apply: () => `{${garbage}${baseText.slice(1)}`,
    })),
    fc.tuple(pointer.filter((p) => typeOf(at(kind.base, p).parent[at(kind.base, p).key as never] as Json) !== "number"), fc.constantFrom("1e400", "-1e400", "123456789012345678901234567890")).map(([p, number]) => ({
      name: `huge number ${number} at ${p}`,
      apply: (doc: Json) => {
        const copy = clone(doc);
        const { parent, key } = at(copy, p);
        (parent as Record<string, Json>)[key] = "__HUGE__";
        return text(copy).replace('"__HUGE__"', number);
      },
    })),
    fc.tuple(pointer, fc.integer({ min: 2, max: 5000 })).map(([p, depth]) => ({
      name: `nested ${depth} levels deep at ${p}`,
      apply: (doc: Json) => {
        const copy = clone(doc);
        const { parent, key } = at(copy, p);
        (parent as Record<string, Json>)[key] = "__DEEP__";
        return text(copy).replace('"__DEEP__"', `${"[".repeat(depth)}${"]".repeat(depth)}`);
      },
    })),
    fc.tuple(fc.constantFrom(...kind.constrained), oddUnicode).map(([p, odd]) => ({
      name: `odd unicode ${JSON.stringify(odd)} at ${p}`,
      apply: (doc: Json) => {
        const copy = clone(doc);
        const { parent, key } = at(copy, p);
        (parent as Record<string, Json>)[key] = odd === "" ? "" : `${String(parent[key as never])}${odd}`;
        return text(copy);
      },
    })),
  ];
}

async function reportFiles(out: string): Promise<string[]> {
  return (await readdir(out).catch(() => [] as string[])).filter((f) => !f.startsWith("."));
}

/** Checks every generator RUNS times; returns the mutations tried (their names). */
async function checkKind(kind: Kind, generators: fc.Arbitrary<Mutation>[] = mutations(kind)): Promise<string[]> {
  const tried: string[] = [];
  for (const generator of generators) await checkMutations(kind, generator, tried);
  return tried;
}

async function checkMutations(kind: Kind, generator: fc.Arbitrary<Mutation>, tried: string[]): Promise<void> {
  await fc.assert(
    fc.asyncProperty(generator, async (mutation) => {
      tried.push(mutation.name);
      const n = counter++;
      const folder = join(dir, `${kind.name}-${n}`);
      await mkdir(folder, { recursive: true });
      const file = join(folder, kind.fileName(n));
      await writeFile(file, mutation.apply(kind.base));
      const out = join(folder, "out");
      const run = await runMain(kind.argv(file, out));
      const lines = run.stderr.trimEnd().split("\n");
      const ok = run.code === 2 && lines.length === 1 && lines[0]!.includes(file) && !/\n\s+at /.test(run.stderr);
      if (!ok) throw new Error(`${mutation.name}: exit ${run.code}, stderr ${JSON.stringify(run.stderr.slice(0, 400))}`);
      expect(await reportFiles(out)).toEqual([]);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
}

const snapshotKind = (): Kind => ({
  name: "snapshot",
  base: buildSnapshot() as unknown as Json,
  typed: ["/kind", "/schemaVersion", "/tool", "/scan", "/configHash", "/failOn", "/policies", "/coverage", "/accounts", "/buckets", "/results", "/expiredSuppressions", "/results/0/status", "/accounts/0/id", "/scan/startedAt"],
  constrained: ["/kind", "/failOn", "/results/0/status", "/results/0/severity", "/accounts/0/id"],
  required: ["kind", "schemaVersion", "tool", "scan", "failOn", "policies", "coverage", "accounts", "buckets", "results"],
  argv: (file, out) => ["report", file, "--out", out],
  fileName: () => "snapshot.json",
});

const configKind = (): Kind => ({
  name: "config",
  base: {
    roleName: "OrganizationAccountAccessRole",
    externalId: "replguard-audit",
    region: "eu-west-1",
    failOn: "high",
    formats: ["json"],
    accounts: ["111111111111"],
    concurrency: { accounts: 2, requests: 4 },
    suppressions: [{ policyId: "replication-configured", resource: "arn:aws:s3:::dev-*", reason: "scratch data", expires: "2999-12-31" }],
  },
  typed: ["/roleName", "/externalId", "/region", "/failOn", "/formats", "/accounts", "/concurrency", "/suppressions", "/concurrency/accounts", "/suppressions/0/reason"],
  constrained: ["/roleName", "/region", "/failOn", "/accounts/0"],
  required: [],
  argv: (file, out) => ["audit", "--sandbox", "demo", "--config", file, "--out", out, "--quiet"],
  fileName: () => "replguard.json",
});

const scenarioKind = (): Kind => ({
  name: "scenario",
  base: cleanScenario() as unknown as Json,
  typed: [
    "/organization",
    "/accounts",
    "/auditRole",
    "/organization/id",
    "/organization/managementAccountId",
    "/accounts/0/id",
    "/accounts/0/name",
    "/accounts/0/buckets",
    "/accounts/1/buckets/0/name",
    "/accounts/1/buckets/0/region",
  ],
  constrained: ["/organization/id", "/organization/managementAccountId", "/accounts/0/id", "/accounts/1/buckets/0/name", "/accounts/1/buckets/0/region"],
  required: ["organization", "accounts"],
  argv: (file, out) => ["audit", "--sandbox", file, "--out", out, "--quiet"],
  fileName: () => "scenario.json",
});

const POLICY_FILE = new URL("../../policies/replication-configured.json", import.meta.url);
const POLICY_SCHEMA = new URL("../../schemas/policy.schema.json", import.meta.url);

const policyKind = async (): Promise<Kind> => {
  const { $schema: _schema, ...base } = JSON.parse(await readFile(POLICY_FILE, "utf8")) as Record<string, Json>;
  return {
    name: "policy",
    base,
    typed: ["/id", "/title", "/severity", "/description", "/rationale", "/remediation", "/remediation/guidance", "/messages", "/messages/pass", "/frameworks", "/links"],
    constrained: ["/id", "/severity"],
    // From the schema: rationale, remediation and messages became optional (a minimal custom policy).
    required: (JSON.parse(await readFile(POLICY_SCHEMA, "utf8")) as { required: string[] }).required,
    argv: (file) => ["policies", "validate", dirname(file)],
    fileName: () => "replication-configured.json",
  };
};

describe("property/the unmutated files are valid (so every mutation is what makes a file bad)", () => {
  it("snapshot: re-renders with exit 0", async () => {
    const file = join(dir, "valid-snapshot.json");
    await writeFile(file, JSON.stringify(snapshotKind().base));
    const run = await runMain(["report", file, "--format", "csv", "--out", join(dir, "valid-snapshot-out")]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  it("scenario: starts a sandbox", async () => {
    const file = join(dir, "valid-scenario.json");
    await writeFile(file, JSON.stringify(scenarioKind().base));
    await expect(validateScenario(scenarioKind().base, file)).resolves.toBeDefined();
  });

  it("policy: validates", async () => {
    const folder = join(dir, "valid-policy");
    await mkdir(folder);
    await writeFile(join(folder, "replication-configured.json"), JSON.stringify((await policyKind()).base));
    const run = await runMain(["policies", "validate", folder]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  it("config: loads", async () => {
    const file = join(dir, "valid-config.json");
    await writeFile(file, JSON.stringify(configKind().base));
    await expect(loadConfig(file)).resolves.toMatchObject({ failOn: "high" });
  });
});

/** The kinds of mutation by the first word of their names, each tried RUNS times (shrinking may add more). */
const EVERY_KIND = ["extra", "huge", "invalid", "missing", "nested", "odd", "truncated", "wrong"];
function expectEveryKind(tried: string[], kinds: string[] = EVERY_KIND): void {
  const counts = new Map<string, number>();
  for (const name of tried) counts.set(name.split(" ")[0]!, (counts.get(name.split(" ")[0]!) ?? 0) + 1);
  expect([...counts.keys()].sort()).toEqual(kinds);
  for (const [kind, count] of counts) expect(count, kind).toBeGreaterThanOrEqual(RUNS);
}

describe("property/malformed inputs end in exit 2 with one line naming the file", () => {
  it("snapshots (replguard report)", async () => expectEveryKind(await checkKind(snapshotKind())), 120_000);
  // A config file requires no field: there is nothing to leave out.
  it("config files (replguard audit --config)", async () => expectEveryKind(await checkKind(configKind()), EVERY_KIND.filter((k) => k !== "missing")), 120_000);
  it("sandbox scenarios (replguard audit --sandbox FILE)", async () => expectEveryKind(await checkKind(scenarioKind())), 120_000);
  it("policy files (replguard policies validate DIR)", async () => expectEveryKind(await checkKind(await policyKind())), 120_000);

  // Issue 10 point 9: such a schema once overflowed the stack while compiling (exit 4); the loader
  // now refuses nesting past its documented depth before anything recurses over it.
  it("policy files with a schema nested thousands of levels deep", async () => {
    const kind = await policyKind();
    const deepSchema = (key: "check" | "appliesTo"): fc.Arbitrary<Mutation> =>
      fc.integer({ min: 2000, max: 6000 }).map((depth) => ({
        name: `${key} nested ${depth} levels deep`,
        apply: (doc: Json) => JSON.stringify({ ...(doc as Record<string, Json>), [key]: "__DEEP__" }).replace('"__DEEP__"', `${'{"not":'.repeat(depth)}{}${"}".repeat(depth)}`),
      }));
    expectEveryKind(await checkKind(kind, [deepSchema("check"), deepSchema("appliesTo")]), ["appliesTo", "check"]);
  }, 120_000);
});
