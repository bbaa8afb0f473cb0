/** What the bucket map and the account map share: arrow kinds, colour classes, arrowheads. */
import type { BucketDocument, ResultStatus } from "../model/index.js";

/** Group / node keys of the destinations that are no scanned bucket. */
export const OUTSIDE_ORG = "outside-organization";
export const OUTSIDE_SCAN = "outside-scan";

export type EdgeKind = "same-account" | "cross-account" | "outside-org";
type Destination = NonNullable<BucketDocument["replication"]>["rules"][number]["destination"];

/**
 * The kind of an arrow: outside the organization first (a verified outside owner, or a rule that
 * declares an outside account: either way the data is meant to leave), then across accounts, else
 * within the account. An unknown owner (`crossAccount: null`) is not claimed to cross.
 */
export function edgeKind(destination: Destination): EdgeKind {
  if (destination.inOrganization === false || destination.declaredAccountInOrganization === false) return "outside-org";
  return destination.crossAccount === true ? "cross-account" : "same-account";
}

/** CSS class of an arrow's or node's colour: the worst result status, `st-none` without results. */
export const statusClass = (status: ResultStatus | null): string => `st-${status ?? "none"}`;

/** An arrowhead (SVG polygon points) with its tip at (x, y), pointing along (dx, dy). */
export function arrowHeadAt(x: number, y: number, dx: number, dy: number, size = 9): string {
  const length = Math.hypot(dx, dy) || 1;
  const ux = dx / length;
  const uy = dy / length;
  const r = (n: number): number => Math.round(n * 10) / 10;
  const back = { x: x - ux * size, y: y - uy * size };
  const half = size / 2;
  return `${r(x)},${r(y)} ${r(back.x - uy * half)},${r(back.y + ux * half)} ${r(back.x + uy * half)},${r(back.y - ux * half)}`;
}
