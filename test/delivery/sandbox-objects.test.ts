/**
 * The sandbox's S3 object API (src/sandbox/s3/objects*.ts) through the real SDK: what `--out s3://`
 * and `--baseline s3://` need, with S3's ETags (MD5, and md5-of-md5s-N for multipart), pagination,
 * delimiters, SSE and its errors.
 */
import { createHash } from "node:crypto";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { ACCOUNTS } from "../support/accounts.js";
import { failure, s3As } from "../support/sandbox.js";
import { account, bucket, scenario } from "../support/scenario.js";

const BUCKET = "reports-bucket";
const MiB = 1024 * 1024;
const md5 = (data: Buffer): string => createHash("md5").update(data).digest("hex");

let sandbox: Sandbox;
let s3: S3Client;
let other: S3Client;

beforeAll(async () => {
  sandbox = await startSandbox({
    scenario: scenario({
      organization: "o-objects01",
      accounts: [
        account(ACCOUNTS.management, "management", { auditRole: false, buckets: [bucket(BUCKET, "us-east-1", { versioning: "Enabled" })] }),
        account(ACCOUNTS.prod, "prod"),
      ],
    }),
  });
  s3 = s3As(sandbox.endpoint, ACCOUNTS.management);
  other = s3As(sandbox.endpoint, ACCOUNTS.prod);
});

afterAll(async () => {
  await sandbox.close();
});

describe("sandbox/s3 objects", () => {
  it("puts, heads, gets and deletes an object with S3's ETag, metadata and default encryption", async () => {
    const body = Buffer.from('{"kind":"replguard-snapshot"}');
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "a/snapshot.json", Body: body, ContentType: "application/json", Metadata: { run: "1" } }));
    expect(put.ETag).toBe(`"${md5(body)}"`);
    expect(put.ServerSideEncryption).toBe("AES256");
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "a/snapshot.json" }));
    expect(head).toMatchObject({ ContentLength: body.length, ContentType: "application/json", ETag: put.ETag, Metadata: { run: "1" } });
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "a/snapshot.json" }));
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(body);
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "a/snapshot.json" }));
    const missing = await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "a/snapshot.json" })));
    expect(missing).toMatchObject({ name: "NoSuchKey", $metadata: { httpStatusCode: 404 } });
    expect((await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "a/snapshot.json" })))).$metadata.httpStatusCode).toBe(404);
  });

  it("keeps SSE-KMS as asked and refuses a KMS key id without aws:kms", async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "kms.txt", Body: "x", ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/reports" }));
    expect(put).toMatchObject({ ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/reports" });
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "kms.txt" }));
    expect(head).toMatchObject({ ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/reports" });
    const refused = await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "bad.txt", Body: "x", SSEKMSKeyId: "alias/reports" })));
    expect(refused).toMatchObject({ name: "InvalidArgument", $metadata: { httpStatusCode: 400 } });
  });

  it("lists with prefix, delimiter and continuation, in key order", async () => {
    for (const key of ["runs/2026-01-02/snapshot.json", "runs/2026-01-01/snapshot.json", "runs/2026-01-01/report.html", "runs/top.txt", "other/x"]) {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    }
    const folders = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "runs/", Delimiter: "/" }));
    expect(folders.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["runs/2026-01-01/", "runs/2026-01-02/"]);
    expect(folders.Contents?.map((c) => c.Key)).toEqual(["runs/top.txt"]);
    expect(folders.KeyCount).toBe(3);

    const keys: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page: ListObjectsV2CommandOutput = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "runs/", MaxKeys: 2, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((c) => c.Key!));
      token = page.NextContinuationToken;
      pages++;
      if (token !== undefined) expect(page.IsTruncated).toBe(true);
    } while (token !== undefined);
    expect(pages).toBe(2);
    expect(keys).toEqual(["runs/2026-01-01/report.html", "runs/2026-01-01/snapshot.json", "runs/2026-01-02/snapshot.json", "runs/top.txt"]);

    const delimitedPages: string[][] = [];
    token = undefined;
    do {
      const page: ListObjectsV2CommandOutput = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "runs/", Delimiter: "/", MaxKeys: 1, ContinuationToken: token }));
      delimitedPages.push([...(page.CommonPrefixes ?? []).map((p) => p.Prefix!), ...(page.Contents ?? []).map((c) => c.Key!)]);
      token = page.NextContinuationToken;
    } while (token !== undefined);
    expect(delimitedPages).toEqual([["runs/2026-01-01/"], ["runs/2026-01-02/"], ["runs/top.txt"]]);
  });

  it("assembles a multipart upload with S3's md5-of-md5s-N ETag, and checks part order and ETags", async () => {
    const parts = [Buffer.alloc(5 * MiB, 1), Buffer.alloc(5 * MiB, 2), Buffer.from("tail")];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "big.bin" }));
    const etags: string[] = [];
    for (const [i, part] of parts.entries()) {
      const out = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "big.bin", UploadId, PartNumber: i + 1, Body: part }));
      expect(out.ETag).toBe(`"${md5(part)}"`);
      etags.push(out.ETag!);
    }
    const outOfOrder = await failure(
      s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "big.bin", UploadId, MultipartUpload: { Parts: [{ PartNumber: 2, ETag: etags[1] }, { PartNumber: 1, ETag: etags[0] }] } })),
    );
    expect(outOfOrder.name).toBe("InvalidPartOrder");
    const wrongTag = await failure(
      s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "big.bin", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: etags[1] }] } })),
    );
    expect(wrongTag.name).toBe("InvalidPart");
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "big.bin", UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) } }),
    );
    const expected = `"${md5(Buffer.concat(parts.map((p) => Buffer.from(md5(p), "hex"))))}-3"`;
    expect(done.ETag).toBe(expected);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "big.bin" }));
    expect(head).toMatchObject({ ContentLength: 10 * MiB + 4, ETag: expected });
    const again = await failure(s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "big.bin", UploadId, PartNumber: 4, Body: "x" })));
    expect(again).toMatchObject({ name: "NoSuchUpload", $metadata: { httpStatusCode: 404 } });
  });

  it("refuses a small non-last part and forgets an aborted upload", async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "small.bin" }));
    const a = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "small.bin", UploadId, PartNumber: 1, Body: "a" }));
    const b = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "small.bin", UploadId, PartNumber: 2, Body: "b" }));
    const small = await failure(
      s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "small.bin", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: a.ETag }, { PartNumber: 2, ETag: b.ETag }] } })),
    );
    expect(small.name).toBe("EntityTooSmall");
    await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "small.bin", UploadId }));
    expect((await failure(s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "small.bin", UploadId })))).name).toBe("NoSuchUpload");
  });

  it("uploads through lib-storage's Upload (multipart above the part size) with SSE-KMS", async () => {
    const body = Buffer.alloc(11 * MiB, 7);
    const upload = new Upload({ client: s3, params: { Bucket: BUCKET, Key: "lib/big.bin", Body: body, ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/reports" }, partSize: 5 * MiB, queueSize: 2 });
    const out = await upload.done();
    expect(out.ETag).toMatch(/^"[0-9a-f]{32}-3"$/);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "lib/big.bin" }));
    expect(head).toMatchObject({ ContentLength: body.length, ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/reports" });
  });

  it("denies another account's writes and reads without a bucket policy", async () => {
    expect((await failure(other.send(new PutObjectCommand({ Bucket: BUCKET, Key: "x", Body: "x" })))).$metadata.httpStatusCode).toBe(403);
    expect((await failure(other.send(new ListObjectsV2Command({ Bucket: BUCKET })))).$metadata.httpStatusCode).toBe(403);
    const calls = sandbox.calls.filter((c) => c.account === ACCOUNTS.prod);
    expect(calls.map((c) => [c.operation, c.status])).toEqual([["PutObject", 403], ["ListObjectsV2", 403]]);
  });
});
