/**
 * node:crypto in the shape `@smithy/signature-v4` wants for its `sha256` option (a hash, or an HMAC
 * when given a key), for the lean read path (lean-s3.ts). What spares CPU per signature:
 * - the data goes to node:crypto as given (strings and byte views are what `update` takes), not
 *   copied into a Buffer first, and a plain hash of one piece is node's one-shot `crypto.hash`;
 * - one class for every signer of the scan. It was one class per account (each with a memo of the
 *   HMACs keyed by the secret): with a thousand accounts the signer's `new sha256(…)`, `update` and
 *   `digest` call sites saw a thousand classes and went megamorphic, and every instance paid for a
 *   class of its own. The HMAC over the secret key the memo spared is now asked for only when the
 *   signing key is derived (lean-signer.ts keeps each signer's key), not on every signature.
 */
import { createHash, createHmac, hash as oneShot, type Hash, type Hmac } from "node:crypto";
import type { Checksum, SourceData } from "@smithy/types";

/** The data as node:crypto takes it: strings and bytes as they are, other views and ArrayBuffers viewed as bytes (no copy). */
const bytes = (data: SourceData): string | Uint8Array => (typeof data === "string" || data instanceof Uint8Array ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data));

export type Sha256Constructor = new (secret?: SourceData) => Checksum;

/** SHA-256, or HMAC-SHA-256 keyed by `secret`, on node:crypto. */
export class NodeSha256 implements Checksum {
  private hash: Hash | Hmac | undefined = undefined;
  /** The first data, kept back: a hash of one piece (every hash the signer makes) is node's one-shot `crypto.hash`, no Hash object. */
  private pending: SourceData | undefined = undefined;
  private readonly secret: SourceData | undefined;

  constructor(secret?: SourceData) {
    this.secret = secret;
  }

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
    if (this.hash === undefined && this.secret === undefined) return Promise.resolve(oneShot("sha256", bytes(this.pending ?? ""), "buffer"));
    return Promise.resolve(this.start().digest());
  }
}

/** The hash class the lean path's signers use (one for all of them). */
export const nodeSha256 = (): Sha256Constructor => NodeSha256;
