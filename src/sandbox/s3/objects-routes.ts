/** Which object call a request on a key names (method + subresource), and its handler. */
import type { SandboxResponse } from "../core/contracts.js";
import type { BucketContext } from "./context.js";
import { deleteObject, getObject, headObject, putObject } from "./objects.js";
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload, uploadPart } from "./objects-multipart.js";

export type ObjectHandler = (context: BucketContext, key: string) => SandboxResponse;

/** [operation, handler] for a request on `bucket/key`, or undefined for a call the sandbox does not simulate. */
export function objectRoute(method: string, query: URLSearchParams): readonly [string, ObjectHandler] | undefined {
  const upload = query.has("uploadId");
  if (method === "PUT") return upload && query.has("partNumber") ? ["UploadPart", uploadPart] : upload ? undefined : ["PutObject", putObject];
  if (method === "POST") return query.has("uploads") ? ["CreateMultipartUpload", createMultipartUpload] : upload ? ["CompleteMultipartUpload", completeMultipartUpload] : undefined;
  if (method === "DELETE") return upload ? ["AbortMultipartUpload", abortMultipartUpload] : ["DeleteObject", deleteObject];
  if (upload) return undefined; // ListParts is not simulated
  if (method === "GET") return ["GetObject", getObject];
  if (method === "HEAD") return ["HeadObject", headObject];
  return undefined;
}
