/**
 * One lean read's CPU, taken apart (docs/scale.md, "One lean call, end to end"): the same GET made
 * N times, 64 in flight, against the sandbox in its own process, and the CPU of this process per
 * call for the whole call and for each of its parts alone: the request limiter and slots around a
 * call that does nothing, the signer, node's `http` client sending an already signed request and
 * reading its answer, undici's pool doing the same, the XML parse. CPU (user + system), not wall:
 * fair on a busy machine. The parts overlap a little (the whole call also learns the clock, builds
 * `$metadata`); what the whole costs beyond their sum is the glue.
 * `npx tsx bench/lean-call-cpu.ts [--calls 20000] [--rounds 3] [--profile]` (`--profile`: the last round's whole
 * lean read, no limiter, as lean-call.cpuprofile)
 */
import { writeFile } from "node:fs/promises";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Session } from "node:inspector/promises";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { ListJobsCommand } from "@aws-sdk/client-s3-control";
import { LeanSignatureV4 } from "../src/aws/lean-signer.js";
import { Pool } from "undici";
import { AwsClientFactory, createRequestLimiter, getCallerIdentity } from "../src/aws/index.js";
import { deserializeOutput, parseXmlBody } from "../src/aws/lean-shapes.js";
import { NodeSha256 } from "../src/aws/lean-sha256.js";
import { numberFlag } from "./flags.js";
import { startSandboxChild } from "./sandbox-child.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const calls = numberFlag("calls", 20_000);
const rounds = numberFlag("rounds", 3);
const inFlight = 64;

const cpuUs = (): number => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};

/** CPU µs per call of `one` (call i), `inFlight` at a time, `calls` in all. */
async function measure(one: (i: number) => Promise<unknown> | unknown): Promise<number> {
  let next = 0;
  const start = cpuUs();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < calls) await one(next++);
    }),
  );
  return (cpuUs() - start) / calls;
}

const { child, env } = await startSandboxChild(2, 50);
try {
  const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! };
  const provider = () => Promise.resolve(credentials);
  const region = env.AWS_REGION!;
  const factory = new AwsClientFactory({ endpoint: env.AWS_ENDPOINT_URL, region, maxAttempts: 3, maxSockets: inFlight });
  await factory.resolveS3Settings();
  const s3 = factory.s3(provider, region);
  const buckets = ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).filter((b) => (b.BucketRegion ?? region) === region).map((b) => b.Name!);
  if (buckets.length === 0) throw new Error("the sandbox's caller has no buckets");
  const reads = factory.bucketReads(s3);
  const accountId = (await getCallerIdentity(factory.sts(provider))).accountId;
  const limiter = createRequestLimiter(inFlight);
  const url = new URL(env.AWS_ENDPOINT_URL!);
  const bucket = buckets[0]!;
  const signer = new LeanSignatureV4({ credentials: provider, region, service: "s3", sha256: NodeSha256, uriEscapePath: false, applyChecksum: true });
  const request = () => ({ method: "GET", protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: `/${bucket}/`, query: { versioning: "" }, headers: { host: url.host } });
  const signed = await signer.sign(request());
  const headerArray: string[] = [];
  for (const name in signed.headers) headerArray.push(name, signed.headers[name]!);
  const agent = new HttpAgent({ keepAlive: true, maxSockets: inFlight });
  const pool = new Pool(url.origin, { connections: inFlight });
  const body = await new Promise<string>((resolve) => {
    httpRequest({ agent, hostname: url.hostname, port: url.port, path: `/${bucket}/?versioning`, headers: headerArray }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    }).end();
  });
  const replicationBody = (i: number) =>
    `<?xml version="1.0" encoding="UTF-8"?><ReplicationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Role>arn:aws:iam::111111111111:role/r${i}</Role><Rule><ID>r</ID><Priority>1</Priority><Filter/><Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::dest-${i}</Bucket></Destination><DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication></Rule></ReplicationConfiguration>`;
  const parts: [string, (i: number) => Promise<unknown> | unknown][] = [
    // As batch-jobs.ts made it before: an S3 Control client per account and Region, one ListJobs each.
    ["ListJobs, SDK: a new S3 Control client each", () => factory.s3control(provider, region).send(new ListJobsCommand({ AccountId: accountId, JobStatuses: ["Complete"], MaxResults: 1000 }))],
    ["ListJobs, lean: an account's first page", () => factory.jobLists(provider, region, () => factory.s3control(provider, region)).list(accountId, undefined)],
    ["whole lean read, through the limiter", (i) => limiter(() => reads.read("versioning", buckets[i % buckets.length]!))],
    ["whole lean read, no limiter", (i) => reads.read("versioning", buckets[i % buckets.length]!)],
    ["limiter + slots around nothing", () => limiter(() => Promise.resolve({ $metadata: { attempts: 1 } }))],
    ["signer (sign one GET)", () => signer.sign(request(), { signingDate: new Date() })],
    [
      "node http: send signed, read answer",
      () =>
        new Promise<string>((resolve, reject) => {
          const req = httpRequest({ agent, hostname: url.hostname, port: url.port, method: "GET", path: `/${bucket}/?versioning`, headers: headerArray }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("error", reject);
            res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
          });
          req.setTimeout(60_000, () => req.destroy());
          req.on("error", reject);
          req.end();
        }),
    ],
    ["undici Pool: send signed, read answer", async () => (await pool.request({ method: "GET", path: `/${bucket}/?versioning`, headers: headerArray, headersTimeout: 60_000, bodyTimeout: 60_000 })).body.text()],
    [
      "undici Pool.dispatch, own handler",
      () =>
        new Promise<string>((resolve, reject) => {
          const chunks: Buffer[] = [];
          let status = 0;
          let headers: Record<string, string> = {};
          pool.dispatch(
            { method: "GET", origin: url.origin, path: `/${bucket}/?versioning`, headers: headerArray, headersTimeout: 60_000, bodyTimeout: 60_000 },
            {
              onConnect: () => undefined,
              onHeaders: (statusCode: number, raw: Buffer[]) => {
                status = statusCode;
                headers = {};
                for (let j = 0; j < raw.length; j += 2) headers[raw[j]!.toString("latin1").toLowerCase()] = raw[j + 1]!.toString("latin1");
                return true;
              },
              onData: (chunk: Buffer) => chunks.push(chunk) > 0,
              onComplete: () => resolve(`${status}${headers.date}${(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString("utf8")}`),
              onError: reject,
            } as never,
          );
        }),
    ],
    ["XML: versioning answer (memo)", () => deserializeOutput("versioning", body)],
    ["XML: a replication answer, each new", (i) => parseXmlBody(replicationBody(i))],
  ];
  for (let round = 1; round <= rounds; round++) {
    console.log(`round ${round} (${calls} calls each, ${inFlight} in flight), CPU µs per call:`);
    for (const [name, one] of parts) {
      const profile = process.argv.includes("--profile") && round === rounds && name === "whole lean read, no limiter" ? new Session() : undefined;
      if (profile !== undefined) {
        profile.connect();
        await profile.post("Profiler.enable");
        await profile.post("Profiler.start");
      }
      console.log(`  ${name.padEnd(40)} ${(await measure(one)).toFixed(1).padStart(7)}`);
      if (profile !== undefined) await writeFile("lean-call.cpuprofile", JSON.stringify((await profile.post("Profiler.stop")).profile));
    }
  }
  agent.destroy();
  await pool.close();
  factory.close();
} finally {
  child.kill();
}
