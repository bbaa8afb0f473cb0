/**
 * Message templates: what can be known from the policy file is refused when it loads (exit 2, one
 * line naming the file and `/messages/<status>`); what only one bucket's data can tell is an
 * `error` result on that policy and bucket, naming the template's problem, and the rest goes on.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BucketDocument } from "../../src/model/index.js";
import { evaluateBucket, loadPolicies } from "../../src/policy/index.js";
import { registeredHelpers, TemplateRenderError } from "../../src/policy/template-helpers.js";
import { expectRefusal, fixtureDocument, minimalPolicy, policyDir, runMain } from "../support/policy.js";
import { readSnapshot } from "../../src/report/index.js";

const messages = (overrides: Record<string, string>): Record<string, string> => ({
  pass: "{{bucket.name}} is versioned",
  fail: "{{bucket.name}} is not versioned",
  not_applicable: "n/a",
  ...overrides,
});

describe("policy/messages refused at load", () => {
  it.each([
    ["a misspelt helper", { fail: '{{plurl 2 "rule"}} fail' }, "fail", '{{plurl}} is not a helper'],
    ["a misspelt helper in a sub-expression", { pass: "{{#if (eqq bucket.name 1)}}x{{/if}}" }, "pass", "{{eqq}} is not a helper"],
    ["join without arguments", { fail: "rules: {{join}}" }, "fail", "{{join list separator?}} takes 1 or 2 arguments, got 0"],
    ["plural with one argument", { pass: "{{plural 2}}" }, "pass", 'takes 2 arguments, got 1'],
    ["eq with three arguments", { pass: "{{#if (eq 1 2 3)}}x{{/if}}" }, "pass", "{{eq a b}} takes 2 arguments, got 3"],
    ["#each without a list", { fail: "{{#each}}x{{/each}}" }, "fail", "takes 1 argument, got 0"],
    ["a value helper used as a block", { fail: "{{#eq bucket.name 1}}x{{/eq}}" }, "fail", "{{#eq}} is not a block helper"],
    ["a block helper used inline", { fail: "{{if bucket.name}}" }, "fail", "{{if}} is a block helper"],
    ["a hash argument", { fail: '{{join bucket.replicatedFrom sep=", "}}' }, "fail", "takes no key=value arguments"],
    ["a partial", { fail: "{{> header}}" }, "fail", "partials"],
    ["log", { fail: "{{log bucket.name}}" }, "fail", "{{log}} is not a helper"],
    ["a misspelt bucket field", { fail: "{{bucket.nmae}}" }, "fail", '{{bucket.nmae}}: bucket has no field "nmae"'],
    ["a field below a string", { fail: "{{bucket.name.first}}" }, "fail", 'bucket.name has no field "first"'],
    ["a misspelt rule field", { fail: "{{rule.destination.bukcet}}" }, "fail", 'rule.destination has no field "bukcet"'],
    ["an unknown root", { fail: "{{bucktet.name}}" }, "fail", 'the message has no field "bucktet"'],
    ["the rule outside the fail message", { pass: "{{rule.id}} ok" }, "pass", "rule is only set in the fail message"],
    ["an undeclared parameter", { fail: "{{join params.allowed}}" }, "fail", 'declares no parameter "allowed"'],
    ["a field of an evidence item that does not exist", { fail: "{{#each evidence}}{{pointr}}{{/each}}" }, "fail", 'no field "pointr"'],
  ])("refuses %s", async (_what, overrides, status, words) => {
    const dir = policyDir({ "bad-message.json": minimalPolicy("bad-message", { messages: messages(overrides) }) });
    const run = await runMain(["policies", "validate", dir]);
    expectRefusal(run, join(dir, "bad-message.json"), `/messages/${status}`);
    expect(run.stderr).toContain(words);
  });

  it("accepts every helper with its arity, block parameters, @root, ../ and tags by key", async () => {
    const fail = [
      "{{#each bucket.replication.rules as |r i|}}{{r.id}} {{i}} {{@index}} {{../bucket.name}} {{@root.bucket.name}}{{/each}}",
      "{{#with destination}}{{bucket}}{{/with}} {{#each rule.tags}}{{@key}}={{this}}{{/each}} {{bucket.tags.team}}",
      '{{join evidence ", "}} {{json actual}} {{plural (count evidence) "spot"}} {{default destination.account "unknown"}}',
      '{{#unless (or (and true false) (not (ne 1 2)))}}x{{else if (eq 1 1)}}y{{/unless}} {{lookup bucket.tags "team"}} {{bucket.replication.rules.length}}',
    ].join(" ");
    const dir = policyDir({ "all-helpers.json": minimalPolicy("all-helpers", { messages: messages({ fail }) }) });
    const run = await runMain(["policies", "validate", dir]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });
});

describe("policy/messages at run time", () => {
  const suspended = fixtureDocument("source-versioning-enabled/fail-suspended");
  const unencrypted: BucketDocument = { ...suspended, name: "other-data", arn: "arn:aws:s3:::other-data", encryption: null };

  async function evaluate(fail: string, doc: BucketDocument) {
    const dir = policyDir({ "runtime.json": minimalPolicy("runtime", { messages: messages({ fail }) }) });
    const set = await loadPolicies({ dirs: [dir] });
    const results = evaluateBucket(set, doc);
    return { results, own: results.find((r) => r.policyId === "runtime")!, count: set.policies.length };
  }

  it("renders the fail message where the data has the field", async () => {
    const { own } = await evaluate("{{bucket.name}} is {{bucket.versioning.status}} and encrypts with {{bucket.encryption.algorithm}}", suspended);
    expect(own).toMatchObject({ status: "fail", message: "prod-data is Suspended and encrypts with AES256" });
  });

  it("makes a field missing on one bucket an error naming the template and the field; the other policies are unaffected", async () => {
    const { results, own, count } = await evaluate("{{bucket.name}} encrypts with {{bucket.encryption.algorithm}}", unencrypted);
    expect(own.status).toBe("error");
    expect(own.message).toBe(
      "policy runtime could not be evaluated on other-data: its fail message (/messages/fail) cannot be rendered: it prints {{bucket.encryption.algorithm}}, which is null here",
    );
    expect(results).toHaveLength(count);
    expect(results.find((r) => r.policyId === "source-versioning-enabled")?.status).toBe("fail");
  });

  it("makes the rule of a failure that is not inside a rule an error, not an empty sentence", async () => {
    const { own } = await evaluate("rule `{{rule.id}}` is the problem", suspended);
    expect(own.status).toBe("error");
    expect(own.message).toContain("it prints {{rule.id}}, which is missing here");
    expect(own.message).not.toContain("[object Object]");
  });

  it("refuses to pass a missing field to a printing helper", async () => {
    const { own } = await evaluate("tags {{join rule.tags}}", suspended);
    expect(own.status).toBe("error");
    expect(own.message).toContain("it passes rule.tags to {{join}}, and it is missing here");
  });

  it("refuses to print an object", async () => {
    const { own } = await evaluate("{{bucket.versioning}}", suspended);
    expect(own.status).toBe("error");
    expect(own.message).toContain("it prints {{bucket.versioning}}, which is an object; use {{join bucket.versioning}} or {{json bucket.versioning}}");
  });
});

describe("audit with a message template that throws on some buckets", () => {
  it("gives error on those buckets only, names the template problem, and finishes the run", async () => {
    const policy = {
      id: "rules-on",
      title: "Versioned buckets keep their rules enabled",
      severity: "high",
      description: "Versioning is Enabled and every replication rule is enabled.",
      appliesTo: true,
      check: {
        properties: {
          versioning: { properties: { status: { const: "Enabled" } } },
          replication: { properties: { rules: { items: { properties: { enabled: { const: true } } } } } },
        },
      },
      // Right for a disabled rule; a failure of versioning alone is not inside a rule.
      messages: { fail: "rule `{{rule.id}}` of {{bucket.name}} is disabled" },
    };
    const dir = policyDir({ "rules-on.json": policy });
    const out = join(policyDir({}), "reports");
    const run = await runMain(["audit", "--sandbox", "demo", "--policies", dir, "--format", "json", "--out", out, "--quiet"]);
    expect(run.stderr).not.toContain("unexpected");
    const snapshot = await readSnapshot(join(out, "snapshot.json"));
    const mine = (bucket: string) => snapshot.results.find((r) => r.policyId === "rules-on" && r.bucket === bucket);
    expect(mine("analytics-paused")).toMatchObject({ status: "fail", message: "rule `paused-rule` of analytics-paused is disabled" });
    expect(mine("payments-tmp")).toMatchObject({
      status: "error",
      message:
        "policy rules-on could not be evaluated on payments-tmp: its fail message (/messages/fail) cannot be rendered: it prints {{rule.id}}, which is missing here (no such field on this bucket or rule)",
    });
    expect(snapshot.results.find((r) => r.policyId === "source-versioning-enabled" && r.bucket === "payments-tmp")?.status).toBe("fail");
    expect(snapshot.results).toHaveLength(snapshot.buckets.length * snapshot.policies.length);
  });
});

describe("policy/template helpers at run time", () => {
  const options = { name: "join", hash: {}, data: {}, fn: () => "", inverse: () => "" };

  it.each([
    ["join", [], "{{join list separator?}} takes 1 or 2 arguments, got 0"],
    ["plural", [2], '{{plural n "word"}} takes 2 arguments, got 1'],
    ["eq", [1, 2, 3], "{{eq a b}} takes 2 arguments, got 3"],
    ["and", [true], "{{and a b …}} takes at least 2 arguments, got 1"],
  ])("%s with the wrong arity throws a clear error, not Handlebars internals", (name, args, message) => {
    const helper = registeredHelpers()[name]!;
    expect(() => helper(...args, options)).toThrow(new TemplateRenderError(message));
  });

  it("never sees Handlebars' options object as an argument", () => {
    expect(registeredHelpers()["join"]!(["a", "b"], options)).toBe("a, b");
    expect(registeredHelpers()["and"]!(true, true, true, options)).toBe(true);
    expect(registeredHelpers()["or"]!(false, false, options)).toBe(false);
  });
});

describe("policy/messages helper results", () => {
  it("makes a helper result that is missing an error too, naming the call", async () => {
    const doc = { ...fixtureDocument("source-versioning-enabled/fail-suspended"), tags: { team: "data" }, collected: ["versioning", "replication", "encryption", "tags"] as BucketDocument["collected"] };
    const dir = policyDir({ "lookups.json": minimalPolicy("lookups", { messages: messages({ fail: '{{lookup bucket.tags "team"}} / {{lookup bucket.tags "owner"}}' }) }) });
    const set = await loadPolicies({ dirs: [dir] });
    const own = evaluateBucket(set, doc).find((r) => r.policyId === "lookups")!;
    expect(own.status).toBe("error");
    expect(own.message).toContain('it prints {{lookup bucket.tags "owner"}}, which is missing here');
    const ok = policyDir({ "lookups.json": minimalPolicy("lookups", { messages: messages({ fail: '{{lookup bucket.tags "team"}} owns {{bucket.name}}, {{plural (count bucket.tags) "tag"}}' }) }) });
    const fine = evaluateBucket(await loadPolicies({ dirs: [ok] }), doc).find((r) => r.policyId === "lookups")!;
    expect(fine).toMatchObject({ status: "fail", message: "data owns prod-data, 1 tag" });
  });
});
