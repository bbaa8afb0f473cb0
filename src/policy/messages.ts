/**
 * Result sentences. Policies are data, so each one carries Handlebars templates (text, never
 * HTML-escaped: reports escape for their own medium) rendered with the bucket's own facts.
 *
 * Context: `bucket` (the bucket document), `account` (bucket.account), `params` (effective
 * parameter values), `policy` (`id`, `title`, `severity`), and for failures
 * `rule`/`ruleIndex`/`destination` (the replication rule the failing pointers are inside, if any),
 * `pointer`/`actual`/`expected` (the first failing spot) and `evidence` (every failing spot in that
 * rule). Helpers: see template-helpers.ts. A template is checked when the policy loads
 * (template-check.ts); what only the data can tell (a field missing on one bucket) makes the
 * rendering throw a TemplateRenderError, which evaluate.ts turns into an `error` result.
 */
import Handlebars from "handlebars";
import { PolicyError } from "../errors.js";
import { checkTemplate, TemplateCheckError } from "./template-check.js";
import { renderedTidy } from "./template-codegen.js";
import { readsDocumentOnly, sharedTemplate } from "./template-shared.js";
import { tidy } from "./tidy.js";
import { registeredHelpers, TemplateRenderError, valueHelpers } from "./template-helpers.js";
import type { MessageTemplate, PolicyMessages } from "./types.js";

const handlebars = Handlebars.create();
handlebars.registerHelper(registeredHelpers());
handlebars.registerHelper(valueHelpers);

/**
 * Sentences for a policy that writes no `messages` (or leaves one out): the policy and its title,
 * the bucket, and for a failure each failing pointer with the value found there.
 */
export const DEFAULT_MESSAGES: PolicyMessages = {
  pass: "{{policy.id}} ({{policy.title}}): {{bucket.name}} passes",
  fail:
    "{{policy.id}} ({{policy.title}}): {{bucket.name}} fails at " +
    "{{#each evidence}}{{#if @index}}, {{/if}}{{default pointer \"the document root\"}} (actual {{json actual}}, {{expected}}){{/each}}",
  not_applicable: "{{policy.id}} ({{policy.title}}): does not apply to {{bucket.name}}",
};

const COMPILE_OPTIONS = { noEscape: true };

export interface MessageInfo {
  title: string;
  severity: string;
  /** Declared parameter names. */
  parameters: string[];
}

/**
 * Compiles a policy's three templates (the defaults for any it leaves out). A syntax error, an
 * unknown helper, a wrong arity or a field the context cannot have is a PolicyError at
 * `/messages/<status>`.
 */
export function compileMessages(
  messages: Partial<PolicyMessages> | undefined,
  at: { file: string; policyId: string },
  info: MessageInfo,
  /** `handlebars`: Handlebars' own runtime only (the reference the direct renderer is tested against). */
  engine: "direct" | "handlebars" = "direct",
): Record<keyof PolicyMessages, MessageTemplate> {
  const policy = { id: at.policyId, title: info.title, severity: info.severity };
  const compile = (status: keyof PolicyMessages): MessageTemplate => {
    const source = messages?.[status] ?? DEFAULT_MESSAGES[status];
    const pointer = `/messages/${status}`;
    let template: (context: object) => unknown;
    let documentOnly = false;
    // Set when the generated renderer can tell its sentence is tidy without a scan (template-tidy.ts).
    let tidied: (() => boolean) | undefined;
    try {
      const ast = handlebars.parseWithoutProcessing(source);
      checkTemplate(ast as never, { status, parameters: info.parameters });
      // compile() is lazy: precompile now so that anything the compiler refuses is found at load.
      handlebars.precompile(ast, COMPILE_OPTIONS);
      // The same tree, after the whitespace control precompile applied, rendered by closures when
      // every node is one the direct renderer knows (template-compile.ts); else by Handlebars.
      const direct = engine === "direct" ? sharedTemplate(ast as never) : null;
      documentOnly = direct !== null && readsDocumentOnly(ast as never);
      template = direct ?? handlebars.compile(ast, COMPILE_OPTIONS);
      tidied = direct === null ? undefined : renderedTidy(direct);
    } catch (error) {
      const detail = error instanceof TemplateCheckError ? error.message : `is not a valid template: ${firstLine(error)}`;
      throw new PolicyError(`${at.file}: ${pointer} ${detail}`, { ...at, pointer, cause: error });
    }
    const render = (full: object): string => {
      try {
        const sentence = template(full) as string;
        return tidied !== undefined && tidied() ? sentence : tidy(sentence);
      } catch (error) {
        // Handlebars' own errors (and a stack overflow on absurd data) read as template problems too.
        const detail = error instanceof TemplateRenderError ? error.message : firstLine(error);
        throw new TemplateRenderError(`its ${status} message (${pointer}) cannot be rendered: ${detail}`, { cause: error });
      }
    };
    const message: MessageTemplate = (context) => render({ ...context, policy });
    withPolicy.set(message, { policy, render, sameFor: documentOnly ? template : undefined });
    return message;
  };
  return { pass: compile("pass"), fail: compile("fail"), not_applicable: compile("not_applicable") };
}

/**
 * A template's renderer for a context that already ends with the template's `policy` (the object
 * `policyOf` gives), as `{ ...context, policy }` would: evaluate.ts builds each context once in
 * that shape instead of having every result copy it.
 */
export interface DirectRenderer {
  policy: object;
  render: (full: object) => string;
  /**
   * Set when the sentence depends on nothing but the context's `bucket` and `account`: the shared
   * renderer (template-shared.ts), equal for every template that renders the same sentence from the
   * same document, so a caller may render it once a document and reuse it.
   */
  sameFor: object | undefined;
}

const withPolicy = new WeakMap<MessageTemplate, DirectRenderer>();

export function renderWithPolicy(template: MessageTemplate): DirectRenderer | undefined {
  return withPolicy.get(template);
}

const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";

