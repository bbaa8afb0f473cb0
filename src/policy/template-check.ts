/**
 * The load-time check of a message template, over its Handlebars syntax tree, and the rewrite
 * that makes the rest fail loudly at run time.
 *
 * Refused at load (the policy file and `/messages/<status>` are named, exit 2):
 *   - a helper that does not exist (`{{plurl 2 "rule"}}`), partials, decorators, hash arguments;
 *   - a helper with the wrong number of arguments (`{{join}}`), or a block helper used inline;
 *   - a field the context cannot have: a root other than `bucket`, `account`, `params`, `policy`
 *     (and, in the fail message, `rule`, `ruleIndex`, `destination`, `pointer`, `actual`,
 *     `expected`, `evidence`), a `bucket.*` path the bucket-document schema does not define, or a
 *     parameter the policy does not declare.
 * Rewritten, so that a field that is missing on one bucket's data is an `error` result naming it
 * rather than an empty sentence: every printed value or helper result becomes
 * `{{__print value "path"}}`, every argument of a printing helper (`join`, `json`, `count`,
 * `plural`) `(__defined value "path" "helper")`.
 */
import { arityWords, HELPER_SPECS } from "./template-helpers.js";
import { childSchemas, removedField, type SchemaSet } from "./schema-paths.js";

/** The Handlebars syntax tree, as far as this module reads it. */
interface Node {
  type: string;
  loc?: unknown;
}
interface Path extends Node {
  type: "PathExpression";
  data: boolean;
  depth: number;
  parts: string[];
  original: string;
}
interface Call extends Node {
  path: Node;
  params: Node[];
  hash?: { pairs: unknown[] };
}
interface Block extends Call {
  type: "BlockStatement";
  program?: Program;
  inverse?: Program;
}
interface Program extends Node {
  body: Node[];
  blockParams?: string[];
}

export interface TemplateContext {
  /** `fail` adds the failing rule and evidence to the context. */
  status: "pass" | "fail" | "not_applicable";
  /** Declared parameter names. */
  parameters: string[];
}

/** A template problem found at load; messages.ts adds the file and pointer. */
export class TemplateCheckError extends Error {}

/** Nesting of blocks and sub-expressions beyond which a template is refused (the compiler recurses). */
const MAX_NESTING = 64;

const FAIL_ONLY = ["rule", "ruleIndex", "destination", "pointer", "actual", "expected", "evidence"];

/** Checks `program` in place and rewrites it for run-time checks; throws TemplateCheckError. */
export function checkTemplate(program: Program, context: TemplateContext): void {
  const root = rootSchema(context);
  new Checker(context).program(program, [[root]], new Map(), 0);
}

type Scope = Map<string, SchemaSet>;

class Checker {
  constructor(private readonly context: TemplateContext) {}

  program(program: Program, stack: SchemaSet[], scope: Scope, nesting: number): void {
    if (nesting > MAX_NESTING) throw new TemplateCheckError(`blocks are nested more than ${MAX_NESTING} levels deep`);
    for (const node of program.body) this.statement(node, stack, scope, nesting);
  }

  private statement(node: Node, stack: SchemaSet[], scope: Scope, nesting: number): void {
    switch (node.type) {
      case "ContentStatement":
      case "CommentStatement":
        return;
      case "MustacheStatement":
        return this.mustache(node as Call, stack, scope, nesting);
      case "BlockStatement":
        return this.block(node as Block, stack, scope, nesting);
      case "PartialStatement":
      case "PartialBlockStatement":
        throw new TemplateCheckError("partials ({{> name}}) are not available in messages");
      default:
        throw new TemplateCheckError(`${node.type === "Decorator" || node.type === "DecoratorBlock" ? "decorators ({{* name}})" : node.type} are not available in messages`);
    }
  }

  /** `{{path}}` prints a value; `{{helper args}}` calls a helper. */
  private mustache(node: Call, stack: SchemaSet[], scope: Scope, nesting: number): void {
    const path = node.path as Path;
    if (path.type !== "PathExpression") throw new TemplateCheckError(`{{${JSON.stringify((node.path as { value?: unknown }).value)}}} is neither a field nor a helper`);
    const isCall = node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0 || this.isHelperName(path);
    if (!isCall) {
      this.path(path, stack, scope);
      node.params = [path, stringLiteral(path.original, path.loc)];
      node.path = pathNode("__print", path.loc);
      return;
    }
    this.call(node, "value", stack, scope, nesting);
    // What a helper returns is printed under the same rule as a field: `{{lookup bucket.tags "team"}}` of a missing tag is not an empty word.
    const printed = `${path.original} ${node.params.map(sourceText).join(" ")}`.trim();
    node.params = [{ type: "SubExpression", path, params: node.params, hash: node.hash, loc: node.loc } as Node, stringLiteral(printed, path.loc)];
    node.hash = undefined;
    node.path = pathNode("__print", path.loc);
  }

  private block(node: Block, stack: SchemaSet[], scope: Scope, nesting: number): void {
    const path = node.path as Path;
    if (!this.isHelperName(path) || HELPER_SPECS[path.original]?.form !== "block") {
      const name = path.original;
      const hint = HELPER_SPECS[name] ? `use it inside a block, e.g. {{#if (${name} …)}}` : `use {{#if ${name}}} or {{#each ${name}}}`;
      throw new TemplateCheckError(`{{#${name}}} is not a block helper; ${hint}`);
    }
    this.call(node, "block", stack, scope, nesting);
    const [param] = node.params;
    let inner = stack;
    const innerScope = new Map(scope);
    if (path.original === "each" || path.original === "with") {
      const value = param?.type === "PathExpression" ? this.path(param as Path, stack, scope) : undefined;
      const child = value === undefined ? [true] : path.original === "each" ? childSchemas(value, "*") ?? [true] : value;
      inner = [...stack, child];
      const [name, index] = node.program?.blockParams ?? [];
      if (name !== undefined) innerScope.set(name, child);
      if (index !== undefined) innerScope.set(index, [true]);
    }
    if (node.program) this.program(node.program, inner, innerScope, nesting + 1);
    if (node.inverse) this.program(node.inverse, stack, scope, nesting + 1);
  }

  /** A helper call: known name, right form and arity, no hash; its arguments checked in turn. */
  private call(node: Call, form: "block" | "value", stack: SchemaSet[], scope: Scope, nesting: number): void {
    if (nesting > MAX_NESTING) throw new TemplateCheckError(`helper calls are nested more than ${MAX_NESTING} levels deep`);
    const path = node.path as Path;
    const name = path.original;
    const spec = this.isHelperName(path) ? HELPER_SPECS[name] : undefined;
    if (spec === undefined) {
      throw new TemplateCheckError(`{{${name}}} is not a helper (helpers: ${Object.keys(HELPER_SPECS).sort().join(", ")})`);
    }
    if (spec.form !== form) throw new TemplateCheckError(`{{${name}}} is a block helper: write ${spec.usage}`);
    if ((node.hash?.pairs.length ?? 0) > 0) throw new TemplateCheckError(`${spec.usage} takes no key=value arguments`);
    if (node.params.length < spec.min || node.params.length > spec.max) {
      throw new TemplateCheckError(`${spec.usage} takes ${arityWords(spec)}, got ${node.params.length}`);
    }
    node.params = node.params.map((param) => {
      if (param.type === "SubExpression") {
        this.call(param as Call, "value", stack, scope, nesting + 1);
        return param;
      }
      if (param.type !== "PathExpression") return param;
      const argument = param as Path;
      this.path(argument, stack, scope);
      if (!spec.needsValues) return param;
      return subExpression("__defined", [argument, stringLiteral(argument.original, argument.loc), stringLiteral(name, argument.loc)], argument.loc);
    });
  }

  private isHelperName(path: Path): boolean {
    return !path.data && path.depth === 0 && path.parts.length === 1 && Object.hasOwn(HELPER_SPECS, path.original);
  }

  /** The schemas a path can resolve to, or a TemplateCheckError naming what it cannot have. */
  private path(path: Path, stack: SchemaSet[], scope: Scope): SchemaSet {
    if (path.data) {
      const [head, ...rest] = path.parts;
      if (head === "root") return this.walk([stack[0] ?? [true]], rest, path.original, "@root");
      return [true]; // @index, @key, @first, @last: set by {{#each}}
    }
    const [head, ...rest] = path.parts;
    if (head !== undefined && path.depth === 0 && scope.has(head) && !path.original.startsWith("this")) {
      return this.walk(scope.get(head) as SchemaSet, rest, path.original, head);
    }
    if (path.depth >= stack.length) throw new TemplateCheckError(`{{${path.original}}} goes above the top of the message's context`);
    const base = stack[stack.length - 1 - path.depth] as SchemaSet;
    const isRoot = stack.length - 1 - path.depth === 0;
    if (isRoot && head !== undefined) this.rootName(head, path.original);
    return this.walk(base, path.parts, path.original, isRoot ? "the message" : "this");
  }

  private rootName(head: string, original: string): void {
    if (FAIL_ONLY.includes(head) && this.context.status !== "fail") {
      throw new TemplateCheckError(`{{${original}}}: ${head} is only set in the fail message`);
    }
    if (head === "params" || FAIL_ONLY.includes(head) || head === "bucket" || head === "account" || head === "policy") return;
    const known = ["bucket", "account", "params", "policy", ...(this.context.status === "fail" ? FAIL_ONLY : [])];
    throw new TemplateCheckError(`{{${original}}}: the message has no field "${head}" (it has ${known.join(", ")})`);
  }

  private walk(start: SchemaSet, parts: string[], original: string, from: string): SchemaSet {
    let current = start;
    let walked = from;
    for (const part of parts) {
      const next = childSchemas(current, part);
      if (next === undefined) {
        const isParams = walked === "params";
        const declared = this.context.parameters.join(", ") || "none";
        const removed = isParams ? undefined : removedField(current, part);
        const detail = isParams
          ? `the policy declares no parameter "${part}" (declared: ${declared})`
          : `${walked} has no field "${part}"${removed === undefined ? "" : `: ${removed}`}`;
        throw new TemplateCheckError(`{{${original}}}: ${detail}`);
      }
      current = next;
      walked = walked === "the message" || walked === "this" ? part : `${walked}.${part}`;
    }
    return current;
  }
}

/** The schema of a message's context: the bucket document's parts, parameters, and the policy. */
function rootSchema(context: TemplateContext): object {
  const properties: Record<string, unknown> = {
    bucket: { $ref: "#" },
    account: { $ref: "#/properties/account" },
    params: { type: "object", additionalProperties: false, properties: Object.fromEntries(context.parameters.map((name) => [name, true])) },
    policy: { type: "object", additionalProperties: false, properties: { id: { type: "string" }, title: { type: "string" }, severity: { type: "string" } } },
  };
  if (context.status === "fail") {
    Object.assign(properties, {
      rule: { $ref: "#/$defs/rule" },
      ruleIndex: { type: ["integer", "null"] },
      destination: { $ref: "#/$defs/destination" },
      pointer: { type: "string" },
      actual: true,
      expected: { type: "string" },
      evidence: {
        type: "array",
        items: { type: "object", additionalProperties: false, properties: { pointer: { type: "string" }, actual: true, expected: { type: "string" } } },
      },
    });
  }
  return { type: "object", additionalProperties: false, properties };
}

/** A helper argument as it was written (the original of a path, the value of a literal). */
function sourceText(node: Node): string {
  if (node.type === "PathExpression") return (node as Path).original;
  if (node.type === "StringLiteral") return JSON.stringify((node as Node & { value?: unknown }).value);
  if (node.type === "SubExpression") {
    const call = node as Call;
    // Arguments wrapped in __defined print as the path they wrap.
    const name = (call.path as Path).original;
    if (name === "__defined") return sourceText(call.params[0] as Node);
    return `(${[name, ...call.params.map(sourceText)].join(" ")})`;
  }
  return String((node as { original?: unknown }).original ?? node.type);
}

const pathNode = (name: string, loc: unknown): Path => ({ type: "PathExpression", data: false, depth: 0, parts: [name], original: name, loc });
const stringLiteral = (value: string, loc: unknown): Node => ({ type: "StringLiteral", value, original: value, loc }) as Node;
const subExpression = (name: string, params: Node[], loc: unknown): Node => ({ type: "SubExpression", path: pathNode(name, loc), params, hash: undefined, loc }) as Node;
