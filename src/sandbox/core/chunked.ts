/**
 * aws-chunked bodies: the SDK streams some S3 uploads as chunks ("STREAMING-UNSIGNED-PAYLOAD-TRAILER"
 * with a trailing checksum, or "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" with a signature per chunk).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
 * Each chunk is `hex-size[;chunk-signature=sig]\r\n data \r\n`, ending with a zero-size chunk,
 * optional trailer lines and an empty line. Handlers get the decoded payload.
 */
export interface DecodedChunks {
  payload: Buffer;
  /** Chunk signatures in order (signed streaming only), for verification. */
  chunkSignatures: string[];
  chunks: Buffer[];
  trailers: Record<string, string>;
}

export function isStreamingPayload(contentSha256: string | undefined): boolean {
  return contentSha256 !== undefined && contentSha256.startsWith("STREAMING-");
}

/** Decodes an aws-chunked body; null when it is not well formed. */
export function decodeChunked(body: Buffer): DecodedChunks | null {
  const chunks: Buffer[] = [];
  const chunkSignatures: string[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", offset);
    if (lineEnd < 0) return null;
    const header = body.subarray(offset, lineEnd).toString("latin1");
    const [sizeText, ...extensions] = header.split(";");
    const size = Number.parseInt(sizeText ?? "", 16);
    if (!Number.isInteger(size) || size < 0) return null;
    for (const extension of extensions) {
      if (extension.startsWith("chunk-signature=")) chunkSignatures.push(extension.slice("chunk-signature=".length));
    }
    offset = lineEnd + 2;
    if (size === 0) break;
    if (offset + size + 2 > body.length) return null;
    chunks.push(body.subarray(offset, offset + size));
    offset += size + 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of body.subarray(offset).toString("latin1").split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { payload: Buffer.concat(chunks), chunkSignatures, chunks, trailers };
}
