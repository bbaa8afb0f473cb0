/**
 * The lean path's hash for the signer: the same bytes as node:crypto for every input form, and the
 * signatures the signer makes with it those of a plain node hash.
 */
import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SignatureV4 } from "@smithy/signature-v4";
import type { SourceData } from "@smithy/types";
import { nodeSha256 } from "../../src/aws/lean-sha256.js";

/** The class as the signer sees it, and with the other data forms node:crypto's `update` takes. */
type Loose = new (secret?: SourceData) => { update(data: SourceData): void; digest(): Promise<Uint8Array>; reset(): void };
const loose = (): Loose => nodeSha256() as unknown as Loose;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "token" };
const request = (bucket: string) => ({ method: "GET", protocol: "http:", hostname: "127.0.0.1", port: 4566, path: `/${bucket}/`, query: { versioning: "" }, headers: { host: "127.0.0.1:4566" } });
const signer = (sha256: ConstructorParameters<typeof SignatureV4>[0]["sha256"]) =>
  new SignatureV4({ credentials, region: "us-east-1", service: "s3", sha256, uriEscapePath: false, applyChecksum: true });

describe("aws/lean sha256", () => {
  it("hashes and HMACs strings, byte views and ArrayBuffers as node:crypto does, memo or not", async () => {
    const Sha256 = loose();
    const data = Buffer.from("the data");
    for (let round = 0; round < 2; round++) {
      for (const key of [undefined, "secret", new Uint8Array(Buffer.from("secret")), new Uint8Array(Buffer.from("secret")).buffer]) {
        for (const input of ["the data", new Uint8Array(data), new DataView(data.buffer, data.byteOffset, data.byteLength), data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)]) {
          const expected = key === undefined ? createHash("sha256").update("the data").digest("hex") : createHmac("sha256", "secret").update("the data").digest("hex");
          const hash = new Sha256(key as never);
          hash.update(input as never);
          expect(hex(await hash.digest())).toBe(expected);
        }
      }
    }
    // Nothing, or two pieces, hashed: as node's Hash.
    expect(hex(await new Sha256().digest())).toBe(createHash("sha256").digest("hex"));
    const twice = new Sha256();
    twice.update("the ");
    twice.update("data");
    expect(hex(await twice.digest())).toBe(createHash("sha256").update("the data").digest("hex"));
    // Two updates, and a reset: as a plain HMAC.
    const hmac = new Sha256("secret");
    hmac.update("the ");
    hmac.update(new Uint8Array(Buffer.from("data")));
    expect(hex(await hmac.digest())).toBe(createHmac("sha256", "secret").update("the data").digest("hex"));
    const again = new Sha256("secret");
    again.update("other");
    again.reset();
    again.update("the data");
    expect(hex(await again.digest())).toBe(createHmac("sha256", "secret").update("the data").digest("hex"));
  });

  it("signs as @smithy/signature-v4 does with a plain node hash", async () => {
    class Plain {
      private readonly hash;
      constructor(secret?: SourceData) {
        this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", secret as string | Uint8Array);
      }
      update(data: Uint8Array): void {
        this.hash.update(data);
      }
      digest(): Promise<Uint8Array> {
        return Promise.resolve(this.hash.digest());
      }
      reset(): void {}
    }
    const lean = signer(nodeSha256());
    const plain = signer(Plain);
    const signingDate = new Date("2026-11-29T14:00:00Z");
    const signed: string[] = [];
    for (const bucket of ["a-bucket", "b-bucket", "c-bucket"]) {
      const ours = await lean.sign(request(bucket), { signingDate });
      const theirs = await plain.sign(request(bucket), { signingDate });
      expect(ours.headers).toEqual(theirs.headers);
      signed.push(ours.headers.authorization!);
    }
    expect(new Set(signed).size).toBe(3);
  });

  it("is one class for every signer, computing every HMAC (the signing key is kept by the signer: lean-signer.test.ts)", async () => {
    // One class: the signer's call sites see one shape however many accounts sign (a class per account made them megamorphic).
    expect(nodeSha256()).toBe(nodeSha256());
    const Sha256 = loose();
    const digest = async (key: string | Uint8Array | undefined, data: string): Promise<Uint8Array> => {
      const hash = new Sha256(key);
      hash.update(new Uint8Array(Buffer.from(data)));
      return hash.digest();
    };
    const first = await digest("secret", "AKIDEXAMPLE");
    const second = await digest("secret", "AKIDEXAMPLE");
    expect(second).not.toBe(first);
    expect(hex(second)).toBe(hex(first));
    expect(hex(first)).toBe(createHmac("sha256", "secret").update("AKIDEXAMPLE").digest("hex"));
  });
});
