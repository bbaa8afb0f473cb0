/**
 * The replication map aggregated to accounts (used above MAP_BUCKET_LIMIT buckets): one node per
 * account, one arrow per (source account, destination account) whose width grows with its rule
 * count, coloured by the worst result among the source buckets of those rules. Rules that stay in
 * their account are a loop on the node. Memory and output grow with accounts and account pairs, not
 * with buckets, so 100,000 buckets make the same few hundred shapes.
 */
import type { BucketDocument, ReplicationRule, ResultStatus } from "../model/index.js";
import { OUTSIDE_ORG, OUTSIDE_SCAN, arrowHeadAt, edgeKind, statusClass, type EdgeKind } from "./html-map-shared.js";

/** Account nodes drawn at most (those with the most rules first); the rest are counted in a note. */
export const MAX_ACCOUNT_NODES = 200;

const NODE_W = 210;
const NODE_H = 44;
const GAP_X = 110;
const GAP_Y = 70;
/** Room around the grid for the arcs that bend outwards. */
const MARGIN = 60;

const STATUS_ORDER: readonly (ResultStatus | null)[] = ["fail", "error", "suppressed", "pass", "not_applicable", null];
const worse = (a: ResultStatus | null, b: ResultStatus | null): ResultStatus | null => (STATUS_ORDER.indexOf(a) <= STATUS_ORDER.indexOf(b) ? a : b);

interface AccountNode {
  key: string;
  label: string;
  sub: string;
  title: string;
  cls: string;
  x: number;
  y: number;
  width: number;
  height: number;
  textX: number;
  textY: number;
  subY: number;
}

export interface AccountEdge {
  path: string;
  head: string;
  cls: string;
  width: number;
  title: string;
}

export interface AccountMap {
  mode: "accounts";
  width: number;
  height: number;
  nodes: AccountNode[];
  edges: AccountEdge[];
  /** Accounts not drawn (beyond MAX_ACCOUNT_NODES) and the rules from or to them. */
  hiddenAccounts: number;
  hiddenRules: number;
  counts: Record<EdgeKind, number> & { crossRegion: number; rules: number; buckets: number; accounts: number };
}

interface Pair {
  from: string;
  to: string;
  rules: number;
  crossRegion: number;
  kind: EdgeKind;
  worst: ResultStatus | null;
}

/**
 * Stroke width for a rule count: 1 for one rule, growing with the logarithm, at most 12. A whole
 * number, because it becomes a CSS class (`w1`..`w12`): the CSP allows no inline style, and CSS
 * would override a `stroke-width` attribute anyway.
 */
export const weight = (rules: number): number => Math.min(12, Math.round(1 + 1.5 * Math.log2(rules)));

/** What the maps read of a bucket: a bucket document has it; the HTML's tally pass keeps only this. */
export type MapBucket = Pick<BucketDocument, "arn" | "name" | "region" | "account"> & {
  replication: { rules: readonly Pick<ReplicationRule, "id" | "enabled" | "destination">[] } | null;
};

/**
 * The account map, built one bucket at a time (the streaming HTML pass feeds it as records come,
 * so its memory grows with accounts and account pairs only).
 */
export class AccountMapBuilder {
  private readonly accounts = new Map<string, { buckets: number; rules: number; worst: ResultStatus | null }>();
  private readonly pairs = new Map<string, Pair>();
  private readonly counts = { "same-account": 0, "cross-account": 0, "outside-org": 0, crossRegion: 0, rules: 0, buckets: 0, accounts: 0 };

  private accountOf(id: string) {
    let a = this.accounts.get(id);
    if (!a) this.accounts.set(id, (a = { buckets: 0, rules: 0, worst: null }));
    return a;
  }

  add(b: MapBucket, status: ResultStatus | null): void {
    const { pairs, counts } = this;
    const source = this.accountOf(b.account.id);
    counts.buckets += 1;
    source.buckets += 1;
    source.worst = worse(source.worst, status);
    for (const rule of b.replication?.rules ?? []) {
      if (!rule.enabled) continue;
      const d = rule.destination;
      const kind = edgeKind(d);
      const to = kind === "outside-org" ? OUTSIDE_ORG : (d.account ?? OUTSIDE_SCAN);
      const key = `${b.account.id}>${to}`;
      let pair = pairs.get(key);
      if (!pair) pairs.set(key, (pair = { from: b.account.id, to, rules: 0, crossRegion: 0, kind, worst: null }));
      pair.rules += 1;
      pair.worst = worse(pair.worst, status);
      counts[kind] += 1;
      counts.rules += 1;
      if (d.crossRegion === true) {
        pair.crossRegion += 1;
        counts.crossRegion += 1;
      }
      source.rules += 1;
      if (to !== OUTSIDE_ORG && to !== OUTSIDE_SCAN) this.accountOf(to).rules += 1;
    }
  }

  view(accountNames: ReadonlyMap<string, string>): AccountMap {
    return layoutAccountMap(this.accounts, this.pairs, { ...this.counts }, accountNames);
  }
}

export function accountMapView(
  buckets: readonly MapBucket[],
  accountNames: ReadonlyMap<string, string>,
  worstOf: (arn: string) => ResultStatus | null,
): AccountMap {
  const builder = new AccountMapBuilder();
  for (const b of buckets) builder.add(b, worstOf(b.arn));
  return builder.view(accountNames);
}

function layoutAccountMap(
  accounts: ReadonlyMap<string, { buckets: number; rules: number; worst: ResultStatus | null }>,
  pairs: ReadonlyMap<string, Pair>,
  counts: AccountMap["counts"],
  accountNames: ReadonlyMap<string, string>,
): AccountMap {
  counts.accounts = accounts.size;
  const ranked = [...accounts].sort((a, b) => b[1].rules - a[1].rules || b[1].buckets - a[1].buckets || a[0].localeCompare(b[0]));
  const shown = ranked.slice(0, MAX_ACCOUNT_NODES);
  const targets = new Set([...pairs.values()].map((p) => p.to));
  const columns = Math.max(1, Math.min(6, Math.ceil(Math.sqrt(shown.length + 2))));
  const place = new Map<string, { cx: number; cy: number }>();
  const nodes: AccountNode[] = [];
  const addNode = (key: string, label: string, sub: string, title: string, cls: string): void => {
    const i = nodes.length;
    const x = MARGIN + (i % columns) * (NODE_W + GAP_X);
    const y = MARGIN + Math.floor(i / columns) * (NODE_H + GAP_Y);
    place.set(key, { cx: x + NODE_W / 2, cy: y + NODE_H / 2 });
    nodes.push({ key, label, sub, title, cls, x, y, width: NODE_W, height: NODE_H, textX: x + 8, textY: y + 18, subY: y + 35 });
  };
  for (const [id, a] of shown) {
    const name = accountNames.get(id) ?? id;
    const label = name === id ? id : `${name.length > 18 ? `${name.slice(0, 17)}…` : name} ${id}`;
    addNode(id, label, `${a.buckets} bucket(s), ${a.rules} rule(s)`, `${name} ${id}`, `account ${statusClass(a.worst)}`);
  }
  const into = (target: string): number => [...pairs.values()].filter((p) => p.to === target).reduce((sum, p) => sum + p.rules, 0);
  if (targets.has(OUTSIDE_SCAN)) addNode(OUTSIDE_SCAN, "Not scanned", `${into(OUTSIDE_SCAN)} rule(s) to it`, "destinations in no scanned account", "outside-scan st-none");
  if (targets.has(OUTSIDE_ORG)) addNode(OUTSIDE_ORG, "Outside the organization", `${into(OUTSIDE_ORG)} rule(s) to it`, "destinations outside the organization", "outside-org st-none");

  let hiddenRules = 0;
  const edges: AccountEdge[] = [];
  for (const pair of pairs.values()) {
    const from = place.get(pair.from);
    const to = place.get(pair.to);
    if (!from || !to) {
      hiddenRules += pair.rules;
      continue;
    }
    const width = weight(pair.rules);
    const region = pair.crossRegion > 0 ? `, ${pair.crossRegion} cross-region` : "";
    edges.push({
      ...(pair.from === pair.to ? loop(from, width) : curve(from, to, width)),
      cls: `edge ${pair.kind}${pair.crossRegion > 0 ? " cross-region" : ""} ${statusClass(pair.worst)} w${width}`,
      width,
      title: `${accountNames.get(pair.from) ?? pair.from} → ${pair.to}: ${pair.rules} rule(s) (${pair.kind.replace("-", " ")}${region}; worst result ${pair.worst ?? "none"})`,
    });
  }
  const rows = Math.ceil(nodes.length / columns);
  return {
    mode: "accounts",
    width: 2 * MARGIN + columns * (NODE_W + GAP_X) - GAP_X,
    height: 2 * MARGIN + rows * (NODE_H + GAP_Y) - GAP_Y,
    nodes,
    edges,
    hiddenAccounts: Math.max(0, ranked.length - shown.length),
    hiddenRules,
    counts,
  };
}

/** A gently bent curve between two node centres, ending (with its head) on the destination's border. */
function curve(from: { cx: number; cy: number }, to: { cx: number; cy: number }, width: number): { path: string; head: string } {
  const dx = to.cx - from.cx;
  const dy = to.cy - from.cy;
  const length = Math.hypot(dx, dy) || 1;
  // Bend to the left of the direction, so A→B and B→A are two separate arcs.
  const qx = (from.cx + to.cx) / 2 - (dy / length) * 0.15 * length;
  const qy = (from.cy + to.cy) / 2 + (dx / length) * 0.15 * length;
  const end = border(to, qx, qy);
  const start = border(from, qx, qy);
  const r = (n: number): number => Math.round(n * 10) / 10;
  // The head grows with the line, and the line stops inside the head so a wide line does not poke through its tip.
  const size = headSize(width);
  const ex = end.x - qx;
  const ey = end.y - qy;
  const norm = Math.hypot(ex, ey) || 1;
  const stop = { x: end.x - (ex / norm) * size * 0.7, y: end.y - (ey / norm) * size * 0.7 };
  return { path: `M${r(start.x)},${r(start.y)} Q${r(qx)},${r(qy)} ${r(stop.x)},${r(stop.y)}`, head: arrowHeadAt(end.x, end.y, ex, ey, size) };
}

const headSize = (width: number): number => 8 + width * 1.5;

/** Where the segment from a node's centre towards (px, py) leaves the node's box. */
function border(node: { cx: number; cy: number }, px: number, py: number): { x: number; y: number } {
  const dx = px - node.cx;
  const dy = py - node.cy;
  const t = Math.min(dx === 0 ? Infinity : NODE_W / 2 / Math.abs(dx), dy === 0 ? Infinity : NODE_H / 2 / Math.abs(dy));
  return { x: node.cx + dx * Math.min(1, t), y: node.cy + dy * Math.min(1, t) };
}

/** Rules within one account: a loop on the node's right side. */
function loop(node: { cx: number; cy: number }, width: number): { path: string; head: string } {
  const x = node.cx + NODE_W / 2;
  const size = headSize(width);
  return {
    path: `M${x},${node.cy - 8} C${x + 40},${node.cy - 30} ${x + 40},${node.cy + 30} ${x + size * 0.7},${node.cy + 8}`,
    head: arrowHeadAt(x, node.cy + 8, -1, 0, size),
  };
}
