/**
 * A direct renderer for the message templates template-check.ts lets through: the same syntax tree
 * Handlebars compiles, turned into plain closures. Handlebars' runtime costs about 10 µs a render
 * (it copies and wraps every helper on each call), and every one of the 2.2 million results of a
 * 100,000-bucket audit renders a sentence; these closures cost a fraction of that.
 *
 * It reproduces Handlebars 4.7 exactly for the subset it accepts (see template-compile.test.ts,
 * which renders every built-in template both ways): text, `{{__print …}}` mustaches, `#if`,
 * `#unless`, `#each`, `#with` blocks, helper sub-expressions, literals, paths relative to the
 * current context and `@data` paths. Anything else (block parameters, `../` paths, hash arguments)
 * returns null and messages.ts keeps Handlebars for that template.
 */
import { generateTemplate } from "./template-codegen.js";
import { eachOf, type Frame } from "./template-each.js";
import { customHelper, valueHelpers } from "./template-helpers.js";

/** What a program yields: a string, except that Handlebars adds pieces with `+`, so `{{count a}}{{count b}}` is a number. */
type Render = (ctx: unknown, data: Frame) => unknown;
type Expr = (ctx: unknown, data: Frame) => unknown;
type Helper = (...args: unknown[]) => unknown;

interface Node {
  type: string;
  [key: string]: unknown;
}

/** Thrown inside the compiler when a node is outside the subset; compileTemplate answers null. */
class Unsupported extends Error {}

/** Handlebars' `lookupProperty`: own properties only (its prototype-access default denies the rest). */
function lookup(parent: unknown, name: string): unknown {
  const result = (parent as Record<string, unknown>)[name];
  if (result === null || result === undefined) return result;
  return Object.prototype.hasOwnProperty.call(parent, name) ? result : undefined;
}

/** Handlebars' `Utils.isEmpty`. */
const isEmpty = (value: unknown): boolean => (!value && value !== 0) || (Array.isArray(value) && value.length === 0);

/** What Handlebars hands a helper as its last argument; the value helpers ignore it. */
const OPTIONS = Object.freeze({});

/**
 * The helper a call runs, taking exactly its positional arguments. A custom helper's arity is
 * fixed by the call, so it is checked here once (a wrong one, which template-check.ts refuses
 * anyway, is left to Handlebars, whose wrapper throws the run-time error).
 */
function helperFor(name: string, arity: number): Helper {
  if (name === "lookup") return (object, field) => (!object ? object : lookup(object, field as string));
  if (name === "__print" || name === "__defined") {
    const helper = valueHelpers[name] as unknown as Helper;
    return (...args) => helper(...args, OPTIONS);
  }
  const custom = customHelper(name);
  if (custom === undefined) throw new Unsupported(`helper ${name}`);
  const [spec, run] = custom;
  if (arity < spec.min || arity > spec.max) throw new Unsupported(`arity of ${name}`);
  return run;
}

/** The renderer for a checked and rewritten template (after Handlebars' whitespace control), or null. */
export function compileTemplate(program: Node): ((context: unknown) => string) | null {
  const render = compileClosures(program);
  // The same tree as generated code (template-codegen.ts), which renders several times faster.
  return render === null ? null : generateTemplate(program);
}

/** The closure renderer: the readable reference, and the judge of the subset template-codegen.ts generates. */
export function compileClosures(program: Node): ((context: unknown) => string) | null {
  let render: Render;
  try {
    render = compileProgram(program);
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
  // Handlebars' runtime hands back `'' + main(…)`: a string at the top, whatever the pieces added up to.
  return (context) => "" + (render(context, { root: context }) as string);
}

function compileProgram(program: Node | undefined): Render {
  if (program === undefined || program === null) return () => "";
  if ((program["blockParams"] as unknown[] | undefined)?.length) throw new Unsupported("block parameters");
  const parts = (program["body"] as Node[]).map(compileStatement).filter((part) => part !== null);
  if (parts.length === 0) return () => "";
  if (parts.length === 1) return parts[0] as Render;
  const [first, ...rest] = parts as [Render, ...Render[]];
  // Handlebars' generated code is `piece + piece + …`: the same `+`, numbers included.
  return (ctx, data) => {
    let out = first(ctx, data);
    for (const part of rest) out = (out as string) + (part(ctx, data) as string);
    return out;
  };
}

function compileStatement(node: Node): Render | null {
  switch (node.type) {
    case "ContentStatement": {
      const text = node["value"] as string;
      return () => text;
    }
    case "CommentStatement":
      return null;
    case "MustacheStatement": {
      const call = compileCall(node);
      return (ctx, data) => {
        const value = call(ctx, data);
        return value === null || value === undefined ? "" : value;
      };
    }
    case "BlockStatement": {
      const block = compileBlock(node);
      return (ctx, data) => {
        const value = block(ctx, data);
        return value === null || value === undefined ? "" : value;
      };
    }
    default:
      throw new Unsupported(node.type);
  }
}

function compileBlock(node: Node): Render {
  const name = helperName(node);
  const params = node["params"] as Node[];
  if (params.length !== 1) throw new Unsupported("block arity");
  const arg = compileExpr(params[0] as Node);
  const fn = compileProgram(node["program"] as Node | undefined);
  const inverse = compileProgram(node["inverse"] as Node | undefined);
  const value = (ctx: unknown, data: Frame): unknown => {
    const v = arg(ctx, data);
    return typeof v === "function" ? (v as (this: unknown) => unknown).call(ctx) : v;
  };
  switch (name) {
    case "if":
      return (ctx, data) => {
        const v = value(ctx, data);
        return !v || isEmpty(v) ? inverse(ctx, data) : fn(ctx, data);
      };
    case "unless":
      return (ctx, data) => {
        const v = value(ctx, data);
        return !v || isEmpty(v) ? fn(ctx, data) : inverse(ctx, data);
      };
    case "with":
      return (ctx, data) => {
        const v = value(ctx, data);
        return isEmpty(v) ? inverse(ctx, data) : fn(v, data);
      };
    case "each":
      return (ctx, data) =>
        eachOf(value(ctx, data), ctx, data, fn, inverse, () => {
          throw new Unsupported("iterables"); // never JSON data; Handlebars would iterate it
        });
    default:
      throw new Unsupported(`block ${name}`);
  }
}

function helperName(node: Node): string {
  const path = node["path"] as Node;
  const hash = node["hash"] as { pairs?: unknown[] } | undefined;
  if (path.type !== "PathExpression" || path["data"] || path["depth"] !== 0 || (path["parts"] as string[]).length !== 1) throw new Unsupported("helper path");
  if ((hash?.pairs?.length ?? 0) > 0) throw new Unsupported("hash arguments");
  return path["original"] as string;
}

/** `{{name args}}` or `(name args)`: a helper call over the compiled arguments. */
function compileCall(node: Node): Expr {
  const name = helperName(node);
  const params = node["params"] as Node[];
  if (params.length === 0) throw new Unsupported(`${name} without arguments`);
  const args = params.map(compileExpr);
  if (name === "__print" && args.length === 2) {
    // The rewrite's wrapper around every printed value, inlined: `valueHelpers.__print` only on a value it refuses (it throws the error).
    const [value, path] = args as [Expr, Expr];
    return (ctx, data) => {
      const v = value(ctx, data);
      return v === null || v === undefined || typeof v === "object" ? valueHelpers["__print"]!(v, path(ctx, data), OPTIONS as never) : v;
    };
  }
  const helper = helperFor(name, args.length);
  if (args.length === 1) {
    const [a] = args as [Expr];
    return (ctx, data) => helper(a(ctx, data));
  }
  if (args.length === 2) {
    const [a, b] = args as [Expr, Expr];
    return (ctx, data) => helper(a(ctx, data), b(ctx, data));
  }
  if (args.length === 3) {
    const [a, b, c] = args as [Expr, Expr, Expr];
    return (ctx, data) => helper(a(ctx, data), b(ctx, data), c(ctx, data));
  }
  return (ctx, data) => helper(...args.map((arg) => arg(ctx, data)));
}

function compileExpr(node: Node): Expr {
  switch (node.type) {
    case "SubExpression":
      return compileCall(node);
    case "StringLiteral":
    case "NumberLiteral":
    case "BooleanLiteral": {
      const value = node["value"];
      return () => value;
    }
    case "NullLiteral":
      return () => null;
    case "UndefinedLiteral":
      return () => undefined;
    case "PathExpression":
      return compilePath(node);
    default:
      throw new Unsupported(node.type);
  }
}

/** A path from the current context (or from the `@data` frame): each step stops at null or undefined. */
function compilePath(node: Node): Expr {
  if (node["depth"] !== 0) throw new Unsupported("../ paths");
  const parts = node["parts"] as string[];
  const walk = (start: unknown): unknown => {
    let current = start;
    for (const part of parts) {
      if (current === null || current === undefined) return current;
      current = lookup(current, part);
    }
    return current;
  };
  return node["data"] ? (_ctx, data) => walk(data) : (ctx) => walk(ctx);
}
