/**
 * The sandbox's IAM and KMS reads against moto_server: the same roles, policies and key created in
 * moto (as its default account) and described in a scenario, read back through the same SDK calls;
 * volatile values (ids, dates) compared on format only.
 */
import { CreateKeyCommand, GetKeyPolicyCommand, KMSClient } from "@aws-sdk/client-kms";
import * as iam from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type IamPolicyDocument, type Sandbox } from "../../../src/sandbox/index.js";
import { sharedMotoOrSkip } from "../../support/moto.js";

const moto = await sharedMotoOrSkip();
/** moto's default account; the scenario's management account has the same id so ARNs compare. */
const ACCOUNT = "123456789012";
const TRUST: IamPolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }] };
const INLINE: IamPolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:ReplicateObject", "s3:ReplicateDelete"], Resource: "arn:aws:s3:::vault/*" }] };
const MANAGED: IamPolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetReplicationConfiguration", Resource: "arn:aws:s3:::src" }] };
const MANAGED_ARN = `arn:aws:iam::${ACCOUNT}:policy/read-source`;

describe.skipIf(moto === undefined)("sandbox/iam conformance against moto_server", () => {
  let sandbox: Sandbox;
  const clients: Record<"sandbox" | "moto", iam.IAMClient> = {} as never;
  beforeAll(async () => {
    sandbox = await startSandbox({
      scenario: {
        organization: null,
        accounts: [
          {
            id: ACCOUNT,
            name: "moto",
            roles: [{ name: "s3-repl", path: "/service-role/", trustPolicy: TRUST, inlinePolicies: { replicate: INLINE }, attachedPolicies: [MANAGED_ARN] }],
            managedPolicies: [{ name: "read-source", document: MANAGED }],
            kmsKeys: [{ id: "default-policy-key", region: "eu-west-1" }],
          },
        ],
      },
    });
    const config = (endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }) => ({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
    clients.sandbox = new iam.IAMClient(config(sandbox.endpoint, sandbox.credentials));
    clients.moto = new iam.IAMClient(config(moto!.endpoint, { accessKeyId: "AKIAMOTOEXAMPLE00001", secretAccessKey: "moto" }));
    const m = clients.moto;
    await m.send(new iam.CreateRoleCommand({ RoleName: "s3-repl", Path: "/service-role/", AssumeRolePolicyDocument: JSON.stringify(TRUST) }));
    await m.send(new iam.PutRolePolicyCommand({ RoleName: "s3-repl", PolicyName: "replicate", PolicyDocument: JSON.stringify(INLINE) }));
    await m.send(new iam.CreatePolicyCommand({ PolicyName: "read-source", PolicyDocument: JSON.stringify(MANAGED) }));
    await m.send(new iam.AttachRolePolicyCommand({ RoleName: "s3-repl", PolicyArn: MANAGED_ARN }));
  });
  afterAll(async () => {
    await sandbox?.close();
    await moto?.stop();
  });

  const both = async <T>(read: (client: iam.IAMClient) => Promise<T>): Promise<{ sandbox: T; moto: T }> => ({ sandbox: await read(clients.sandbox), moto: await read(clients.moto) });
  const decoded = (text: string | undefined): unknown => JSON.parse(decodeURIComponent(text ?? ""));

  it("GetRole: same role, same trust policy (URL-encoded by both)", async () => {
    const answers = await both((c) => c.send(new iam.GetRoleCommand({ RoleName: "s3-repl" })));
    for (const answer of Object.values(answers)) {
      expect(answer.Role).toMatchObject({ RoleName: "s3-repl", Path: "/service-role/", Arn: `arn:aws:iam::${ACCOUNT}:role/service-role/s3-repl`, MaxSessionDuration: 3600 });
      expect(answer.Role?.RoleId).toMatch(/^AROA[A-Z0-9]{17}$/);
      expect(answer.Role?.CreateDate).toBeInstanceOf(Date);
      expect(decoded(answer.Role?.AssumeRolePolicyDocument)).toEqual(TRUST);
    }
  });

  it("ListRolePolicies, GetRolePolicy, ListAttachedRolePolicies: the same answers", async () => {
    const names = await both((c) => c.send(new iam.ListRolePoliciesCommand({ RoleName: "s3-repl" })));
    expect({ sandbox: names.sandbox.PolicyNames, moto: names.moto.PolicyNames }).toEqual({ sandbox: ["replicate"], moto: ["replicate"] });
    const inline = await both((c) => c.send(new iam.GetRolePolicyCommand({ RoleName: "s3-repl", PolicyName: "replicate" })));
    expect({ sandbox: decoded(inline.sandbox.PolicyDocument), moto: decoded(inline.moto.PolicyDocument) }).toEqual({ sandbox: INLINE, moto: INLINE });
    const attached = await both((c) => c.send(new iam.ListAttachedRolePoliciesCommand({ RoleName: "s3-repl" })));
    const expected = [{ PolicyName: "read-source", PolicyArn: MANAGED_ARN }];
    expect({ sandbox: attached.sandbox.AttachedPolicies, moto: attached.moto.AttachedPolicies }).toEqual({ sandbox: expected, moto: expected });
  });

  it("GetPolicy and GetPolicyVersion: default version v1, the document URL-encoded", async () => {
    const policy = await both((c) => c.send(new iam.GetPolicyCommand({ PolicyArn: MANAGED_ARN })));
    for (const answer of Object.values(policy)) expect(answer.Policy).toMatchObject({ PolicyName: "read-source", Arn: MANAGED_ARN, DefaultVersionId: "v1", AttachmentCount: 1, IsAttachable: true });
    const version = await both((c) => c.send(new iam.GetPolicyVersionCommand({ PolicyArn: MANAGED_ARN, VersionId: "v1" })));
    expect({ sandbox: decoded(version.sandbox.PolicyVersion?.Document), moto: decoded(version.moto.PolicyVersion?.Document) }).toEqual({ sandbox: MANAGED, moto: MANAGED });
  });

  it("NoSuchEntity for a missing role, from both", async () => {
    const errors = await both((c) => c.send(new iam.GetRoleCommand({ RoleName: "nope" })).then(() => null, (e: Error & { $metadata: { httpStatusCode?: number } }) => ({ name: e.name, status: e.$metadata.httpStatusCode })));
    expect(errors).toEqual({ sandbox: { name: "NoSuchEntityException", status: 404 }, moto: { name: "NoSuchEntityException", status: 404 } });
  });

  it("KMS GetKeyPolicy: the default key policy lets the account root do everything, in both", async () => {
    const motoKms = new KMSClient({ endpoint: moto!.endpoint, region: "eu-west-1", credentials: { accessKeyId: "AKIAMOTOEXAMPLE00001", secretAccessKey: "moto" }, maxAttempts: 1 });
    const created = await motoKms.send(new CreateKeyCommand({}));
    const answer = await motoKms.send(new GetKeyPolicyCommand({ KeyId: created.KeyMetadata!.KeyId!, PolicyName: "default" }));
    const sandboxKms = new KMSClient({ endpoint: sandbox.endpoint, region: "eu-west-1", credentials: sandbox.credentials, maxAttempts: 1 });
    const ours = await sandboxKms.send(new GetKeyPolicyCommand({ KeyId: "default-policy-key", PolicyName: "default" }));
    const first = (policy: string | undefined) => (JSON.parse(policy ?? "") as { Statement: Array<Record<string, unknown>> }).Statement[0];
    const expected = { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" };
    expect({ sandbox: first(ours.Policy), moto: first(answer.Policy) }).toMatchObject({ sandbox: expected, moto: expected });
  });
});
