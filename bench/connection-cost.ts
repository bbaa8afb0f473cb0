/**
 * What the sandbox bench cannot see: against AWS every bucket is its own virtual host
 * (`BUCKET.s3.REGION.amazonaws.com`, by the SDK's endpoint rules and so by the lean path's
 * templates), and every call is HTTPS. A keep-alive pool per origin (undici's, src/aws/lean-transport.ts;
 * node's agents for the SDK clients alike) then opens a new TLS connection for each bucket, where
 * the sandbox serves every bucket on one plain-HTTP origin whose connections stay open. This prices
 * the difference on this machine: a bucket's three reads (GetBucketVersioning) through the lean
 * path as the scan makes them (`LeanS3.get`: signed, sent by `undiciTransport`, parsed), 64 buckets
 * in flight, against a local server in its own process, three ways:
 * - **plain HTTP, one host**: `http://s3.eu-west-1.localhost:PORT/BUCKET?versioning`, as the sandbox bench;
 * - **TLS, one host**: the same over HTTPS, every bucket on kept connections;
 * - **TLS, a virtual host a bucket**: `https://BUCKET.s3.eu-west-1.localhost:PORT/?versioning`, as against AWS.
 * The certificate (`*.s3.eu-west-1.localhost`) is made with `openssl` for the run. The figure is
 * this process's CPU (user + system) per bucket; names resolve to 127.0.0.1 without a DNS lookup
 * (against AWS each new host is a lookup too). docs/scale.md, "What the bench does not see".
 *
 *   npx tsx bench/connection-cost.ts [--buckets N] [--rounds R] [--json]
 *
 * Each round measures the three ways one after the other (the first round warms the JIT); `--json`:
 * one line, every round's figures (test/bench/connection-cost.test.ts).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import type { ConnectionOptions } from "node:tls";
import { join } from "node:path";
import { LeanS3, PROBE_BUCKET, type EndpointTemplate } from "../src/aws/lean-s3.js";
import { leanDispatcher, REQUEST_TIMEOUT_MS, undiciTransport } from "../src/aws/lean-transport.js";
import { numberFlag } from "./flags.js";

const buckets = numberFlag("buckets", 2000);
const rounds = numberFlag("rounds", 3);
const IN_FLIGHT = 64;
const READS_PER_BUCKET = 3;
const DOMAIN = "s3.eu-west-1.localhost";

const dir = mkdtempSync(join(tmpdir(), "replguard-tls-"));
try {
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1", "-subj", `/CN=*.${DOMAIN}`, "-addext", `subjectAltName=DNS:*.${DOMAIN},DNS:${DOMAIN}`], { stdio: "ignore" });
} catch (error) {
  console.error(`bench: making a test certificate needs the openssl command (${(error as Error).message})`);
  rmSync(dir, { recursive: true, force: true });
  process.exit(2);
}
const ca = readFileSync(join(dir, "cert.pem"));
// The servers: any GET answered with a versioning configuration, connections kept as S3 keeps them.
const serverCode = `
const http = require("node:http"); const https = require("node:https"); const fs = require("node:fs");
const body = '<?xml version="1.0" encoding="UTF-8"?><VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>';
const answer = (req, res) => res.writeHead(200, { "content-type": "application/xml", "content-length": Buffer.byteLength(body), "x-amz-request-id": "0" }).end(body);
const tls = https.createServer({ key: fs.readFileSync(${JSON.stringify(join(dir, "key.pem"))}), cert: fs.readFileSync(${JSON.stringify(join(dir, "cert.pem"))}) }, answer);
const plain = http.createServer(answer);
for (const server of [tls, plain]) server.keepAliveTimeout = 60000;
tls.listen(0, "127.0.0.1", () => plain.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ tls: tls.address().port, plain: plain.address().port }))));`;
const server = spawn(process.execPath, ["-e", serverCode], { stdio: ["ignore", "pipe", "inherit"] });
const ports = await new Promise<{ tls: number; plain: number }>((resolve) => server.stdout.once("data", (data) => resolve(JSON.parse(String(data)) as { tls: number; plain: number })));

/** Every name to 127.0.0.1, as `dns.lookup` would answer (one address, or all of them). */
const loopback = (_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void): void =>
  options.all === true ? callback(null, [{ address: "127.0.0.1", family: 4 }]) : callback(null, "127.0.0.1", 4);

type Way = "plain HTTP, one host" | "TLS, one host" | "TLS, a virtual host a bucket";
const WAYS: readonly Way[] = ["plain HTTP, one host", "TLS, one host", "TLS, a virtual host a bucket"];

/** Where a way sends a bucket's reads: the probe's name in the host (virtual-hosted) or in the path. */
function template(way: Way): EndpointTemplate {
  if (way === "TLS, a virtual host a bucket") return { url: new URL(`https://${PROBE_BUCKET}.${DOMAIN}:${ports.tls}/`), in: "host", signingRegion: "eu-west-1", signingName: "s3" };
  const origin = way === "TLS, one host" ? `https://${DOMAIN}:${ports.tls}` : `http://${DOMAIN}:${ports.plain}`;
  return { url: new URL(`${origin}/${PROBE_BUCKET}`), in: "path", signingRegion: "eu-west-1", signingName: "s3" };
}

/** CPU ms per bucket of `count` buckets' reads, and the connections opened, through a fresh `leanDispatcher`, as the scan's. */
async function measure(way: Way, count: number): Promise<{ cpuMs: number; connections: number }> {
  const agent = leanDispatcher(IN_FLIGHT, REQUEST_TIMEOUT_MS, { ca, lookup: loopback as ConnectionOptions["lookup"] });
  let connections = 0;
  agent.on("connect", () => void connections++);
  const lean = new LeanS3({ credentials: async () => ({ accessKeyId: "AKIDBENCH", secretAccessKey: "bench-secret", sessionToken: "bench-token" }), transport: undiciTransport(agent), maxAttempts: 1 });
  const target = template(way);
  let next = 0;
  const before = process.cpuUsage();
  const reader = async (): Promise<void> => {
    while (next < count) {
      const bucket = `bucket-${String(next++).padStart(6, "0")}`;
      for (let read = 0; read < READS_PER_BUCKET; read++) await lean.get(target, "versioning", bucket);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, reader));
  const used = process.cpuUsage(before);
  await agent.close();
  return { cpuMs: (used.user + used.system) / 1000 / count, connections };
}

const json = process.argv.includes("--json");
try {
  if (!json) console.log(`connection cost: ${buckets} buckets × ${READS_PER_BUCKET} signed reads, ${IN_FLIGHT} buckets in flight, ${process.version}; CPU of this process per bucket`);
  const all: Record<Way, { cpuMs: number; connections: number }>[] = [];
  for (let round = 1; round <= rounds; round++) {
    const figures = {} as Record<Way, { cpuMs: number; connections: number }>;
    for (const way of WAYS) figures[way] = await measure(way, buckets);
    all.push(figures);
    if (!json) console.log(`round ${round}: ${WAYS.map((way) => `${way} ${figures[way].cpuMs.toFixed(3)} ms (${figures[way].connections} connections)`).join("; ")}`);
  }
  if (json) console.log(JSON.stringify({ buckets, rounds: all }));
} finally {
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}
