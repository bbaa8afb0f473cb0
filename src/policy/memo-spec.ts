/**
 * What a policy's applies branch can read of a bucket document, found statically: its check
 * schema, its pass and fail templates, and evaluate.ts's own reads on the way to a fail. The
 * result memo (memo-key.ts, memo.ts) keys each (document, policy) on exactly these values, so two
 * documents with the same key give the same status, evidence pointers and sentence apart from the
 * values the templates only print ("holes": the bucket's name, a rule's destination…), which are
 * put back into the remembered sentence. Conservative by construction: a keyword this walk does not
 * know, a `$ref` it cannot follow, or anything that reads a whole object (`additionalProperties`,
 * `const` or `enum`, `uniqueItems`, `propertyNames`, `minProperties`…) keys on the whole subtree;
 * a template with `#each`, `#with`, `lookup`, `this`, `../` or `@data` is not analysed at all
 * (null: the policy is evaluated without the memo).
 */
/** What of a value the key holds: its type (and an array's length), its truthiness, its size, or all of it. */
export const TYPE = 1;
export const TRUTH = 2;
export const SIZE = 4;
export const VALUE = 8;

export interface SpecNode {
  need: number;
  props: Map<string, SpecNode>;
  /** `props` as two arrays, for the key's walk (finish() fills them). */
  names: string[];
  children: SpecNode[];
  /** Every item of an array (`items`, `contains`, `prefixItems`, a template's `rule`). */
  items: SpecNode | undefined;
}

export interface PolicySpec {
  root: SpecNode;
  /** Paths the templates only print, `*` for every rule: the key holds whether each is a clean string, not the string. */
  holes: string[][];
}

export const specNode = (): SpecNode => ({ need: 0, props: new Map(), names: [], children: [], items: undefined });

/** Fills each node's arrays from its map, once the spec is complete. */
function finish(node: SpecNode): void {
  node.names = [...node.props.keys()];
  node.children = [...node.props.values()];
  node.children.forEach(finish);
  if (node.items !== undefined) finish(node.items);
}

/** The node at `segments` below `node` (`*`: the items), made as needed; each step reads its parent's type. */
function ensure(node: SpecNode, segments: readonly string[]): SpecNode {
  let at = node;
  for (const segment of segments) {
    at.need |= TYPE;
    if (segment === "*") at = at.items ??= specNode();
    else {
      let next = at.props.get(segment);
      if (next === undefined) at.props.set(segment, (next = specNode()));
      at = next;
    }
  }
  return at;
}

/** Keywords that only annotate (or hold definitions reached through `$ref`). */
const IGNORED = new Set(["$comment", "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly", "$schema", "$defs", "definitions"]);
/** Keywords on a primitive that the value decides. */
const ON_VALUE = new Set(["const", "enum", "pattern", "minLength", "maxLength", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "uniqueItems"]);
/** Keywords whose error is reported at the node itself (its value is the evidence's `actual`). */
const REPORTED_HERE = new Set([...ON_VALUE, "type", "maxItems", "minItems", "not", "contains", "minContains", "maxContains", "anyOf", "oneOf", "if"]);

interface SchemaWalk {
  root: unknown;
  /** `$ref`s being followed (a cycle keys on the whole value). */
  following: Set<string>;
  /** The templates read `actual` or `evidence`: every node an error can be reported at is keyed whole. */
  errorsWhole: boolean;
}

/** Adds what `schema`, applied at `node` (data path `path`), reads. */
export function schemaReads(schema: unknown, node: SpecNode, errorsWhole: boolean): void {
  walkSchema(schema, node, [], { root: schema, following: new Set(), errorsWhole });
}

function walkSchema(schema: unknown, node: SpecNode, path: string[], walk: SchemaWalk): void {
  if (schema === true) return;
  // A failure's evidence: its `actual` feeds unscannedDestinationError under a destination, and the sentence when the templates read it.
  const underDestination = path.length > 4 && path[0] === "replication" && path[1] === "rules" && path[3] === "destination";
  const whole = walk.errorsWhole || underDestination;
  if (schema === false || schema === null || typeof schema !== "object" || Array.isArray(schema)) {
    node.need |= schema === false && !whole ? TYPE : VALUE;
    return;
  }
  const s = schema as Record<string, unknown>;
  for (const [keyword, value] of Object.entries(s)) {
    if (IGNORED.has(keyword) || (keyword === "$id" && schema === walk.root)) continue;
    if (whole && REPORTED_HERE.has(keyword)) node.need |= VALUE;
    switch (keyword) {
      case "type":
      case "maxItems":
      case "minItems":
      case "minContains":
      case "maxContains":
        node.need |= TYPE;
        break;
      case "properties":
        node.need |= TYPE;
        if (value === null || typeof value !== "object") node.need |= VALUE;
        else for (const [name, sub] of Object.entries(value)) if (sub !== true) walkSchema(sub, ensure(node, [name]), [...path, name], walk);
        break;
      case "required":
        node.need |= TYPE;
        if (!Array.isArray(value)) node.need |= VALUE;
        else for (const name of value) ensure(node, [String(name)]).need |= TYPE;
        break;
      case "items":
      case "contains":
        node.need |= TYPE;
        if (value !== true) walkSchema(value, ensure(node, ["*"]), [...path, "*"], walk);
        break;
      case "prefixItems":
        node.need |= TYPE;
        // Each position's schema applied to every item: more than it reads, never less.
        if (!Array.isArray(value)) node.need |= VALUE;
        else for (const sub of value) if (sub !== true) walkSchema(sub, ensure(node, ["*"]), [...path, "*"], walk);
        break;
      case "allOf":
      case "anyOf":
      case "oneOf":
        if (!Array.isArray(value)) node.need |= VALUE;
        else for (const sub of value) walkSchema(sub, node, path, walk);
        break;
      case "not":
      case "if":
      case "then":
      case "else":
        walkSchema(value, node, path, walk);
        break;
      case "$ref":
        followRef(value, node, path, walk);
        break;
      default:
        // const, enum, pattern… and everything that may read a whole object or is not known here.
        node.need |= VALUE;
    }
  }
}

function followRef(ref: unknown, node: SpecNode, path: string[], walk: SchemaWalk): void {
  const target = typeof ref === "string" && ref.startsWith("#") && !walk.following.has(ref) ? resolveLocal(walk.root, ref.slice(1)) : undefined;
  if (target === undefined) {
    node.need |= VALUE;
    return;
  }
  walk.following.add(ref as string);
  walkSchema(target, node, path, walk);
  walk.following.delete(ref as string);
}

function resolveLocal(root: unknown, pointer: string): unknown {
  if (pointer === "") return root;
  if (!pointer.startsWith("/")) return undefined;
  let node: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

interface Node {
  type: string;
  [key: string]: unknown;
}

/** How a helper reads each argument (`__print` inside a call: the value; `count`: the size). */
const ARGUMENT_NEED: Record<string, number> = {
  eq: VALUE,
  ne: VALUE,
  and: TRUTH,
  or: TRUTH,
  not: TRUTH,
  join: VALUE,
  json: VALUE,
  count: SIZE,
  plural: VALUE,
  default: VALUE,
  __print: VALUE,
  __defined: VALUE,
};

/** The context roots, as document paths; `null`: a value that is the same for every document (params, policy) or follows from the evidence. */
const ROOTS: Record<string, string[] | null> = {
  bucket: [],
  account: ["account"],
  rule: ["replication", "rules", "*"],
  destination: ["replication", "rules", "*", "destination"],
  params: null,
  policy: null,
  ruleIndex: null,
  pointer: null,
  expected: null,
};

interface TemplateWalk {
  /** Document paths read, and how. */
  reads: { segments: string[]; need: number }[];
  /** Document paths only printed. */
  printed: string[][];
  readsActual: boolean;
}

class Unanalysable extends Error {}

/** What a checked template (template-check.ts's rewrite) reads, or null when it cannot tell. */
export function templateReads(ast: unknown): TemplateWalk | null {
  const walk: TemplateWalk = { reads: [], printed: [], readsActual: false };
  try {
    program(ast as Node, walk);
  } catch (error) {
    if (error instanceof Unanalysable) return null;
    throw error;
  }
  return walk;
}

function program(node: Node | undefined, walk: TemplateWalk): void {
  if (node === undefined || node === null) return;
  if ((node["blockParams"] as unknown[] | undefined)?.length) throw new Unanalysable();
  for (const statement of node["body"] as Node[]) {
    switch (statement.type) {
      case "ContentStatement":
      case "CommentStatement":
        break;
      case "MustacheStatement": {
        const [value] = (statement["params"] as Node[] | undefined) ?? [];
        if (name(statement) !== "__print" || value === undefined) throw new Unanalysable();
        // `{{bucket.name}}` as rewritten: `{{__print bucket.name "bucket.name"}}`, the path printed as it is.
        if (value.type === "PathExpression") {
          const segments = documentPath(value, walk);
          if (segments !== null) walk.printed.push(segments);
        } else expression(value, VALUE, walk);
        break;
      }
      case "BlockStatement": {
        const block = name(statement);
        if (block !== "if" && block !== "unless") throw new Unanalysable();
        for (const param of (statement["params"] as Node[] | undefined) ?? []) expression(param, TRUTH, walk);
        program(statement["program"] as Node | undefined, walk);
        program(statement["inverse"] as Node | undefined, walk);
        break;
      }
      default:
        throw new Unanalysable();
    }
  }
}

function name(call: Node): string {
  const path = call["path"] as Node;
  if (path.type !== "PathExpression" || ((call["hash"] as { pairs?: unknown[] } | undefined)?.pairs?.length ?? 0) > 0) throw new Unanalysable();
  return path["original"] as string;
}

function expression(node: Node, need: number, walk: TemplateWalk): void {
  switch (node.type) {
    case "SubExpression": {
      const helper = name(node);
      const argumentNeed = ARGUMENT_NEED[helper];
      if (argumentNeed === undefined) throw new Unanalysable();
      const params = (node["params"] as Node[] | undefined) ?? [];
      // `__defined` and `__print` pass their first argument on (after a look at its type): it is read as the caller reads it.
      if (helper === "__defined" || helper === "__print") params.slice(0, 1).forEach((param) => expression(param, need | TYPE, walk));
      else params.forEach((param) => expression(param, argumentNeed, walk));
      return;
    }
    case "PathExpression": {
      const segments = documentPath(node, walk);
      if (segments !== null) walk.reads.push({ segments, need });
      return;
    }
    case "StringLiteral":
    case "NumberLiteral":
    case "BooleanLiteral":
    case "NullLiteral":
    case "UndefinedLiteral":
      return;
    default:
      throw new Unanalysable();
  }
}

/** A path's document segments, null for a root that is not the document's; throws when it cannot tell. */
function documentPath(node: Node, walk: TemplateWalk): string[] | null {
  const parts = node["parts"] as string[];
  const original = node["original"] as string;
  if (node["data"] === true || node["depth"] !== 0 || parts.length === 0 || original.startsWith("this") || original.startsWith(".")) throw new Unanalysable();
  const [head, ...rest] = parts as [string, ...string[]];
  if (head === "actual" || head === "evidence") {
    walk.readsActual = true;
    return null;
  }
  if (!Object.hasOwn(ROOTS, head)) throw new Unanalysable();
  const base = ROOTS[head];
  return base === null || base === undefined ? null : [...base, ...rest];
}

/** A policy's schemas and its three templates as the loader checked them (messages.ts `templateTree`). */
export interface PolicySources {
  appliesTo: unknown;
  check: unknown;
  templates: { pass: unknown; fail: unknown; not_applicable: unknown };
}

/** What one policy's evaluation reads (the spec's nodes) and prints (paths), before holes are chosen. */
export interface PolicyReads {
  root: SpecNode;
  printed: string[][];
}

/**
 * What evaluating a policy on a readable document reads: appliesTo, check (with what a failure's
 * evidence carries), the three templates, and evaluate.ts's own reads on the way to a fail
 * (unscannedDestinationError: each failing rule's destination resolution and unreadable facts).
 * Null when a template cannot be analysed.
 */
export function policyReads(sources: PolicySources): PolicyReads | null {
  const templates = [sources.templates.pass, sources.templates.fail, sources.templates.not_applicable].map(templateReads);
  if (templates.some((t) => t === null)) return null;
  const walks = templates as TemplateWalk[];
  const root = specNode();
  schemaReads(sources.appliesTo, root, false);
  // Only the fail message has `actual` and `evidence`.
  schemaReads(sources.check, root, walks[1]?.readsActual === true);
  ensure(root, ["replication", "rules", "*", "destination", "resolution"]).need |= VALUE;
  ensure(root, ["replication", "rules", "*", "destination", "unreadable"]).need |= VALUE;
  for (const walk of walks) for (const { segments, need } of walk.reads) ensure(root, segments).need |= need;
  return { root, printed: walks.flatMap((walk) => walk.printed) };
}

function merge(into: SpecNode, from: SpecNode): void {
  into.need |= from.need;
  for (const [name, child] of from.props) {
    let mine = into.props.get(name);
    if (mine === undefined) into.props.set(name, (mine = specNode()));
    merge(mine, child);
  }
  if (from.items !== undefined) merge((into.items ??= specNode()), from.items);
}

/**
 * The spec of several policies evaluated together: every node any of them reads, and as holes the
 * printed paths none of them reads (a path one prints and another reads is keyed whole). Null when
 * the key would hold the whole document.
 */
export function unionSpec(all: PolicyReads[]): PolicySpec | null {
  const root = specNode();
  for (const reads of all) merge(root, reads.root);
  const holes: string[][] = [];
  for (const segments of all.flatMap((reads) => reads.printed)) {
    if (holes.some((hole) => hole.join("/") === segments.join("/"))) continue;
    if (readsAt(root, segments)) ensure(root, segments).need |= VALUE;
    else holes.push(segments);
  }
  // A printed path that a later read reached is keyed whole too.
  const kept = holes.filter((segments) => !readsAt(root, segments));
  for (const segments of holes) if (!kept.includes(segments)) ensure(root, segments).need |= VALUE;
  if (root.need & VALUE) return null;
  finish(root);
  return { root, holes: kept };
}

/** Whether the spec reads the value at `segments`: a node there, or a whole value above it. */
function readsAt(root: SpecNode, segments: readonly string[]): boolean {
  let at: SpecNode | undefined = root;
  for (const segment of segments) {
    if (at.need & VALUE) return true;
    at = segment === "*" ? at.items : at.props.get(segment);
    if (at === undefined) return false;
  }
  return true;
}

