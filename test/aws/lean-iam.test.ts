/**
 * The replication role reads on the lean path (src/aws/lean-iam.ts) answer for answer against the
 * SDK's IAM client, both over HTTP to the sandbox: every role of the demo and of a generated
 * organization (GetRole, its inline and attached policies, each policy's default version), what
 * `readRole` makes of them, a role's lists a page at a time by their markers, a missing role (NoSuchEntity),
 * an audit role refused iam:GetRole (AccessDenied), a throttled read retried and counted; the lean
 * reads never enter the client's middleware stack. And the endpoint against the SDK's rules.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { getEndpointFromInstructions } from "@smithy/core/endpoints";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { assumeRoleCredentials, createRequestLimiter, sdkIamReads, toBucketError, type AwsClientFactory, type IamReads } from "../../src/aws/index.js";
import { resolveIamTemplate } from "../../src/aws/lean-iam.js";
import { readRole } from "../../src/scan/iam-role.js";
import { derivedCredentials, startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { ACCOUNTS, AUDIT_ROLE } from "../support/accounts.js";
import { account, scenario } from "../support/scenario.js";
import { callOutcome } from "../support/lean-outcome.js";
import { leanFactory as factoryOn } from "../support/quick-retries.js";

const outcome = (call: () => Promise<unknown>) => callOutcome(call, (e) => ({ message: e.message, bucketError: toBucketError("Op", e) }));

const DENY_GET_ROLE = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "iam:GetRole", Resource: "*" }, { Effect: "Allow", Action: "*", Resource: "*" }] };
const TRUST = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }] };
const ALLOW = (action: string) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });

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
        organization: "o-leaniam1234",
        accounts: [
          account(ACCOUNTS.management, "management"),
          account(ACCOUNTS.prod, "prod", {
            roles: [
              {
                name: "replication-many",
                path: "/service-role/",
                trustPolicy: TRUST,
                inlinePolicies: { "one+two=3": ALLOW("s3:GetObject"), second: ALLOW("s3:ListBucket"), third: ALLOW("kms:Decrypt") },
                attachedPolicies: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3FullAccess"],
              },
            ],
          }),
          account(ACCOUNTS.dev, "dev", { auditRole: { policy: DENY_GET_ROLE }, roles: [{ name: "replication", trustPolicy: TRUST }] }),
        ],
      }),
    }),
    startSandbox({ scenario: "demo", faults: { throttleRate: 0.5, seed: 3 } }),
  ]);
});
afterAll(async () => {
  await Promise.all([demo, generated, small, throttled].map((sandbox) => sandbox?.close()));
});

/** Both paths for one account: the lean reads (never through the client's stack) and the SDK's. */
function pathsFor(factory: AwsClientFactory, credentials: AwsCredentialIdentityProvider): { lean: IamReads; sdk: IamReads; sends: () => number } {
  const client = factory.iam(credentials);
  let sends = 0;
  client.middlewareStack.add((next) => (args) => {
    sends++;
    return next(args);
  }, { step: "initialize" });
  return { lean: factory.iamReads(credentials), sdk: sdkIamReads(() => client), sends: () => sends };
}

/** Every read of `roleName` both ways (with `paged`, each list also one item a page); returns how many reads were compared. */
async function compareRole(paths: ReturnType<typeof pathsFor>, roleName: string, paged = false): Promise<number> {
  let compared = 0;
  const both = async (read: (iam: IamReads) => Promise<unknown>) => {
    const before = paths.sends();
    const lean = await outcome(() => read(paths.lean));
    expect(paths.sends(), "a lean read went through the SDK").toBe(before);
    const sdk = await outcome(() => read(paths.sdk));
    expect(lean, roleName).toEqual(sdk);
    compared++;
    return sdk as { ok: boolean; output: Record<string, unknown> };
  };
  const role = await both((iam) => iam.read("GetRole", { RoleName: roleName }));
  if (!role.ok) return compared;
  const inline = await both((iam) => iam.read("ListRolePolicies", { RoleName: roleName }));
  for (const PolicyName of (inline.output.PolicyNames as string[]) ?? []) await both((iam) => iam.read("GetRolePolicy", { RoleName: roleName, PolicyName }));
  const attached = await both((iam) => iam.read("ListAttachedRolePolicies", { RoleName: roleName }));
  for (const { PolicyArn } of (attached.output.AttachedPolicies as { PolicyArn: string }[]) ?? []) {
    const policy = await both((iam) => iam.read("GetPolicy", { PolicyArn }));
    const VersionId = (policy.output.Policy as { DefaultVersionId: string }).DefaultVersionId;
    await both((iam) => iam.read("GetPolicyVersion", { PolicyArn, VersionId }));
  }
  // A page at a time, each path following its own markers.
  for (const operation of paged ? (["ListRolePolicies", "ListAttachedRolePolicies"] as const) : []) {
    let Marker: string | undefined;
    do {
      const page = await both((iam) => iam.read(operation, { RoleName: roleName, Marker, MaxItems: 1 }));
      Marker = page.output.IsTruncated === true ? (page.output.Marker as string) : undefined;
    } while (Marker !== undefined);
  }
  const request = createRequestLimiter(4);
  const arn = `arn:aws:iam::000000000000:role/${roleName}`;
  expect(await readRole(paths.lean, request, arn)).toEqual(await readRole(paths.sdk, request, arn));
  return compared;
}

describe("aws/lean IAM role reads", () => {
  it("reads every role of the demo and of a generated organization as the SDK's IAM client does", async () => {
    for (const sandbox of [demo, generated]) {
      const factory = await factoryOn(sandbox);
      try {
        let roles = 0;
        let reads = 0;
        for (const [accountId, state] of sandbox.world.accounts) {
          const paths = pathsFor(factory, () => Promise.resolve(derivedCredentials(accountId)));
          for (const roleName of state.roles.keys()) {
            reads += await compareRole(paths, roleName);
            roles++;
          }
          // A role that does not exist: NoSuchEntity both ways (readRole: a role that is not there).
          reads += await compareRole(paths, "no-such-role");
        }
        expect(roles).toBeGreaterThan(1);
        expect(reads).toBeGreaterThan(roles * 4);
      } finally {
        factory.close();
      }
    }
  });

  it("pages a role's many policies by their markers, and fails a refused GetRole as the SDK does", async () => {
    const factory = await factoryOn(small);
    try {
      const prod = pathsFor(factory, () => Promise.resolve(derivedCredentials(ACCOUNTS.prod)));
      // GetRole, 2 lists, 3 inline, 2 × (GetPolicy, GetPolicyVersion), then pages of one: 3 and 2.
      expect(await compareRole(prod, "replication-many", true)).toBe(1 + 2 + 3 + 4 + 3 + 2);
      const master = () => Promise.resolve(derivedCredentials(ACCOUNTS.management));
      const dev = assumeRoleCredentials({ accountId: ACCOUNTS.dev, roleName: AUDIT_ROLE, masterCredentials: master, stsConfig: factory.stsConfig(), sts: factory.sts(master) });
      const denied = pathsFor(factory, dev);
      const lean = await outcome(() => denied.lean.read("GetRole", { RoleName: "replication" }));
      expect(lean).toEqual(await outcome(() => denied.sdk.read("GetRole", { RoleName: "replication" })));
      expect(lean).toMatchObject({ ok: false, code: "AccessDenied", denied: true });
    } finally {
      factory.close();
    }
  });

  it("retries a throttled read through the retry strategy and counts its attempts", async () => {
    const factory = await factoryOn(throttled, 10);
    try {
      const [accountId, state] = [...throttled.world.accounts].find(([, s]) => s.roles.size > 0)!;
      const lean = factory.iamReads(() => Promise.resolve(derivedCredentials(accountId)));
      const roleName = [...state.roles.keys()][0]!;
      let retried = 0;
      for (let i = 0; i < 6; i++) {
        const from = throttled.calls.length;
        const read = await outcome(() => lean.read("GetRole", { RoleName: roleName }));
        expect(read, JSON.stringify(read)).toMatchObject({ ok: true });
        const attempts = (read as { attempts: number }).attempts;
        const statuses = throttled.calls.slice(from).map((call) => [call.operation, call.status >= 400]);
        expect(statuses).toEqual([...Array.from({ length: attempts - 1 }, () => ["GetRole", true]), ["GetRole", false]]);
        if (attempts > 1) retried++;
      }
      expect(retried).toBeGreaterThan(0);
    } finally {
      factory.close();
    }
  });

  it("sends where the SDK's IAM endpoint rules would, signed as the SDK signs", async () => {
    for (const config of [{ endpoint: "http://127.0.0.1:4566" }, {}, { useFipsEndpoint: true }, { region: "us-gov-west-1" }, { region: "cn-north-1" }]) {
      const client = new IAMClient({ region: "us-east-1", ...config, credentials: { accessKeyId: "A", secretAccessKey: "B" } });
      const template = await resolveIamTemplate(client);
      const sdk = await getEndpointFromInstructions({}, GetRoleCommand, client.config as never);
      expect(template?.url.href, JSON.stringify(config)).toBe(sdk.url.href);
      const scheme = (sdk.properties?.authSchemes as { signingRegion?: string; signingName?: string }[] | undefined)?.[0];
      expect([template!.signingRegion, template!.signingName]).toEqual([scheme?.signingRegion ?? (await client.config.region()), scheme?.signingName ?? "iam"]);
    }
  });
});
