/**
 * The replication map: accounts as groups, buckets as nodes, each enabled rule an arrow from its
 * source bucket to its destination. Laid out here into coordinates and CSS classes; the template
 * (templates/partials/map.hbs) only places them in an inline `<svg>`, escaping every label.
 *
 * What an arrow shows (legend in the template, docs/reports.md):
 * - colour: the worst result of the source bucket (fail, error, suppressed, pass; grey: no result);
 * - width: thick when the rule crosses accounts, thin within one account;
 * - dashes: the rule crosses regions;
 * - dots, ending in the "Outside the organization" group: the destination is not an account of the organization.
 *
 * Above MAP_BUCKET_LIMIT buckets a node per bucket is unreadable, so the map aggregates to accounts:
 * one node per account, one arrow per (source account, destination account), as wide as its rule count.
 */
import type { ResultStatus } from "../model/index.js";
import { accountMapView, type AccountMap, type MapBucket } from "./html-map-accounts.js";
import { OUTSIDE_ORG, OUTSIDE_SCAN, arrowHeadAt, edgeKind, statusClass, type EdgeKind } from "./html-map-shared.js";

/** Above this many buckets the map shows accounts, not buckets. */
export const MAP_BUCKET_LIMIT = 500;

interface MapNode {
  key: string;
  label: string;
  title: string;
  cls: string;
  x: number;
  y: number;
  width: number;
  textX: number;
  textY: number;
}

interface MapGroup {
  label: string;
  title: string;
  cls: string;
  x: number;
  y: number;
  width: number;
  height: number;
  textY: number;
  nodes: MapNode[];
}

export interface MapEdge {
  path: string;
  head: string;
  cls: string;
  title: string;
}

export interface BucketMap {
  mode: "buckets";
  width: number;
  height: number;
  groups: MapGroup[];
  edges: MapEdge[];
  counts: Record<EdgeKind, number> & { crossRegion: number; rules: number; buckets: number };
}

const COL_WIDTH = 250;
const COL_GAP = 70;
const NODE_H = 18;
const NODE_STEP = 24;
const HEADER = 28;
const MAX_COLUMNS = 4;

const truncate = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The map of a snapshot's buckets, or (above MAP_BUCKET_LIMIT) of its accounts. `worstOf` gives a
 * bucket's worst result status by ARN.
 */
export function mapView(
  buckets: readonly MapBucket[],
  accountNames: ReadonlyMap<string, string>,
  worstOf: (arn: string) => ResultStatus | null,
  limit = MAP_BUCKET_LIMIT,
): BucketMap | AccountMap {
  return buckets.length > limit ? accountMapView(buckets, accountNames, worstOf) : bucketMapView(buckets, accountNames, worstOf);
}

interface PendingGroup {
  key: string;
  label: string;
  title: string;
  cls: string;
  members: { key: string; label: string; title: string; cls: string }[];
}

export function bucketMapView(buckets: readonly MapBucket[], accountNames: ReadonlyMap<string, string>, worstOf: (arn: string) => ResultStatus | null): BucketMap {
  const groups = new Map<string, PendingGroup>();
  const groupOf = (key: string, label: string, title: string, cls = "account"): PendingGroup => {
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, label, title, cls, members: [] }));
    return group;
  };
  const known = new Set<string>();
  for (const b of buckets) {
    const name = accountNames.get(b.account.id) ?? b.account.name;
    groupOf(b.account.id, `${truncate(name, 22)} ${b.account.id}`, `${name} ${b.account.id} ${b.account.ouPath}`).members.push({
      key: b.arn,
      label: truncate(b.name, 34),
      title: `${b.arn} (${b.region})`,
      cls: statusClass(worstOf(b.arn)),
    });
    known.add(b.arn);
  }
  // Destinations that are not scanned buckets: outside the organization, or only outside the scan.
  const rules = buckets.flatMap((b) => (b.replication?.rules ?? []).filter((r) => r.enabled).map((rule) => ({ source: b, rule })));
  for (const { rule } of rules) {
    const d = rule.destination;
    if (known.has(d.bucketArn)) continue;
    const outside = edgeKind(d) === "outside-org";
    const group = outside
      ? groupOf(OUTSIDE_ORG, "Outside the organization", "destinations owned outside the organization", "outside-org")
      : groupOf(OUTSIDE_SCAN, "Not scanned", "destinations in no scanned account (unresolved, or in an account not read)", "outside-scan");
    group.members.push({ key: d.bucketArn, label: truncate(d.bucket, 34), title: `${d.bucketArn}${d.account ? ` (account ${d.account})` : ""}`, cls: "st-none" });
    known.add(d.bucketArn);
  }

  // Left to right from sources to sinks: groups sending more than they receive first, so most
  // arrows point right; columns are filled in that order to about equal heights.
  const balance = new Map<string, number>();
  const groupKey = new Map<string, string>();
  for (const group of groups.values()) for (const m of group.members) groupKey.set(m.key, group.key);
  for (const { source, rule } of rules) {
    const from = groupKey.get(source.arn)!;
    const to = groupKey.get(rule.destination.bucketArn)!;
    if (from === to) continue;
    balance.set(from, (balance.get(from) ?? 0) - 1);
    balance.set(to, (balance.get(to) ?? 0) + 1);
  }
  const ordered = [...groups.values()].sort((a, b) => (balance.get(a.key) ?? 0) - (balance.get(b.key) ?? 0));
  const columns = Math.max(1, Math.min(MAX_COLUMNS, groups.size));
  const heightOf = (g: PendingGroup): number => HEADER + g.members.length * NODE_STEP + 6 + 10;
  const target = ordered.reduce((sum, g) => sum + heightOf(g), 0) / columns;
  const heights = new Array<number>(columns).fill(0);
  const placed: MapGroup[] = [];
  const where = new Map<string, { x: number; y: number; column: number }>();
  let column = 0;
  ordered.forEach((group, index) => {
    const left = ordered.length - index;
    // Move on when this column is full, or when the columns still empty need the groups left.
    if (heights[column]! > 0 && column < columns - 1 && (heights[column]! + heightOf(group) / 2 > target || left <= columns - 1 - column)) column += 1;
    const x = column * (COL_WIDTH + COL_GAP) + 10;
    const y = heights[column]! + 10;
    const height = HEADER + group.members.length * NODE_STEP + 6;
    heights[column] = y + height;
    const nodes = group.members.map((m, i): MapNode => {
      const node = { ...m, x: x + 10, y: y + HEADER + i * NODE_STEP, width: COL_WIDTH - 20, textX: x + 16, textY: y + HEADER + i * NODE_STEP + 13 };
      where.set(m.key, { x: node.x, y: node.y + NODE_H / 2, column });
      return node;
    });
    placed.push({ label: group.label, title: group.title, cls: group.cls, x, y, width: COL_WIDTH, height, textY: y + 18, nodes });
  });

  const counts = { "same-account": 0, "cross-account": 0, "outside-org": 0, crossRegion: 0, rules: rules.length, buckets: buckets.length };
  const edges = rules.map(({ source, rule }): MapEdge => {
    const from = where.get(source.arn)!;
    const to = where.get(rule.destination.bucketArn)!;
    const kind = edgeKind(rule.destination);
    const crossRegion = rule.destination.crossRegion === true;
    counts[kind] += 1;
    if (crossRegion) counts.crossRegion += 1;
    const worst = worstOf(source.arn);
    return {
      ...edgeGeometry(from, to),
      cls: `edge ${kind}${crossRegion ? " cross-region" : ""} ${statusClass(worst)}`,
      title: `rule ${rule.id}: ${source.name} → ${rule.destination.bucket} (${kind.replace("-", " ")}${crossRegion ? ", cross-region" : ""}; worst result ${worst ?? "none"})`,
    };
  });
  return { mode: "buckets", width: columns * (COL_WIDTH + COL_GAP) - COL_GAP + 40, height: Math.max(...heights) + 10, groups: placed, edges, counts };
}

/**
 * A curve from the source node's side facing the destination to the destination's facing side;
 * within one column it bulges out to the right of both nodes.
 */
function edgeGeometry(from: { x: number; y: number; column: number }, to: { x: number; y: number; column: number }): { path: string; head: string } {
  const w = COL_WIDTH - 20;
  if (from.column === to.column) {
    const x = from.x + w;
    const bulge = 30 + Math.min(30, Math.abs(to.y - from.y) / 10);
    return { path: `M${x},${from.y} C${x + bulge},${from.y} ${x + bulge},${to.y} ${x + 2},${to.y}`, head: arrowHeadAt(x, to.y, -1, 0) };
  }
  const right = to.column > from.column;
  const x1 = right ? from.x + w : from.x;
  const x2 = right ? to.x : to.x + w;
  const mid = (x1 + x2) / 2;
  const dir = right ? 1 : -1;
  return { path: `M${x1},${from.y} C${mid},${from.y} ${mid},${to.y} ${x2 - dir * 2},${to.y}`, head: arrowHeadAt(x2, to.y, dir, 0) };
}
