/**
 * node:crypto in the shape `@smithy/signature-v4` wants for its `sha256` option (a hash, or an HMAC
 * when given a key), for the lean read path (lean-s3.ts). Two things spare CPU per signature:
 * - the data goes to node:crypto as given (strings and byte views are what `update` takes), not
 *   copied into a Buffer first, and a plain hash of one piece is node's one-shot `crypto.hash`;
 * - an HMAC keyed by a string is remembered. The signer's only such HMACs are over the secret key:
 *   on every signature, HMAC(secret, access key id) for its signing-key cache's key, and once a day
 *   the key derivation's first step; the same inputs give the same bytes, so each is computed once
 *   per class (one class per `LeanS3`, i.e. per account and region, holding no more than that
 *   account's own credentials do, and at most `MEMO_ENTRIES` of them). The signature itself (the
 *   canonical request's hash, the HMAC of the string to sign) is computed every time, by the signer.
 */
import { createHash, createHmac, hash as oneShot, type Hash, type Hmac } from "node:crypto";
import type { Checksum, SourceData } from "@smithy/types";

/** The data as node:crypto takes it: strings and bytes as they are, other views and ArrayBuffers viewed as bytes (no copy). */
const bytes = (data: SourceData): string | Uint8Array => (typeof data === "string" || data instanceof Uint8Array ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data));

/** The memo's key for one HMAC: the key, then the data (as latin1 text: each byte one char). */
function memoKey(secret: string, data: SourceData): string {
  if (typeof data === "string") return `${secret}\u0000${data}`;
  const view = ArrayBuffer.isView(data) ? data : new Uint8Array(data);
  return `${secret}\u0000${Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString("latin1")}`;
}

/** Enough for a day change and a credentials refresh or two; then the memo starts again. */
const MEMO_ENTRIES = 8;

export type Sha256Constructor = new (secret?: SourceData) => Checksum;

/** A hash class for one signer's use, with its own memo of string-keyed HMACs. */
export function nodeSha256(): Sha256Constructor {
  const memo = new Map<string, Uint8Array>();
  return class NodeSha256 implements Checksum {
    private hash: Hash | Hmac | undefined;
    /**
     * The first data, kept back: a hash of one piece (every hash the signer makes) is node's one-shot
     * `crypto.hash`, no Hash object; an HMAC keyed by a string waits until `digest` tells whether
     * the memo has the answer.
     */
    private pending: SourceData | undefined;

    constructor(private readonly secret?: SourceData) {}

    reset(): void {
      this.pending = undefined;
      this.hash = undefined;
    }

    update(data: SourceData): void {
      if (this.hash === undefined && this.pending === undefined) {
        this.pending = data;
        return;
      }
      this.start().update(bytes(data));
    }

    /** The node hash, fed what was kept back. */
    private start(): Hash | Hmac {
      if (this.hash === undefined) {
        const secret = this.secret;
        this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
        if (this.pending !== undefined) this.hash.update(bytes(this.pending));
        this.pending = undefined;
      }
      return this.hash;
    }

    digest(): Promise<Uint8Array> {
      if (this.hash !== undefined) return Promise.resolve(this.hash.digest());
      if (this.secret === undefined) return Promise.resolve(oneShot("sha256", bytes(this.pending ?? ""), "buffer"));
      if (typeof this.secret !== "string" || this.pending === undefined) return Promise.resolve(this.start().digest());
      const key = memoKey(this.secret, this.pending);
      let digest = memo.get(key);
      if (digest === undefined) {
        digest = this.start().digest();
        if (memo.size >= MEMO_ENTRIES) memo.clear();
        memo.set(key, digest);
      }
      // The signer only reads it (hex for its cache key, or the next step's HMAC key).
      return Promise.resolve(digest);
    }
  };
}
