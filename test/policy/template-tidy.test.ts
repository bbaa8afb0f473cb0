/**
 * A sentence is known tidy without scanning it when the template's text is tidy around any
 * printed value and every value printed was clean (template-tidy.ts). The sentences must be
 * exactly those tidy() gives: compared with Handlebars' runtime, whose sentences are always tidied.
 */
import fc from "fast-check";
import Handlebars from "handlebars";
import { describe, expect, it, vi } from "vitest";
import { compileMessages } from "../../src/policy/messages.js";
import { checkTemplate } from "../../src/policy/template-check.js";
import { generateTemplate, renderedTidy } from "../../src/policy/template-codegen.js";
import { cleanValue, tidyAroundValues } from "../../src/policy/template-tidy.js";
import { untidy } from "../../src/policy/tidy.js";

const tree = (source: string) => {
  const ast = Handlebars.parseWithoutProcessing(source);
  checkTemplate(ast as never, { status: "fail", parameters: [] });
  Handlebars.precompile(ast, { noEscape: true });
  return ast as never;
};

/** Values that are clean and values that are not, in every place a sentence can go wrong. */
const VALUES = ["prod-logs", "a b", "a  b", " lead", "trail ", "", ",x", ".x", ":x", ";x", "x,", "tab\there", "nb\u00a0sp", "line\nbreak", "x .y"];

const TEMPLATES = [
  "rule `{{rule.id}}` replicates to {{destination.bucket}}",
  "{{rule.id}} {{destination.bucket}}",
  "{{rule.id}}{{destination.bucket}}, done",
  "{{#if rule.enabled}}{{rule.id}} is on{{else}} {{rule.id}} is off {{/if}}",
  "{{#if rule.enabled}}enabled {{/if}}{{rule.id}}",
  "to {{#unless rule.enabled}} {{/unless}}{{destination.bucket}}.",
  "{{default rule.prefix \"none\"}} and {{join rule.tags}}",
];

describe("policy/template-tidy", () => {
  it("finds the text tidy around values only when every way through the blocks is", () => {
    expect(tidyAroundValues(tree(TEMPLATES[0]!))).toBe(true);
    expect(tidyAroundValues(tree(TEMPLATES[1]!))).toBe(true);
    // " {{rule.id}} is off " starts and ends with a space; "enabled " then a value is tidy.
    expect(tidyAroundValues(tree(TEMPLATES[3]!))).toBe(false);
    expect(tidyAroundValues(tree(TEMPLATES[4]!))).toBe(true);
    // With the block empty, "to " meets " ": two spaces.
    expect(tidyAroundValues(tree(TEMPLATES[5]!))).toBe(false);
    expect(tidyAroundValues(tree("{{#each rule.tags}}{{this}}{{/each}}"))).toBe(false);
  });

  it("calls a value clean only when no sentence can go wrong around it", () => {
    expect(VALUES.filter(cleanValue)).toEqual(["prod-logs", "a b", "x,"]);
    expect([cleanValue(0), cleanValue(-1.5), cleanValue(true), cleanValue(null), cleanValue({})]).toEqual([true, true, true, false, false]);
  });

  it("answers as a fresh scan would, whatever came before: the remembered clean string changes no answer", async () => {
    const fresh = (value: string): boolean => value.length > 0 && !",.;:".includes(value[0]!) && !untidy(value);
    // A fresh module, nothing remembered yet: the empty string is still not clean.
    vi.resetModules();
    const module = await import("../../src/policy/template-tidy.js");
    expect(module.cleanValue("")).toBe(false);
    fc.assert(
      fc.property(fc.array(fc.constantFrom("", " ", "a", "a b", "a  b", " a", "a ", ",a", "a,", "a\n", "prod-logs"), { maxLength: 20 }), (values) => {
        for (const value of values) expect(cleanValue(value), JSON.stringify(value)).toBe(fresh(value));
      }),
    );
  });

  it("answers as the definition for many distinct strings and for long ones, in one pass", () => {
    const fresh = (value: string): boolean => value.length > 0 && !",.;:".includes(value[0]!) && !untidy(value);
    const values = ["prod-logs", "a b", "a  b", " a", "x,", ",x", "tab\there"];
    for (const value of values) expect(cleanValue(value)).toBe(fresh(value));
    for (let i = 0; i < 10_050; i++) expect(cleanValue(`bucket-${i}`)).toBe(true);
    // Long words and many spaces: no backtracking to blow up (each \S run ends where a space begins).
    expect(cleanValue("x".repeat(600_000))).toBe(true);
    expect(cleanValue(`${"y".repeat(600_000)}  z`)).toBe(false);
    expect(cleanValue("a ".repeat(300_000) + "b")).toBe(true);
    expect(cleanValue("a ".repeat(300_000))).toBe(false);
    for (const value of values) expect(cleanValue(value), JSON.stringify(value)).toBe(fresh(value));
    // Equal text, another string.
    expect(cleanValue(["prod", "logs"].join("-"))).toBe(true);
    expect(cleanValue(["a", "", "b"].join(" "))).toBe(false);
  });

  it("scans a string as untidy's regular expression does, for any whitespace and punctuation anywhere", () => {
    const fresh = (value: string): boolean => value.length > 0 && !",.;:".includes(value[0]!) && !untidy(value);
    const pieces = ["a", "Z", "1", "-", "/", " ", "  ", "\t", "\n", "\u00a0", "\u2028", "\ufeff", "\u0085", "\u00e9", ",", ".", ";", ":", "`"];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 8 }), (parts) => {
        const value = parts.join("");
        expect(cleanValue(value), JSON.stringify(value)).toBe(fresh(value));
      }),
      { numRuns: 2000 },
    );
  });

  it("tells after each render whether that sentence was tidy", () => {
    const render = generateTemplate(tree(TEMPLATES[0]!));
    const tidied = renderedTidy(render)!;
    expect(render({ rule: { id: "r1" }, destination: { bucket: "vault" } })).toBe("rule `r1` replicates to vault");
    expect(tidied()).toBe(true);
    render({ rule: { id: "r 1 " }, destination: { bucket: "vault" } });
    expect(tidied()).toBe(false);
    expect(renderedTidy(generateTemplate(tree(TEMPLATES[3]!)))).toBeUndefined();
  });

  it("gives the sentences Handlebars and tidy give, for every value in every place", () => {
    const at = { file: "t.json", policyId: "t" };
    const info = { title: "T", severity: "low", parameters: [] };
    const got: string[] = [];
    const want: string[] = [];
    for (const fail of TEMPLATES) {
      const direct = compileMessages({ fail }, at, info).fail;
      const reference = compileMessages({ fail }, at, info, "handlebars").fail;
      for (const id of VALUES) {
        for (const bucket of VALUES) {
          const context = { bucket: {}, account: {}, params: {}, rule: { id, enabled: bucket.length % 2 === 0, prefix: id, tags: [id, bucket] }, destination: { bucket } };
          const outcome = (template: typeof direct): string => {
            try {
              return template(context);
            } catch (error) {
              return `error ${(error as Error).message}`;
            }
          };
          got.push(outcome(direct));
          want.push(outcome(reference));
        }
      }
    }
    expect(got).toEqual(want);
    expect(got.filter((sentence) => sentence.includes("  ")).length).toBe(0);
  });
});
