/**
 * Request ids for x-amz-request-id (16 uppercase hex digits, as S3 sends) and x-amz-id-2.
 * Unique per process without a crypto call per request: crypto.randomBytes costs tens of
 * microseconds per call on a busy machine, more than the whole S3 handler.
 */
import { randomBytes } from "node:crypto";

const prefix = randomBytes(4).toString("hex").toUpperCase();
const hostSeed = randomBytes(18).toString("base64");
let counter = 0;

export function nextRequestIds(): { requestId: string; hostId: string } {
  counter = (counter + 1) % 0x100000000;
  const requestId = prefix + counter.toString(16).toUpperCase().padStart(8, "0");
  return { requestId, hostId: `${hostSeed}${Buffer.from(requestId).toString("base64")}` };
}
