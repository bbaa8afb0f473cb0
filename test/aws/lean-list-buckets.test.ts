/**
 * S3 ListBuckets on the lean path (src/aws/lean-list-buckets.ts) page for page against the SDK's S3
 * client, both over HTTP to the sandbox: every account of the demo and of a generated organization,
 * a listing followed over several pages by its continuation tokens, a bad token (InvalidArgument),
 * an audit role refused s3:ListAllMyBuckets (AccessDenied), a throttled page retried and counted;
 * the lean pages never enter the client's middleware stack. And the endpoint against the SDK's rules.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { getEndpointFromInstructions } from "@smithy/core/endpoints";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { assumeRoleCredentials, awsErrorMessage, sdkBucketLists, type AwsClientFactory } from "../../src/aws/index.js";
import { resolveListBucketsTemplate, type ListBucketsPage } from "../../src/aws/lean-list-buckets.js";
import { derivedCredentials, startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { ACCOUNTS, AUDIT_ROLE } from "../support/accounts.js";
import { account, bucket, scenario } from "../support/scenario.js";
import { callOutcome } from "../support/lean-outcome.js";
import { leanFactory as factoryOn } from "../support/quick-retries.js";

const outcome = (call: () => Promise<unknown>) => callOutcome(call, (e) => ({ message: e.message, text: awsErrorMessage(e) }));

const DENY_LISTING = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "s3:ListAllMyBuckets", Resource: "*" }, { Effect: "Allow", Action: "*", Resource: "*" }] };

let demo: Sandbox;
let generated: Sandbox;
let small: Sandbox;
let throttled: Sandbox;
beforeAll(async () => {
  [demo, generated, small, throttled] = await Promise.all([
    startSandbox({ scenario: "demo" }),
    startSandbox({ generate: { accounts: 4, buckets: 10, seed: 11 } }),
    startSandbox({
      scenario: scenario({
        organization: "o-leanlist123",
        accounts: [
          account(ACCOUNTS.management, "management"),
          account(ACCOUNTS.prod, "prod", { buckets: ["a", "b", "c", "d", "e", "f", "g"].map((c) => bucket(`prod-${c}-data`, c < "d" ? "eu-west-1" : "us-east-1")) }),
          account(ACCOUNTS.dev, "dev", { auditRole: { policy: DENY_LISTING }, buckets: [bucket("dev-data", "eu-west-1")] }),
        ],
      }),
    }),
    startSandbox({ scenario: "demo", faults: { throttleRate: 0.5, seed: 3 } }),
  ]);
});
afterAll(async () => {
  await Promise.all([demo, generated, small, throttled].map((sandbox) => sandbox?.close()));
});

/** One page both ways with `credentials`: the lean page never through the client's stack, then the SDK's. */
async function both(factory: AwsClientFactory, region: string, credentials: AwsCredentialIdentityProvider, page: ListBucketsPage) {
  const client = factory.s3(credentials, region);
  let sends = 0;
  client.middlewareStack.add((next) => (args) => {
    sends++;
    return next(args);
  }, { step: "initialize" });
  const lean = await outcome(() => factory.bucketLists(credentials, region, () => client).list(page));
  expect(sends, "the lean page went through the SDK").toBe(0);
  const sdk = await outcome(() => sdkBucketLists(() => client).list(page));
  expect(sends).toBe(1);
  return { lean, sdk };
}

/** Every page of `accountId`'s listing both ways, `max` a page, followed by each path's own tokens. */
async function listAll(factory: AwsClientFactory, sandbox: Sandbox, accountId: string, max: number): Promise<number> {
  const credentials = () => Promise.resolve(derivedCredentials(accountId));
  let token: string | undefined;
  let pages = 0;
  do {
    const { lean, sdk } = await both(factory, sandbox.region, credentials, { MaxBuckets: max, ContinuationToken: token });
    expect(lean, `${accountId} page ${pages}`).toEqual(sdk);
    expect(lean.ok).toBe(true);
    pages++;
    token = (lean as { output: { ContinuationToken?: string } }).output.ContinuationToken;
  } while (token !== undefined);
  return pages;
}

describe("aws/lean S3 ListBuckets", () => {
  it("lists every account of the demo and of a generated organization as the SDK's client does, page by page", async () => {
    for (const sandbox of [demo, generated]) {
      const factory = await factoryOn(sandbox);
      try {
        const accounts = [...sandbox.world.accounts.keys()];
        expect(accounts.length).toBeGreaterThan(2);
        let smallPages = 0;
        for (const accountId of accounts) {
          // One page of up to 1,000 (what the scan asks), and pages of 3 (several pages, each followed by its token).
          expect(await listAll(factory, sandbox, accountId, 1000)).toBe(1);
          smallPages += await listAll(factory, sandbox, accountId, 3);
        }
        // Some accounts listed over several pages.
        expect(smallPages).toBeGreaterThan(accounts.length);
      } finally {
        factory.close();
      }
    }
  });

  it("follows continuation tokens over several pages, and fails on a bad token or a refused listing as the SDK does", async () => {
    const factory = await factoryOn(small);
    try {
      expect(await listAll(factory, small, ACCOUNTS.prod, 2)).toBe(4);
      const prod = () => Promise.resolve(derivedCredentials(ACCOUNTS.prod));
      const bad = await both(factory, small.region, prod, { MaxBuckets: 2, ContinuationToken: "not/a+token=&x" });
      expect(bad.lean).toEqual(bad.sdk);
      expect(bad.sdk).toMatchObject({ ok: false, code: "InvalidArgument" });
      // The dev account's audit role may not list its buckets.
      const sts = factory.sts(() => Promise.resolve(derivedCredentials(ACCOUNTS.management)));
      const dev = assumeRoleCredentials({ accountId: ACCOUNTS.dev, roleName: AUDIT_ROLE, masterCredentials: () => Promise.resolve(derivedCredentials(ACCOUNTS.management)), stsConfig: factory.stsConfig(), sts });
      const denied = await both(factory, small.region, dev, { MaxBuckets: 1000 });
      expect(denied.lean).toEqual(denied.sdk);
      expect(denied.sdk).toMatchObject({ ok: false, code: "AccessDenied", denied: true });
    } finally {
      factory.close();
    }
  });

  it("retries a throttled page through the retry strategy and counts its attempts", async () => {
    const factory = await factoryOn(throttled, 10);
    try {
      const accountId = [...throttled.world.accounts.keys()][1]!;
      const credentials = () => Promise.resolve(derivedCredentials(accountId));
      let retried = 0;
      for (let i = 0; i < 6; i++) {
        const from = throttled.calls.length;
        const lean = await outcome(() => factory.bucketLists(credentials, throttled.region, () => factory.s3(credentials, throttled.region)).list({ MaxBuckets: 1000 }));
        expect(lean, JSON.stringify(lean)).toMatchObject({ ok: true });
        const attempts = (lean as { attempts: number }).attempts;
        // Its attempts are the sandbox's calls, all throttled but the last.
        const statuses = throttled.calls.slice(from).map((call) => [call.operation, call.status >= 400]);
        expect(statuses).toEqual([...Array.from({ length: attempts - 1 }, () => ["ListBuckets", true]), ["ListBuckets", false]]);
        if (attempts > 1) retried++;
      }
      expect(retried).toBeGreaterThan(0);
    } finally {
      factory.close();
    }
  });

  it("sends ListBuckets where the SDK's S3 endpoint rules would", async () => {
    const configs: { region: string; endpoint?: string; forcePathStyle?: boolean; useDualstackEndpoint?: boolean; useFipsEndpoint?: boolean }[] = [
      { endpoint: "http://127.0.0.1:4566", region: "eu-west-1", forcePathStyle: true },
      { region: "us-east-1" },
      { region: "eu-west-1" },
      { region: "eu-central-1", useDualstackEndpoint: true },
      { region: "us-gov-west-1", useFipsEndpoint: true },
      { region: "cn-north-1" },
    ];
    for (const config of configs) {
      const client = new S3Client({ ...config, credentials: { accessKeyId: "A", secretAccessKey: "B" } });
      const template = await resolveListBucketsTemplate(client);
      const sdk = await getEndpointFromInstructions({}, ListBucketsCommand, client.config as never);
      expect(template?.url.href, JSON.stringify(config)).toBe(sdk.url.href);
      const scheme = (sdk.properties!.authSchemes as { signingRegion: string; signingName: string }[])[0]!;
      expect([template!.signingRegion, template!.signingName]).toEqual([scheme.signingRegion, scheme.signingName]);
    }
  });
});
