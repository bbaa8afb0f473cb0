/**
 * What the lean read path and the request slots spare per call (docs/scale.md, "## CPU"), each
 * without changing an answer: a free slot is taken without a promise, the standard retry strategy's
 * first token is asked for once (a configured strategy on every call), retries still happen and are
 * counted; and the bench's CPU by stage adds up. A plain local server answers: no sandbox needed.
 */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { StandardRetryStrategy } from "@smithy/core/retry";
import { AwsClientFactory } from "../../src/aws/index.js";
import { LeanS3, PROBE_BUCKET, type EndpointTemplate } from "../../src/aws/lean-s3.js";
import { leanDispatcher, undiciTransport } from "../../src/aws/lean-transport.js";
import { CallSlot, Slots } from "../../src/aws/request-slots.js";
import { stageCpu, stageCpuLines, summary } from "../../bench/stage-cpu.js";

const VERSIONING = '<?xml version="1.0" encoding="UTF-8"?><VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>';
const INTERNAL = "<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>";

let server: Server;
let template: EndpointTemplate;
/** Paths asked for, and how many of the next answers are 500 InternalError (retried after a short backoff). */
const seen: string[] = [];
let throttleNext = 0;
const dispatcher = leanDispatcher(4);
const transport = undiciTransport(dispatcher);
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? "");
    const throttled = throttleNext > 0;
    if (throttled) throttleNext--;
    res.writeHead(throttled ? 500 : 200, { "content-type": "application/xml", date: new Date().toUTCString() });
    res.end(throttled ? INTERNAL : VERSIONING);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  template = { url: new URL(`http://127.0.0.1:${port}/${PROBE_BUCKET}`), in: "path", signingRegion: "us-east-1", signingName: "s3" };
});
afterAll(async () => {
  await dispatcher.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const credentials = () => Promise.resolve({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "token" });

describe("aws/lean read path, per call", () => {
  it("asks the standard retry strategy for a first token once, a configured one on every call; retries as before", async () => {
    const acquire = vi.spyOn(StandardRetryStrategy.prototype, "acquireInitialRetryToken");
    try {
      const lean = new LeanS3({ credentials, transport, maxAttempts: 3 });
      const configured = new LeanS3({ credentials, transport, maxAttempts: 3, retryStrategy: new StandardRetryStrategy(3) });
      for (const bucket of ["one-bucket", "two-bucket", "three-bucket"]) {
        expect(await lean.get(template, "versioning", bucket)).toMatchObject({ Status: "Enabled", $metadata: { httpStatusCode: 200, attempts: 1 } });
      }
      expect(acquire).toHaveBeenCalledTimes(1);
      for (const bucket of ["one-bucket", "two-bucket", "three-bucket"]) await configured.get(template, "versioning", bucket);
      expect(acquire).toHaveBeenCalledTimes(4);
      // A failed answer is retried from the shared first token, and the next call starts afresh.
      throttleNext = 1;
      const retried = await lean.get(template, "versioning", "four-bucket");
      expect(retried.$metadata.attempts).toBe(2);
      expect((await lean.get(template, "versioning", "five-bucket")).$metadata.attempts).toBe(1);
      expect(seen.slice(-3)).toEqual(["/four-bucket/?versioning", "/four-bucket/?versioning", "/five-bucket/?versioning"]);
    } finally {
      acquire.mockRestore();
    }
  });

  it("makes an account's S3 client in a region only when a read needs the SDK", async () => {
    const factory = new AwsClientFactory({ endpoint: `http://${template.url.host}`, region: "us-east-1", maxAttempts: 1, maxSockets: 4 });
    try {
      await factory.resolveS3Settings();
      const made: string[] = [];
      const reads = (account: string) =>
        factory.regionReads(credentials, "us-east-1", () => {
          made.push(account);
          return factory.s3(credentials, "us-east-1");
        });
      // The endpoint template is resolved once for the region on a client of its own: no account's client is made for it.
      const s3 = vi.spyOn(factory, "s3");
      expect(await reads("first").read("versioning", "one-bucket")).toMatchObject({ Status: "Enabled" });
      expect(made).toEqual([]);
      expect(s3).toHaveBeenCalledTimes(1);
      const second = reads("second");
      for (const bucket of ["one-bucket", "two-bucket"]) expect(await second.read("versioning", bucket)).toMatchObject({ Status: "Enabled" });
      expect(made).toEqual([]);
      expect(s3).toHaveBeenCalledTimes(1);
      expect(seen.slice(-2)).toEqual(["/one-bucket/?versioning", "/two-bucket/?versioning"]);
      // A name the lean path does not serve goes to the SDK client, made then (once).
      await second.read("versioning", "dotted.name.bucket");
      await second.read("versioning", "dotted.name.bucket");
      expect(made).toEqual(["second"]);
    } finally {
      factory.close();
    }
  });

  it("takes a free request slot at once, with no promise, and queues only when none is free", async () => {
    const slots = new Slots(1);
    const first = new CallSlot(slots);
    const second = new CallSlot(slots);
    expect(first.take()).toBeUndefined();
    const waiting = second.take();
    expect(waiting).toBeInstanceOf(Promise);
    expect(second.take()).toBe(waiting);
    let held = false;
    void waiting!.then(() => (held = true));
    await Promise.resolve();
    expect(held).toBe(false);
    first.free();
    await waiting;
    expect(held).toBe(true);
    expect(second.take()).toBeUndefined();
    second.free();
    second.free();
    // Exactly one slot again: taken at once, then the next waits.
    expect(new CallSlot(slots).take()).toBeUndefined();
    expect(new CallSlot(slots).take()).toBeInstanceOf(Promise);
  });
});

describe("bench/stage-cpu", () => {
  it("splits the scan's CPU by stage, each with its ms per bucket, and sums rounds up by their least and median", () => {
    const marks = [{ stage: "organization", cpuMs: 150 }, { stage: "accounts", cpuMs: 200 }, { stage: "destinations", cpuMs: 1200 }, { stage: "handover", cpuMs: 1300 }, { stage: "done", cpuMs: 1400 }];
    expect(stageCpu(100, marks, 1400, "accounts")).toBe(1000);
    expect(stageCpu(100, marks, 1400, "access")).toBe(0);
    expect(summary([{ accounts: 1.2, scan: 1.5 }, { accounts: 0.9, scan: 1.1 }, { accounts: 1, scan: 1.3 }])).toBe(
      "rounds 2-4: accounts stage least 0.900, median 1.000 ms/bucket; whole scan least 1.100, median 1.300 ms/bucket",
    );
    const lines = stageCpuLines(100, marks, 1400, 1000);
    expect(lines.map((line) => line.replace(/\s+/g, " "))).toEqual([
      "start-up CPU 0.05 s 0.050 ms/bucket",
      "organization walk CPU 0.05 s 0.050 ms/bucket",
      "accounts stage (the scanner's reads) CPU 1.00 s 1.000 ms/bucket",
      "destinations (2nd pass + probes) CPU 0.10 s 0.100 ms/bucket",
      "handover (documents handed on) CPU 0.10 s 0.100 ms/bucket",
    ]);
  });
});
