/**
 * KMS GetKeyPolicy through the lean path (src/aws/lean-kms.ts) answer for answer against the SDK's
 * KMS client, both sent to the sandbox over HTTP: every demo key read in its account and Region (a
 * policy), from another Region and for a key that does not exist (NotFoundException), and from
 * another account (AccessDeniedException): the same output, or the same error as errors.ts, the
 * limiter and the retry strategy read it; and a throttled read retried and counted alike.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetKeyPolicyCommand, KMSClient } from "@aws-sdk/client-kms";
import { getEndpointFromInstructions } from "@smithy/core/endpoints";
import { AwsClientFactory, sdkKeyPolicies, toBucketError } from "../../src/aws/index.js";
import { resolveKmsTemplate } from "../../src/aws/lean-kms.js";
import { derivedCredentials, loadScenario, startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { callOutcome } from "../support/lean-outcome.js";
import { quickRetries } from "../support/quick-retries.js";

const outcome = (call: () => Promise<unknown>) => callOutcome(call, (e) => ({ message: e.message, bucketError: toBucketError("GetKeyPolicy", e) }));

let sandbox: Sandbox;
let throttled: Sandbox;
let factory: AwsClientFactory;
let keys: { account: string; region: string; arn: string }[];
beforeAll(async () => {
  sandbox = await startSandbox({ scenario: "demo" });
  throttled = await startSandbox({ scenario: "demo", faults: { throttleRate: 0.5, seed: 3 } });
  factory = new AwsClientFactory({ endpoint: sandbox.endpoint, region: sandbox.region, maxAttempts: 1, maxSockets: 8 });
  await factory.resolveS3Settings();
  const scenario = await loadScenario("demo");
  keys = scenario.accounts.flatMap((account) => (account.kmsKeys ?? []).map((key) => ({ account: account.id, region: key.region, arn: `arn:aws:kms:${key.region}:${account.id}:key/${key.id}` })));
});
afterAll(async () => {
  factory.close();
  await sandbox.close();
  await throttled.close();
});

/** Both paths for one key, read with `account`'s credentials in `region`. */
async function both(f: AwsClientFactory, account: string, region: string, keyId: string) {
  const credentials = () => Promise.resolve(derivedCredentials(account));
  const client = f.kms(credentials, region);
  const lean = await outcome(() => f.keyPolicies(credentials, region).get(keyId));
  return { lean, sdk: await outcome(() => sdkKeyPolicies(() => client).get(keyId)) };
}

describe("aws/lean KMS GetKeyPolicy", () => {
  it("answers every demo key as the SDK client does: its policy, NotFound and AccessDenied", async () => {
    expect(keys.length).toBeGreaterThanOrEqual(3);
    const seen = new Set<string>();
    for (const key of keys) {
      const other = keys.find((k) => k.account !== key.account)!.account;
      const otherRegion = key.region === "us-east-1" ? "eu-west-1" : "us-east-1";
      const cases: [string, string, string][] = [
        [key.account, key.region, key.arn],
        [key.account, otherRegion, key.arn],
        [key.account, key.region, key.arn.replace(/key\/.*/, "key/no-such-key")],
        [other, key.region, key.arn],
      ];
      for (const [account, region, keyId] of cases) {
        const { lean, sdk } = await both(factory, account, region, keyId);
        expect(lean, `${account} ${region} ${keyId}`).toEqual(sdk);
        seen.add(sdk.ok ? "ok" : (sdk.code ?? "none"));
      }
    }
    expect([...seen].sort()).toEqual(["AccessDeniedException", "NotFoundException", "ok"]);
  });

  it("retries a throttled read through the retry strategy and counts its attempts", async () => {
    const retrying = new AwsClientFactory({ endpoint: throttled.endpoint, region: throttled.region, maxAttempts: 8, maxSockets: 8, retryStrategy: quickRetries(8).strategy });
    try {
      await retrying.resolveS3Settings();
      const key = keys[0]!;
      const from = throttled.calls.length;
      const { lean } = await both(retrying, key.account, key.region, key.arn);
      // The sandbox's throttles are seeded: the lean read's first attempts are throttled, then it is answered.
      expect(lean, JSON.stringify(lean)).toMatchObject({ ok: true });
      const attempts = (lean as { attempts: number }).attempts;
      expect(attempts).toBeGreaterThan(1);
      // Its attempts are the sandbox's first calls, all throttled but the last.
      const statuses = throttled.calls.slice(from, from + attempts).map((call) => [call.operation, call.status]);
      expect(statuses).toEqual([...Array.from({ length: attempts - 1 }, () => ["GetKeyPolicy", 400]), ["GetKeyPolicy", 200]]);
    } finally {
      retrying.close();
    }
  });

  it("resolves the endpoint the SDK's rules give, for the sandbox and for AWS", async () => {
    const configs: { region: string; endpoint?: string; useDualstackEndpoint?: boolean; useFipsEndpoint?: boolean }[] = [
      { endpoint: "http://127.0.0.1:4566", region: "eu-west-1" },
      { region: "us-east-1" },
      { region: "eu-central-1", useDualstackEndpoint: true },
      { region: "us-gov-west-1", useFipsEndpoint: true },
      { region: "cn-north-1" },
    ];
    for (const config of configs) {
      const client = new KMSClient({ ...config, credentials: { accessKeyId: "A", secretAccessKey: "B" } });
      const template = await resolveKmsTemplate(client, config.region);
      const sdk = await getEndpointFromInstructions({}, GetKeyPolicyCommand, client.config as never);
      expect(template?.url.href, JSON.stringify(config)).toBe(sdk.url.href);
      expect(template?.signingName).toBe("kms");
      expect(template?.signingRegion).toBe(config.region);
    }
  });
});
