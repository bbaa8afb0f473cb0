/**
 * Message templates as generated JavaScript: the tree template-compile.ts accepts, written out as
 * one function per program (`"rule `" + P(L(ctx, "rule"), "rule.id") + "` is disabled"`) instead of
 * a closure per node. Every result of an audit renders a sentence, and the closure tree spent most
 * of its time calling closures; one straight function per template lets V8 inline the pieces.
 *
 * The semantics are template-compile.ts's, node for node (that file is the readable reference and
 * decides the subset: this generator runs only on trees it compiled). Template text and string
 * literals enter the source only as JSON string literals, other literals and helpers as arrays
 * passed in, so no template text is ever code.
 */
import { eachOf, type Frame } from "./template-each.js";
import { customHelper, valueHelpers } from "./template-helpers.js";
import { cleanValue, tidyAroundValues } from "./template-tidy.js";

interface Node {
  type: string;
  [key: string]: unknown;
}

type Helper = (...args: unknown[]) => unknown;

const OPTIONS = Object.freeze({});

/** Handlebars' `lookupProperty`: own properties only. */
function lookup(parent: unknown, name: string): unknown {
  const result = (parent as Record<string, unknown>)[name];
  if (result === null || result === undefined) return result;
  return Object.prototype.hasOwnProperty.call(parent, name) ? result : undefined;
}

const isEmpty = (value: unknown): boolean => (!value && value !== 0) || (Array.isArray(value) && value.length === 0);

/** The runtime the generated code calls; the same pieces as template-compile.ts. */
const RUNTIME = {
  L: lookup,
  /** The own-property test of `lookup`, for the steps of a path the generated code writes out. */
  O: Object.hasOwn as (object: unknown, name: string) => boolean,
  /** With OP and BARE: a step's own-property test without a call (see the path step below). */
  G: Object.getPrototypeOf as (object: unknown) => unknown,
  OP: Object.prototype,
  /** An object with no property of its own: `name in BARE` is whether Object.prototype has `name`, now. */
  BARE: Object.freeze({}),
  /** A statement's value: null and undefined print nothing. */
  S: (value: unknown): unknown => (value === null || value === undefined ? "" : value),
  /** A block's argument: a function is called with the context as `this`. */
  V: (value: unknown, ctx: unknown): unknown => (typeof value === "function" ? (value as (this: unknown) => unknown).call(ctx) : value),
  E: isEmpty,
  /** The `__print` wrapper, inlined: the helper itself only on a value it refuses (it throws). */
  P: (value: unknown, path: unknown): unknown =>
    value === null || value === undefined || typeof value === "object" ? valueHelpers["__print"]!(value, path, OPTIONS as never) : value,
  /** `#each`, as template-compile.ts runs it. */
  EACH: (list: unknown, ctx: unknown, data: Frame, fn: (c: unknown, d: Frame) => unknown, inverse: (c: unknown, d: Frame) => unknown): unknown =>
    eachOf(list, ctx, data, fn, inverse, () => {
      throw new Error("iterables"); // never JSON data; the same message as template-compile.ts's refusal
    }),
};

/**
 * Renderers whose last sentence is known tidy without a scan (template-tidy.ts): the answer for
 * the render just made (renders are synchronous and never nest), true when every printed value was
 * clean. Only for templates whose text is tidy around any clean value.
 */
const lastTidy = new WeakMap<(context: unknown) => string, () => boolean>();

/** Whether the sentence the renderer just gave is tidy already, when it can tell; undefined when it cannot. */
export function renderedTidy(render: (context: unknown) => string): (() => boolean) | undefined {
  return lastTidy.get(render);
}

/** The renderer for a tree template-compile.ts accepted (its subset, its whitespace control applied). */
export function generateTemplate(program: Node): (context: unknown) => string {
  // Analysed before generating: only then are printed values checked as they are printed.
  const watch = tidyAroundValues(program);
  const constants: unknown[] = [];
  const helpers: Helper[] = [];
  const functions: string[] = [];
  let usesData = false;

  const constant = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : `K[${constants.push(value) - 1}]`);
  const helper = (fn: Helper): string => `H[${helpers.push(fn) - 1}]`;

  /** A program as a named function `(ctx, data) => value`; returns its name. */
  const programFunction = (node: Node | undefined): string => {
    const index = functions.push("") - 1; // the slot first: nested programs are numbered after it
    functions[index] = `function p${index}(ctx, data) { let t, v; return ${programExpr(node)}; }`;
    return `p${index}`;
  };

  const programExpr = (node: Node | undefined): string => {
    if (node === undefined || node === null) return '""';
    const parts = (node["body"] as Node[]).map(statement).filter((part) => part !== null);
    if (parts.length === 0) return '""';
    return parts.length === 1 ? (parts[0] as string) : `(${parts.join(" + ")})`;
  };

  const statement = (node: Node): string | null => {
    switch (node.type) {
      case "ContentStatement":
        return constant(node["value"]);
      case "CommentStatement":
        return null;
      case "MustacheStatement":
        return watch ? `W(S(${call(node)}))` : `S(${call(node)})`;
      case "BlockStatement":
        return `S(${block(node)})`;
      default:
        throw new Error(`template-codegen: ${node.type} (template-compile.ts should have refused it)`);
    }
  };

  const block = (node: Node): string => {
    const name = ((node["path"] as Node)["original"] as string) ?? "";
    const arg = `V(${expr((node["params"] as Node[])[0] as Node)}, ctx)`;
    const program = node["program"] as Node | undefined;
    const otherwise = node["inverse"] as Node | undefined;
    // `#if` and `#unless` run a program in the same context and frame: written in place, as an
    // expression of this function (t is read before either branch runs), rather than as a function
    // of its own. A fail template's branches were a dozen functions each, every one warmed up
    // by V8 on its own, most of them called too rarely ever to be optimised.
    if (name === "if") return `((t = ${arg}), !t || E(t) ? ${programExpr(otherwise)} : ${programExpr(program)})`;
    if (name === "unless") return `((t = ${arg}), !t || E(t) ? ${programExpr(program)} : ${programExpr(otherwise)})`;
    const fn = programFunction(program);
    const inverse = programFunction(otherwise);
    switch (name) {
      case "with":
        return `((t = ${arg}), E(t) ? ${inverse}(ctx, data) : ${fn}(t, data))`;
      case "each":
        usesData = true;
        return `EACH(${arg}, ctx, data, ${fn}, ${inverse})`;
      default:
        throw new Error(`template-codegen: block ${name}`);
    }
  };

  const call = (node: Node): string => {
    const name = (node["path"] as Node)["original"] as string;
    const args = (node["params"] as Node[]).map(expr);
    if (name === "__print" && args.length === 2) return `P(${args.join(", ")})`;
    if (name === "lookup") return `((t = ${args[0]}), !t ? t : L(t, ${args[1]}))`;
    if (name === "__defined" && args.length === 3) {
      // Inlined like `__print`: the helper itself (which throws the error) only on undefined, without a rest-and-spread call per argument.
      const defined = valueHelpers["__defined"] as unknown as Helper;
      return `((t = ${args[0]}), t === undefined ? ${helper((value, path, name) => defined(value, path, name, OPTIONS))}(t, ${args[1]}, ${args[2]}) : t)`;
    }
    if (name === "__print" || name === "__defined") {
      const run = valueHelpers[name] as unknown as Helper;
      return `${helper((...values) => run(...values, OPTIONS))}(${args.join(", ")})`;
    }
    const custom = customHelper(name);
    if (custom === undefined) throw new Error(`template-codegen: helper ${name}`);
    return `${helper(custom[1])}(${args.join(", ")})`;
  };

  const expr = (node: Node): string => {
    switch (node.type) {
      case "SubExpression":
        return call(node);
      case "StringLiteral":
      case "NumberLiteral":
      case "BooleanLiteral":
        return constant(node["value"]);
      case "NullLiteral":
        return "null";
      case "UndefinedLiteral":
        return "undefined";
      case "PathExpression": {
        const data = node["data"] === true;
        if (data) usesData = true;
        // Each step stops at null or undefined; `t` and `v` are free again once the path's value is
        // taken. The step is `lookup` written out with the name as a constant (`t["name"]`): one
        // shared lookup(t, name) made every property load megamorphic: a fifth of a render, tidy aside.
        // A value found on an object whose prototype is Object.prototype, under a name Object.prototype
        // does not have, is the object's own (a [[Get]] that misses an ordinary object's own
        // properties asks only its prototype): `Object.hasOwn` is asked only otherwise (a string's
        // `length`, an array, an object of another prototype, a name such as `constructor`). Both
        // tests are on the objects as they are at the render (an Object.prototype given `name` later
        // makes `name in BARE` true), and V8 folds both in optimised code (the prototype from the maps
        // the load just checked, the absent name as a dependency on Object.prototype's map), where the
        // call was a builtin's lookup per step: 6% of evaluation's warm rounds (perf, 100 × 100
        // snapshot). A Proxy is the one object for which this asks other traps (getPrototypeOf, not
        // getOwnPropertyDescriptor); bucket documents, parameters and contexts are plain data.
        let code = data ? "data" : "ctx";
        for (const part of node["parts"] as string[]) {
          const name = JSON.stringify(part);
          const own = `(G(t) === OP && !(${name} in BARE)) || O(t, ${name})`;
          code = `((t = ${code}), t === null || t === undefined ? t : ((v = t[${name}]), v === null || v === undefined ? v : ${own} ? v : undefined))`;
        }
        return code;
      }
      default:
        throw new Error(`template-codegen: ${node.type}`);
    }
  };

  // The top program is the renderer itself, not a function the renderer calls: V8 optimises each
  // function on its own, on its worker threads, and a wrapper around the program was optimised
  // with the program inlined into it, so each template's program was compiled twice (docs/scale.md).
  const main = programExpr(program);
  const root = usesData ? "{ root: ctx }" : "undefined";
  // `u`: a value printed in this render was not clean (template-tidy.ts); reset by each render.
  const source =
    `"use strict";\nlet u = false;\nfunction W(v) { if (!C(v)) u = true; return v; }\n${functions.join("\n")}\n` +
    `function R(ctx) { u = false; const data = ${root}; let t, v; return "" + ${main}; }\nreturn [R, () => !u];`;
  // Code from the template's structure only: every text and literal is a JSON string or a K[i] reference.
  const make = new Function("L", "O", "G", "OP", "BARE", "S", "V", "E", "P", "EACH", "C", "K", "H", source) as (...runtime: unknown[]) => [(context: unknown) => string, () => boolean];
  const { L, O, G, OP, BARE, S, V, E, P, EACH } = RUNTIME;
  const [render, tidied] = make(L, O, G, OP, BARE, S, V, E, P, EACH, cleanValue, constants, helpers);
  if (watch) lastTidy.set(render, tidied);
  return render;
}
