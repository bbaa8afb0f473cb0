/**
 * The lean reads' transport (undici's pools, src/aws/lean-transport.ts) hands the lean path what
 * node's `http` client did: the answer's headers as `IncomingMessage.headers`, and for a connection
 * the server closes, or an answer that never comes, errors the retry strategy classes as node's were
 * (transient: retried). A plain local server answers; node's own client is the reference.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LeanS3, PROBE_BUCKET, type EndpointTemplate } from "../../src/aws/lean-s3.js";
import { retryErrorInfo } from "../../src/aws/lean-errors.js";
import { leanDispatcher, undiciTransport } from "../../src/aws/lean-transport.js";

const VERSIONING = '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>';

let server: Server;
let origin: string;
/** How the next requests are answered, in order; then normally. */
const plan: ("hang-up" | "silent")[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    const next = plan.shift();
    if (next === "hang-up") return void req.socket.destroy();
    if (next === "silent") return;
    // Repeated headers of each kind node treats apart: joined, kept once, a list, `cookie` joined with "; ".
    res.setHeader("x-amz-meta-repeated", ["one", "two"]);
    res.setHeader("age", ["1", "2"]);
    res.setHeader("set-cookie", ["a=1", "b=2"]);
    res.setHeader("cookie", ["c=3", "d=4"]);
    res.setHeader("X-Amz-Request-Id", "REQ1");
    res.writeHead(200, { "content-type": "application/xml", date: new Date().toUTCString() });
    res.end(VERSIONING);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** node's `http` client's answer (headers, body) or error for the same GET. */
function nodeGet(path: string): Promise<{ headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${origin}${path}`, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

const failure = async (promise: Promise<unknown>): Promise<{ name: string; code: unknown; message: string; errorType: string }> => {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { code?: unknown };
    return { name: e.name, code: e.code, message: e.message, errorType: retryErrorInfo(error).errorType };
  }
  throw new Error("expected a failure");
};

describe("aws/lean transport (undici)", () => {
  it("gives the answer's headers as node's IncomingMessage does, and its body", async () => {
    const dispatcher = leanDispatcher(2);
    try {
      const reference = await nodeGet("/bucket/?versioning");
      const answer = await undiciTransport(dispatcher)({ origin, path: "/bucket/?versioning", headers: ["host", origin.slice(7)] });
      expect(answer.statusCode).toBe(200);
      expect(answer.body).toBe(reference.body);
      expect(answer.headers).toEqual(reference.headers);
      expect(answer.headers).toMatchObject({ "x-amz-meta-repeated": "one, two", age: "1", "set-cookie": ["a=1", "b=2"], cookie: "c=3; d=4", "x-amz-request-id": "REQ1" });
    } finally {
      await dispatcher.destroy();
    }
  });

  it("reports a connection the server closes as node did (ECONNRESET, socket hang up: transient), and the lean path retries it", async () => {
    const dispatcher = leanDispatcher(2);
    try {
      plan.push("hang-up");
      const reference = await failure(nodeGet("/bucket/?versioning"));
      expect(reference).toEqual({ name: "Error", code: "ECONNRESET", message: "socket hang up", errorType: "TRANSIENT" });
      plan.push("hang-up");
      expect(await failure(undiciTransport(dispatcher)({ origin, path: "/bucket/?versioning", headers: [] }))).toEqual(reference);
      // Through the lean path: the first attempt's connection is closed, the second is answered.
      const template: EndpointTemplate = { url: new URL(`${origin}/${PROBE_BUCKET}`), in: "path", signingRegion: "us-east-1", signingName: "s3" };
      const credentials = () => Promise.resolve({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" });
      const lean = new LeanS3({ credentials, transport: undiciTransport(dispatcher), maxAttempts: 3 });
      plan.push("hang-up");
      const output = await lean.get(template, "versioning", "some-bucket");
      expect(output).toMatchObject({ Status: "Enabled", $metadata: { httpStatusCode: 200, attempts: 2 } });
    } finally {
      await dispatcher.destroy();
    }
  });

  it("times an answer that never comes out as a TimeoutError (transient), as the node client's timeout did", async () => {
    const dispatcher = leanDispatcher(2, 100);
    try {
      plan.push("silent");
      const error = await failure(undiciTransport(dispatcher, 100)({ origin, path: "/bucket/?versioning", headers: [] }));
      expect(error).toEqual({ name: "TimeoutError", code: undefined, message: "Connection timed out after 100 ms", errorType: "TRANSIENT" });
    } finally {
      await dispatcher.destroy();
    }
  });
});
