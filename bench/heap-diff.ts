/**
 * What grows between two V8 heap snapshots (bench/memory.ts `--heap-snapshots`, the same phase at
 * two organization sizes): self sizes and counts by constructor, largest growth first, and the
 * retained size, in each, of the objects named by `Class.property.property…` paths (an object of
 * that class, then the named edges; array buffers' bytes are counted where they are retained).
 *
 *   node --import tsx bench/heap-diff.ts small.heapsnapshot large.heapsnapshot [--top 20] [--by-path 4] [Inventory AccessReads.keys Object.heads …]
 *
 * `--by-path N`: grouped by each object's retainer path (its last N steps) instead of its
 * constructor: which structure holds what grew (docs/memory.md "What the million's first reading held").
 *
 * Retained size: what is reachable from the roots, less what is reachable once those objects are
 * taken away (two walks of the graph; a snapshot of ~1.5 million nodes takes a few seconds).
 */
import { readFileSync } from "node:fs";
import { numberFlag } from "./flags.js";

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; edge_fields: string[]; node_types: [string[]]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

class Graph {
  readonly count: number;
  private readonly data: Snapshot;
  private readonly stride: number;
  private readonly edgeStride: number;
  private readonly field: (name: string) => number;
  private readonly edgeField: (name: string) => number;
  /** Index into `edges` of each node's first edge. */
  private readonly firstEdge: Uint32Array;

  constructor(file: string) {
    this.data = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
    const { meta } = this.data.snapshot;
    this.stride = meta.node_fields.length;
    this.edgeStride = meta.edge_fields.length;
    this.field = (name) => meta.node_fields.indexOf(name);
    this.edgeField = (name) => meta.edge_fields.indexOf(name);
    this.count = this.data.nodes.length / this.stride;
    this.firstEdge = new Uint32Array(this.count + 1);
    const edgeCount = this.field("edge_count");
    for (let i = 0, at = 0; i < this.count; i++) {
      this.firstEdge[i] = at;
      at += this.data.nodes[i * this.stride + edgeCount]! * this.edgeStride;
    }
    this.firstEdge[this.count] = this.data.edges.length;
  }

  type(node: number): string {
    return this.data.snapshot.meta.node_types[0][this.data.nodes[node * this.stride + this.field("type")]!]!;
  }
  name(node: number): string {
    return this.data.strings[this.data.nodes[node * this.stride + this.field("name")]!]!;
  }
  size(node: number): number {
    return this.data.nodes[node * this.stride + this.field("self_size")]!;
  }
  /** Strings and code by type alone; objects by constructor. */
  group(node: number): string {
    const type = this.type(node);
    return ["string", "concatenated string", "sliced string", "code", "number"].includes(type) ? type : `${type}:${this.name(node).slice(0, 60)}`;
  }

  /** Each edge as [kind, property name (null: an element or hidden slot), target node]. */
  *edges(node: number): Generator<[string, string | null, number]> {
    const { edges, strings, snapshot } = this.data;
    const [kindAt, nameAt, toAt] = [this.edgeField("type"), this.edgeField("name_or_index"), this.edgeField("to_node")];
    for (let at = this.firstEdge[node]!; at < this.firstEdge[node + 1]!; at += this.edgeStride) {
      const kind = snapshot.meta.edge_types[0][edges[at + kindAt]!]!;
      const named = kind !== "element" && kind !== "hidden";
      yield [kind, named ? strings[edges[at + nameAt]!]! : null, edges[at + toAt]! / this.stride];
    }
  }

  /** Bytes reachable from the roots (node 0) by strong edges without passing through `blocked`. */
  reachable(blocked: ReadonlySet<number>): number {
    const seen = new Uint8Array(this.count);
    const stack = [0];
    seen[0] = 1;
    let bytes = 0;
    while (stack.length > 0) {
      const node = stack.pop()!;
      bytes += this.size(node);
      for (const [kind, , to] of this.edges(node)) {
        if (kind === "weak" || seen[to] === 1 || blocked.has(to)) continue;
        seen[to] = 1;
        stack.push(to);
      }
    }
    return bytes;
  }

  /** The nodes a `Class.property…` path names: every object of that class, then each named edge in turn. */
  select(path: string): Set<number> {
    const [constructor, ...properties] = path.split(".");
    let nodes: number[] = [];
    for (let i = 0; i < this.count; i++) if (this.type(i) === "object" && this.name(i) === constructor) nodes.push(i);
    for (const property of properties) nodes = nodes.flatMap((node) => [...this.edges(node)].filter(([, name]) => name === property).map(([, , to]) => to));
    return new Set(nodes);
  }

  /**
   * Each node's retainer path: the steps by which a breadth-first walk from the roots (strong edges)
   * first reaches it, its last `depth` steps as `Owner.property > … > node`, element and slot numbers
   * as `#` (a `Map`'s entries group together). What a structure holds shows as one path, whatever
   * the constructors of what it holds; objects that are only garbage-to-be are not in a snapshot.
   */
  private paths(depth: number): (node: number) => string {
    const parent = new Int32Array(this.count).fill(-1);
    const via: (string | null)[] = new Array<string | null>(this.count).fill(null);
    const seen = new Uint8Array(this.count);
    const queue = [0];
    seen[0] = 1;
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      for (const [kind, name, to] of this.edges(node)) {
        if (kind === "weak" || kind === "shortcut" || seen[to] === 1) continue;
        seen[to] = 1;
        parent[to] = node;
        via[to] = name === null || /^\d+$/.test(name) ? "#" : name.slice(0, 30);
        queue.push(to);
      }
    }
    const label = (node: number): string => (this.type(node) === "object" ? this.name(node).slice(0, 40) : this.type(node));
    return (node) => {
      let path = label(node);
      for (let at = node, step = 0; step < depth && parent[at]! >= 0; step++, at = parent[at]!) path = `${label(parent[at]!)}.${via[at]} > ${path}`;
      return path;
    };
  }

  /** Self sizes and counts by constructor, or with `depth` by retainer path (see `paths`). */
  groups(depth = 0): Map<string, { count: number; bytes: number }> {
    const groupOf = depth > 0 ? this.paths(depth) : (node: number): string => this.group(node);
    const groups = new Map<string, { count: number; bytes: number }>();
    for (let i = 0; i < this.count; i++) {
      const key = groupOf(i);
      const group = groups.get(key) ?? { count: 0, bytes: 0 };
      group.count++;
      group.bytes += this.size(i);
      groups.set(key, group);
    }
    return groups;
  }
}

const args = process.argv.slice(2);
const top = numberFlag("top", 20);
const byPath = numberFlag("by-path", 0);
const files = args.slice(0, 2);
const flags = new Set(["--top", "--by-path"]);
const paths = args.slice(2).filter((arg, i, all) => !flags.has(arg) && !flags.has(all[i - 1]!));
if (files.length < 2) {
  console.error("usage: node --import tsx bench/heap-diff.ts small.heapsnapshot large.heapsnapshot [--top N] [--by-path DEPTH] [Class.property …]");
  process.exit(2);
}
const graphs = files.map((file) => new Graph(file));
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(2);
const [small, large] = graphs.map((graph) => graph.groups(byPath)) as [ReturnType<Graph["groups"]>, ReturnType<Graph["groups"]>];
const none = { count: 0, bytes: 0 };
const total = (groups: Map<string, { bytes: number }>): number => [...groups.values()].reduce((sum, group) => sum + group.bytes, 0);
console.log(`self sizes: ${mb(total(small))} → ${mb(total(large))} MB; largest growth by ${byPath > 0 ? `retainer path (last ${byPath} steps)` : "constructor"} (MB, count):`);
const names = [...new Set([...small.keys(), ...large.keys()])];
const growth = (name: string): number => (large.get(name) ?? none).bytes - (small.get(name) ?? none).bytes;
for (const name of names.sort((a, b) => growth(b) - growth(a)).slice(0, top)) {
  const [a, b] = [small.get(name) ?? none, large.get(name) ?? none];
  console.log(`  ${mb(growth(name)).padStart(7)}  ${mb(a.bytes)} → ${mb(b.bytes)} MB, ${a.count} → ${b.count}  ${name}`);
}
if (paths.length > 0) {
  const everything = graphs.map((graph) => graph.reachable(new Set()));
  console.log("retained (MB):");
  for (const path of paths) {
    const retained = graphs.map((graph, i) => mb(everything[i]! - graph.reachable(graph.select(path))));
    console.log(`  ${path}: ${retained.join(" → ")}`);
  }
}
