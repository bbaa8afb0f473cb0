/**
 * The direct message renderer (template-compile.ts) against Handlebars' own runtime: every
 * built-in template and a set of templates using every construct the renderer accepts, rendered
 * both ways over the reference documents, give the same sentence or the same error.
 */
import { readdirSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import Handlebars from "handlebars";
import { describe, expect, it, vi } from "vitest";
import type { BucketDocument } from "../../src/model/index.js";
import { BUILTIN_POLICY_DIR } from "../../src/policy/index.js";
import { compileMessages } from "../../src/policy/messages.js";
import { checkTemplate } from "../../src/policy/template-check.js";
import { compileTemplate } from "../../src/policy/template-compile.js";
import type { MessageTemplate, PolicyFile, PolicyMessages } from "../../src/policy/types.js";

const documents = (
  JSON.parse(gunzipSync(readFileSync(new URL("fixtures/evaluation-reference.json.gz", import.meta.url))).toString("utf8")) as { documents: BucketDocument[] }
).documents;
const STATUSES = ["pass", "fail", "not_applicable"] as const;

/** Contexts as evaluate.ts builds them: the bucket, and for `fail` each rule (or none) with evidence. */
function contexts(doc: BucketDocument, params: Record<string, unknown>, status: keyof PolicyMessages): object[] {
  const base = { bucket: doc, account: doc.account, params };
  if (status !== "fail") return [base];
  const rules = doc.replication?.rules ?? [];
  const evidence = [
    { pointer: "/versioning/status", actual: doc.versioning?.status ?? null, expected: 'must be "Enabled"' },
    { pointer: "", actual: null, expected: "must be present" },
  ];
  return [null, ...rules.map((_, i) => i)].map((ruleIndex) => {
    const rule = ruleIndex === null ? undefined : rules[ruleIndex];
    return { ...base, rule, ruleIndex, destination: rule?.destination, pointer: evidence[0]!.pointer, actual: evidence[0]!.actual, expected: evidence[0]!.expected, evidence };
  });
}

/** The sentence, or the error's message: both renderers must agree on either. */
const outcome = (template: MessageTemplate, context: object): string => {
  try {
    return `ok ${template(context)}`;
  } catch (error) {
    return `error ${(error as Error).message}`;
  }
};

function compare(messages: Partial<PolicyMessages>, params: Record<string, unknown>, info: { title: string; severity: string; parameters: string[] }, docs: BucketDocument[]): number {
  const at = { file: "test.json", policyId: "test" };
  const direct = compileMessages(messages, at, info);
  const reference = compileMessages(messages, at, info, "handlebars");
  // Collected, then compared once: an expect per render would cost more than the renders. Many
  // renders throw (a fail message over a bucket without rules); their stacks are not compared.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const got: string[] = [];
  const want: string[] = [];
  try {
    for (const status of STATUSES) {
      for (const doc of docs) {
        for (const context of contexts(doc, params, status)) {
          got.push(`${status} on ${doc.name}: ${outcome(direct[status], context)}`);
          want.push(`${status} on ${doc.name}: ${outcome(reference[status], context)}`);
        }
      }
    }
  } finally {
    Error.stackTraceLimit = limit;
  }
  expect(got).toEqual(want);
  return got.length;
}

/** Whether the direct renderer takes the template (rather than falling back to Handlebars). */
function rendersDirectly(source: string, status: keyof PolicyMessages, parameters: string[] = []): boolean {
  const ast = Handlebars.parseWithoutProcessing(source);
  checkTemplate(ast as never, { status, parameters });
  Handlebars.precompile(ast, { noEscape: true });
  return compileTemplate(ast as never) !== null;
}

describe("policy/template-compile", () => {
  const files = readdirSync(BUILTIN_POLICY_DIR).filter((name) => name.endsWith(".json"));

  it.each(files)("renders %s's messages as Handlebars does", (name) => {
    const policy = JSON.parse(readFileSync(`${BUILTIN_POLICY_DIR}/${name}`, "utf8")) as PolicyFile;
    const params = Object.fromEntries(Object.entries(policy.parameters ?? {}).map(([key, declaration]) => [key, declaration.default]));
    const info = { title: policy.title, severity: policy.severity, parameters: Object.keys(policy.parameters ?? {}) };
    expect(compare(policy.messages ?? {}, params, info, documents)).toBeGreaterThan(documents.length * 3);
    for (const status of STATUSES) expect(rendersDirectly(policy.messages?.[status] ?? "", status, info.parameters), status).toBe(true);
  });

  const EDGE_CASES: [string, string][] = [
    ["the default fail message (#each, @index, default, json)", ""],
    ["#each over an object with @key, @first, @last", "{{#each bucket.tags}}{{#if @first}}[{{/if}}{{@key}}={{this}}{{#if @last}}]{{else}}, {{/if}}{{else}}no tags{{/each}}"],
    ["#each over rules with an inner #each and @index", "{{#each bucket.replication.rules}}{{@index}}:{{id}}{{#each destination.unreadable}}/{{this}}{{/each}} {{/each}}"],
    ["#with and #unless", "{{#with bucket.replication}}{{#unless configured}}none{{else}}{{plural (count rules) \"rule\"}}{{/unless}}{{else}}unread{{/with}}"],
    ["numbers added, not joined, as Handlebars does", "{{count bucket.collected}}{{count bucket.errors}} facts"],
    ["a block yielding a number", "{{#if bucket.name}}{{count bucket.collected}}{{/if}}{{count bucket.errors}}"],
    ["a lone number, printed as text", "{{count bucket.collected}}"],
    ["lookup, or, and, ne, not and a comment", "{{!-- a comment --}}{{lookup bucket.tags \"team\"}} {{#if (or (ne bucket.region \"x\") (and 1 0))}}{{not bucket.name}}{{/if}}"],
    ["a missing field names itself", "{{destination.account}} {{rule.id}}"],
    ["standalone lines and whitespace control", "rule\n  {{#if rule}}\n    {{rule.id}}\n  {{~else~}}\n  none\n  {{/if}}\n{{json ruleIndex}}  ,end"],
    [
      "#if and #unless nested in place, beside lookups and inside #each",
      '{{lookup bucket.tags (default bucket.name "x")}}{{#if bucket.replication}}{{#unless bucket.replication.configured}}u{{else}}{{#if (eq bucket.region "us-east-1")}}east {{bucket.region}}{{else if bucket.versioning}}{{bucket.region}} {{bucket.versioning.status}}{{/if}}{{/unless}}{{/if}} ' +
        "{{#each bucket.collected}}{{#if @first}}{{this}}{{else}},{{#unless @last}}{{this}}{{else}}last{{/unless}}{{/if}}{{/each}} {{lookup bucket.tags \"team\"}}",
    ],
    // The top program is the renderer itself (template-codegen.ts): its own `data` frame, read here outside any block.
    ["@root at the top level and in #if, outside any block with a frame", "{{@root.bucket.name}}{{#if @root.bucket.region}} in {{@root.bucket.region}}{{/if}} {{#with bucket}}{{@root.bucket.name}}{{/with}}"],
    ["zero and empty lists are false", "{{#if (count bucket.errors)}}errors{{else}}no errors{{/if}} {{#if bucket.errors}}e{{else}}-{{/if}} {{#if 0}}zero{{/if}}"],
  ];
  it.each(EDGE_CASES)("renders %s as Handlebars does", (_, fail) => {
    const info = { title: "Edge", severity: "low", parameters: [] };
    // Templates naming the rule or evidence are fail messages only; the others serve for all three.
    const elsewhere = /rule|destination|evidence/.test(fail.replaceAll("bucket.replication.rules", "")) ? "n/a" : fail;
    const messages = fail === "" ? {} : { fail, pass: elsewhere, not_applicable: elsewhere };
    expect(compare(messages, {}, info, documents.slice(0, 40))).toBeGreaterThan(40);
    if (fail !== "") expect(rendersDirectly(fail, "fail")).toBe(true);
  });

  it("reads own properties only, as Handlebars' lookupProperty does, where the generated code writes a path out", () => {
    // Inherited names (Object.prototype's, Array.prototype's) read as missing; a string's own length does not.
    const source =
      "{{#if bucket.constructor}}inherited{{else}}own only{{/if}} {{#if bucket.name.length}}length{{/if}} " +
      "{{#with bucket.collected.map}}map{{else}}no map{{/with}} {{#if bucket.collected.length}}{{#each bucket.collected}}{{#if @root.bucket.hasOwnProperty}}x{{/if}}{{/each}}{{/if}}.";
    const ast = Handlebars.parseWithoutProcessing(source);
    Handlebars.precompile(ast, { noEscape: true });
    const direct = compileTemplate(ast as never);
    expect(direct).not.toBeNull();
    const reference = Handlebars.compile(source, { noEscape: true });
    for (const doc of documents.slice(0, 5)) {
      const context = { bucket: doc };
      expect(direct!(context)).toBe(reference(context));
      expect(direct!(context)).toMatch(/^own only length no map \.$/);
    }
  });

  it("reads a name found through any prototype as missing, Object.prototype's own included once it has it", () => {
    // The generated path step skips Object.hasOwn only for an object whose prototype is
    // Object.prototype and a name Object.prototype lacks at that render (template-codegen.ts).
    const source = "{{#if bucket.region}}{{bucket.region}}{{else}}no region{{/if}} {{#if bucket.name}}{{bucket.name}}{{else}}no name{{/if}}.";
    const ast = Handlebars.parseWithoutProcessing(source);
    checkTemplate(ast as never, { status: "pass", parameters: [] });
    Handlebars.precompile(ast, { noEscape: true });
    const direct = compileTemplate(ast as never)!;
    const reference = Handlebars.compile(source, { noEscape: true });
    class Bucket {
      get region(): string {
        return "from a getter of the class";
      }
    }
    const contexts = [
      { bucket: { name: "own", region: "us-east-1" } },
      { bucket: Object.create({ name: "inherited", region: "eu-west-1" }) as object },
      { bucket: Object.assign(Object.create(null) as object, { name: "no prototype" }) },
      { bucket: new Bucket() },
      { bucket: { name: "own" } },
    ];
    // Enough renders for V8 to optimise the renderer, whose code then assumes Object.prototype has no `region`.
    for (let i = 0; i < 20_000; i++) for (const context of contexts) direct(context);
    const prototype = Object.prototype as { region?: string };
    // Handlebars says on the console when it refuses an inherited property: expected here.
    const refusals = vi.spyOn(console, "error").mockImplementation(() => undefined);
    for (const polluted of [false, true]) {
      if (polluted) prototype.region = "from Object.prototype";
      try {
        for (const context of contexts) expect(direct(context), JSON.stringify(context)).toBe(reference(context));
      } finally {
        delete prototype.region;
      }
    }
    refusals.mockRestore();
    expect(contexts.map((context) => direct(context))).toEqual(["us-east-1 own.", "no region no name.", "no region no prototype.", "no region no name.", "no region own."]);
  });

  it("leaves what it does not know (block parameters, ../ paths) to Handlebars", () => {
    expect(rendersDirectly("{{#each bucket.replication.rules as |r|}}{{r.id}}{{/each}}", "pass")).toBe(false);
    expect(rendersDirectly("{{#each evidence}}{{../bucket.name}}{{/each}}", "fail")).toBe(false);
    const info = { title: "Edge", severity: "low", parameters: [] };
    expect(compare({ fail: "{{#each evidence}}{{../bucket.name}} {{pointer}}{{/each}}" }, {}, info, documents.slice(0, 5))).toBeGreaterThan(5);
  });
});
