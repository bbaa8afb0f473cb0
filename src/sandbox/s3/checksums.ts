/**
 * The checksums S3 accepts in `x-amz-checksum-<algorithm>` (base64 of the big-endian digest):
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 * Written here, not taken from the SDK, so a client's checksum bug cannot verify itself.
 */
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";

/** A reflected CRC table for `polynomial` (CRC-32C: 0x82F63B78). */
function crcTable(polynomial: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ polynomial : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

const CRC32C_TABLE = crcTable(0x82f63b78);

/** CRC-32C (Castagnoli); check value of "123456789" is 0xE3069283. */
export function crc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC32C_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5); check value of "123456789" is 0xAE8B14860A799888. */
export function crc64nvme(data: Uint8Array): bigint {
  const mask = 0xffffffffffffffffn;
  let c = mask;
  for (const byte of data) {
    c ^= BigInt(byte);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ 0x9a6c9329ac4bc9b5n : c >> 1n;
  }
  return (c ^ mask) & mask;
}

const uint32 = (value: number): Buffer => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
};

const uint64 = (value: bigint): Buffer => {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(value);
  return out;
};

/** Header suffix → [name S3 uses in its messages, digest]. */
export const CHECKSUMS: Readonly<Record<string, readonly [string, (body: Buffer) => Buffer]>> = {
  crc32: ["CRC32", (body) => uint32(crc32(body))],
  crc32c: ["CRC32C", (body) => uint32(crc32c(body))],
  crc64nvme: ["CRC64NVME", (body) => uint64(crc64nvme(body))],
  sha1: ["SHA1", (body) => createHash("sha1").update(body).digest()],
  sha256: ["SHA256", (body) => createHash("sha256").update(body).digest()],
};
