/**
 * The snapshot's record lines, assembled from pieces (src/report/snapshot-encode.ts), are the bytes
 * `JSON.stringify` of the whole record gives: for real results (every status and sentence shape of
 * the evaluation reference, with suppressions), for strings JSON must escape, and for results of
 * another shape, which fall back to stringifying whole.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { BucketDocument, PolicyResult, Suppression } from "../../src/model/index.js";
import { evaluateBucket, loadPolicies, type PolicySet } from "../../src/policy/index.js";
import { SnapshotWriter } from "../../src/report/index.js";
import { SnapshotLineEncoder } from "../../src/report/snapshot-encode.js";
import { tempDir } from "../support/temp-dir.js";

interface EvaluationReference {
  now: string;
  documents: BucketDocument[];
  suppressions: Suppression[];
}

const reference = JSON.parse(
  gunzipSync(readFileSync(new URL("../policy/fixtures/evaluation-reference.json.gz", import.meta.url))).toString("utf8"),
) as EvaluationReference;
let set: PolicySet;
beforeAll(async () => {
  set = await loadPolicies();
});

const resultLine = (result: unknown): string => `${JSON.stringify({ record: "result", result })}\n`;

const sample: PolicyResult = {
  policyId: "destination-separate-account",
  bucketArn: "arn:aws:s3:::b",
  bucket: "b",
  accountId: "111111111111",
  region: "us-east-1",
  status: "fail",
  severity: "high",
  message: "b replicates to itself",
  evidence: [{ pointer: "/replication/rules/0", actual: undefined, expected: "must differ" }],
  suppression: null,
};

describe("report/SnapshotLineEncoder", () => {
  it("writes every reference result as JSON.stringify does, with and without suppressions", () => {
    const encoder = new SnapshotLineEncoder();
    const now = new Date(reference.now);
    let lines = 0;
    for (const suppressions of [[], reference.suppressions]) {
      for (const doc of reference.documents) {
        expect(encoder.bucketLine(doc)).toBe(`${JSON.stringify({ record: "bucket", bucket: doc })}\n`);
        for (const result of evaluateBucket(set, doc, { suppressions, now })) {
          expect(encoder.resultLine(result)).toBe(resultLine(result));
          lines++;
        }
      }
    }
    expect(lines).toBeGreaterThan(1000);
  });

  it("encodes again when only one of the bucket's fields changes between results", () => {
    const encoder = new SnapshotLineEncoder();
    const variants = [sample, { ...sample, region: "eu-west-1" }, { ...sample, accountId: "222222222222" }, { ...sample, bucket: "c" }, { ...sample, bucketArn: "arn:aws:s3:::c" }, sample];
    expect(variants.map((r) => encoder.resultLine(r))).toEqual(variants.map(resultLine));
  });

  it("escapes every string as JSON.stringify does (quotes, controls, non-ASCII, lone surrogates)", () => {
    const encoder = new SnapshotLineEncoder();
    const text = fc.oneof(fc.string({ unit: "binary" }), fc.constantFrom('"', "\\", "\n", "\u2028", "\ud800", "é𝄞"));
    fc.assert(
      fc.property(fc.record({ policyId: text, bucket: text, accountId: text, region: text, status: text, severity: text, message: text, pointer: text }), (s) => {
        const result = { ...sample, ...s, bucketArn: `arn:aws:s3:::${s.bucket}`, evidence: [{ pointer: s.pointer, actual: s.message, expected: s.region }] } as PolicyResult;
        expect(encoder.resultLine(result)).toBe(resultLine(result));
      }),
      { numRuns: 300 },
    );
  });

  it("stringifies whole a result of another shape: keys reordered, missing, extra, or of another type", () => {
    const encoder = new SnapshotLineEncoder();
    const { message, ...withoutMessage } = sample;
    const odd: unknown[] = [
      { message, ...withoutMessage },
      withoutMessage,
      { ...sample, message: undefined },
      { ...sample, extra: 1 },
      { ...sample, status: 3 },
      { ...sample, suppression: { policyId: "p", resource: "*", reason: "r", expires: null, toJSON: () => "hidden" } },
      { ...sample, suppression: { policyId: "p", resource: "*", reason: "because", expires: "2030-01-01" } },
      Object.assign(Object.create({ inherited: true }) as object, sample),
    ];
    for (const result of odd) expect(encoder.resultLine(result as PolicyResult)).toBe(resultLine(result));
  });
});

describe("report/SnapshotWriter", () => {
  it("goes on making records while the file is written: a bucket's write waits for no turn of the event loop", async () => {
    const { dir, cleanup } = await tempDir("replguard-encode-");
    try {
      const writer = new SnapshotWriter(join(dir, "snapshot.json"));
      // Three 64 KiB batches: with the streams' default 16 KiB queue, each waited for its 'drain',
      // which only the thread pool's finished write (a later turn) emits.
      const big = { ...sample, message: "x".repeat(70 * 1024) };
      let turned = false;
      setImmediate(() => (turned = true));
      for (let i = 0; i < 3; i++) await writer.bucket(reference.documents[0]!, [big]);
      expect(turned).toBe(false);
      await writer.finish({ coverage: { accounts: { total: 0, scanned: 0, unreadable: 0, outOfScope: 0 }, buckets: { total: 3, partial: 0 } }, expiredSuppressions: [] } as never);
      const lines = (await readFile(join(dir, "snapshot.json"), "utf8")).split("\n");
      expect(lines.filter((line) => line.startsWith('{"record":"result"'))).toEqual([0, 1, 2].map(() => resultLine(big).trimEnd()));
    } finally {
      await cleanup();
    }
  });
});
