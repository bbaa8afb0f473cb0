/**
 * Message templates shared between policies. The default policies repeat their sentences (seven
 * write the same not_applicable, "{{bucket.name}} has no enabled replication rule…"): one generated
 * renderer per distinct checked template is less code for V8 to compile and optimise while the
 * first documents are evaluated, and a renderer that reads nothing but `bucket` and `account` gives
 * the same sentence for every policy on one document, so evaluate.ts renders it once a document.
 */
import { compileTemplate } from "./template-compile.js";

interface Node {
  type: string;
  [key: string]: unknown;
}

/** Renderers by the checked tree's JSON text (what compileTemplate reads): equal text, equal renderer. */
const renderers = new Map<string, ((context: unknown) => string) | null>();
/** Plenty for every template a process plausibly loads; cleared when full (only sharing is lost). */
const MAX_RENDERERS = 1024;

/** compileTemplate's renderer for the tree, shared with every earlier template whose checked tree is the same. */
export function sharedTemplate(program: Node): ((context: unknown) => string) | null {
  const key = JSON.stringify(program);
  if (renderers.has(key)) return renderers.get(key) ?? null;
  const render = compileTemplate(program);
  if (renderers.size >= MAX_RENDERERS) renderers.clear();
  renderers.set(key, render);
  return render;
}

/** The context roots whose values are the document's own: `bucket` (the document) and `account` (its account). */
const DOCUMENT_ROOTS = new Set(["bucket", "account"]);

/**
 * Whether the template reads nothing but paths under `bucket` and `account` of its context, so its
 * sentence is a function of the document alone. Conservative: a `@data` path, a `../` path, `this`,
 * `lookup` (its key could name anything) or a block that changes the context (`#each`, `#with`)
 * answers no.
 */
export function readsDocumentOnly(program: Node): boolean {
  return programOnly(program);
}

function programOnly(program: Node | undefined): boolean {
  if (program === undefined || program === null) return true;
  if ((program["blockParams"] as unknown[] | undefined)?.length) return false;
  return (program["body"] as Node[]).every(statementOnly);
}

function statementOnly(node: Node): boolean {
  switch (node.type) {
    case "ContentStatement":
    case "CommentStatement":
      return true;
    case "MustacheStatement":
      return callOnly(node);
    case "BlockStatement": {
      const name = (node["path"] as Node)["original"];
      if (name !== "if" && name !== "unless") return false;
      return callOnly(node) && programOnly(node["program"] as Node | undefined) && programOnly(node["inverse"] as Node | undefined);
    }
    default:
      return false;
  }
}

function callOnly(node: Node): boolean {
  const params = (node["params"] as Node[] | undefined) ?? [];
  const hash = node["hash"] as { pairs?: unknown[] } | undefined;
  if ((hash?.pairs?.length ?? 0) > 0) return false;
  const path = node["path"] as Node;
  // Without arguments the path is the value itself (`{{bucket.name}}` before the rewrite).
  if (params.length === 0) return exprOnly(path);
  if (path.type !== "PathExpression" || path["original"] === "lookup") return false;
  return params.every(exprOnly);
}

function exprOnly(node: Node): boolean {
  switch (node.type) {
    case "SubExpression":
      return callOnly(node);
    case "StringLiteral":
    case "NumberLiteral":
    case "BooleanLiteral":
    case "NullLiteral":
    case "UndefinedLiteral":
      return true;
    case "PathExpression": {
      const parts = node["parts"] as string[];
      return node["data"] !== true && node["depth"] === 0 && parts.length > 0 && DOCUMENT_ROOTS.has(parts[0] as string);
    }
    default:
      return false;
  }
}
