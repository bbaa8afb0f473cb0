/**
 * The canonical user ID S3 shows as a bucket owner: a 64-hex-digit string per account
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/finding-canonical-user-id.html).
 * Derived deterministically from the account id so answers are stable across runs.
 */
import { createHash } from "node:crypto";
import { el, wrap } from "./xml.js";

const cache = new Map<string, string>();

export function canonicalUserId(accountId: string): string {
  let id = cache.get(accountId);
  if (id === undefined) {
    id = createHash("sha256").update(`replguard-sandbox-canonical-user:${accountId}`).digest("hex");
    cache.set(accountId, id);
  }
  return id;
}

/** `<Owner><ID/><DisplayName/></Owner>`; S3 still sends DisplayName in most Regions. */
export const ownerXml = (accountId: string, displayName: string): string =>
  wrap("Owner", el("ID", canonicalUserId(accountId)) + el("DisplayName", displayName));
