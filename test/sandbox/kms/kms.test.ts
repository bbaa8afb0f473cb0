import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { derivedCredentials, startSandbox, type Sandbox } from "../../../src/sandbox/index.js";
import { ACCOUNTS } from "../../support/accounts.js";
import { failure } from "../../support/sandbox.js";
import { iamScenario } from "../iam/world.js";

const KEY = "1234abcd-12ab-34cd-56ef-1234567890ab";
const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNTS.prod}:key/${KEY}`;

describe("sandbox/kms", () => {
  let sandbox: Sandbox;
  const kms = (accountId: string, region = "eu-west-1") =>
    new KMSClient({ endpoint: sandbox.endpoint, region, credentials: derivedCredentials(accountId), maxAttempts: 1 });
  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: iamScenario() });
  });
  afterAll(() => sandbox.close());

  it("answers GetKeyPolicy with the default key policy when the scenario gives none", async () => {
    const answer = await kms(ACCOUNTS.prod).send(new GetKeyPolicyCommand({ KeyId: KEY_ARN }));
    expect(answer.PolicyName).toBe("default");
    expect(JSON.parse(answer.Policy!).Statement[0]).toMatchObject({ Sid: "Enable IAM User Permissions", Principal: { AWS: `arn:aws:iam::${ACCOUNTS.prod}:root` }, Action: "kms:*" });
    expect(sandbox.calls.at(-1)).toMatchObject({ service: "kms", operation: "GetKeyPolicy", status: 200 });
  });

  it("describes a key by alias", async () => {
    const { KeyMetadata } = await kms(ACCOUNTS.prod).send(new DescribeKeyCommand({ KeyId: "alias/prod-data" }));
    expect(KeyMetadata).toMatchObject({ KeyId: KEY, Arn: KEY_ARN, AWSAccountId: ACCOUNTS.prod, KeyState: "Enabled", KeyManager: "CUSTOMER" });
  });

  it("answers NotFoundException for an unknown key, a key of another Region, or an alias to GetKeyPolicy", async () => {
    expect((await failure(kms(ACCOUNTS.prod).send(new GetKeyPolicyCommand({ KeyId: "nope" })))).name).toBe("NotFoundException");
    expect((await failure(kms(ACCOUNTS.prod, "us-east-1").send(new GetKeyPolicyCommand({ KeyId: KEY })))).name).toBe("NotFoundException");
    expect((await failure(kms(ACCOUNTS.prod).send(new GetKeyPolicyCommand({ KeyId: "alias/prod-data" })))).name).toBe("NotFoundException");
  });

  it("does not read another account's key policy (GetKeyPolicy is not cross-account)", async () => {
    const error = await failure(kms(ACCOUNTS.backup).send(new GetKeyPolicyCommand({ KeyId: KEY_ARN })));
    expect(error.name).toBe("AccessDeniedException");
  });
});
