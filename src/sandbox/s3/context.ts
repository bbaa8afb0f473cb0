/** What a bucket-level operation handler receives, and small helpers for its answers. */
import type { BucketState, SandboxRequest, SandboxResponse, World } from "../core/contracts.js";

export interface BucketContext {
  request: SandboxRequest;
  world: World;
  bucket: BucketState;
  operation: string;
}

export type BucketHandler = (context: BucketContext) => SandboxResponse;

/** A 200 (or other success) answer; `body` is a complete XML document when present. */
export function ok(operation: string, bucket: string, body?: string, extra: { status?: number; headers?: Record<string, string> } = {}): SandboxResponse {
  const headers: Record<string, string> = { ...extra.headers };
  if (body !== undefined) headers["content-type"] = "application/xml";
  return { status: extra.status ?? 200, headers, body: body ?? "", operation, bucket, mutating: false };
}
