import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../../src/sandbox/index.js";
import { ACCOUNTS } from "../../support/accounts.js";
import { failure } from "../../support/sandbox.js";
import { derivedCredentials } from "../../../src/sandbox/index.js";
import { iamScenario, REPLICATE, S3_TRUST } from "./world.js";

describe("sandbox/iam", () => {
  let sandbox: Sandbox;
  let iam: IAMClient;
  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: iamScenario() });
    // IAM is global: the SDK signs for us-east-1 whatever the client's Region.
    iam = new IAMClient({ endpoint: sandbox.endpoint, region: "us-east-1", credentials: derivedCredentials(ACCOUNTS.prod), maxAttempts: 1 });
  });
  afterAll(() => sandbox.close());

  it("answers GetRole with the trust policy URL-encoded, as IAM returns it", async () => {
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: "s3-repl" }));
    expect(Role).toMatchObject({ RoleName: "s3-repl", Path: "/service-role/", Arn: `arn:aws:iam::${ACCOUNTS.prod}:role/service-role/s3-repl`, MaxSessionDuration: 7200 });
    expect(Role?.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(Role?.AssumeRolePolicyDocument).toContain("%22Service%22");
    expect(JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!))).toEqual(S3_TRUST);
    expect(sandbox.calls.at(-1)).toMatchObject({ service: "iam", operation: "GetRole", account: ACCOUNTS.prod, region: "us-east-1", status: 200, mutating: false });
  });

  it("lists and reads inline policies", async () => {
    const list = await iam.send(new ListRolePoliciesCommand({ RoleName: "s3-repl" }));
    expect(list).toMatchObject({ PolicyNames: ["replicate"], IsTruncated: false });
    const inline = await iam.send(new GetRolePolicyCommand({ RoleName: "s3-repl", PolicyName: "replicate" }));
    expect(JSON.parse(decodeURIComponent(inline.PolicyDocument!))).toEqual(REPLICATE);
  });

  it("lists attached policies and reads customer and AWS managed policy versions", async () => {
    const { AttachedPolicies } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "s3-repl" }));
    expect(AttachedPolicies).toEqual([
      { PolicyName: "read-source", PolicyArn: `arn:aws:iam::${ACCOUNTS.prod}:policy/read-source` },
      { PolicyName: "AmazonS3ReadOnlyAccess", PolicyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" },
    ]);
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" }));
    expect(Policy).toMatchObject({ PolicyName: "AmazonS3ReadOnlyAccess", DefaultVersionId: "v3", IsAttachable: true });
    const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: Policy!.Arn!, VersionId: "v3" }));
    expect(JSON.parse(decodeURIComponent(version.PolicyVersion!.Document!)).Statement[0].Action).toContain("s3:Get*");
    const own = await iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${ACCOUNTS.prod}:policy/read-source` }));
    expect(own.Policy).toMatchObject({ DefaultVersionId: "v1", AttachmentCount: 1 });
  });

  it("answers NoSuchEntity (404) for a role or policy that does not exist, or one of another account", async () => {
    const missing = await failure(iam.send(new GetRoleCommand({ RoleName: "nope" })));
    expect(missing).toMatchObject({ name: "NoSuchEntityException", message: "The role with name nope cannot be found." });
    expect(missing.$metadata.httpStatusCode).toBe(404);
    const backup = new IAMClient({ endpoint: sandbox.endpoint, region: "us-east-1", credentials: derivedCredentials(ACCOUNTS.backup), maxAttempts: 1 });
    expect((await failure(backup.send(new GetRoleCommand({ RoleName: "s3-repl" })))).name).toBe("NoSuchEntityException");
    const version = await failure(iam.send(new GetPolicyVersionCommand({ PolicyArn: `arn:aws:iam::${ACCOUNTS.prod}:policy/read-source`, VersionId: "v9" })));
    expect(version.name).toBe("NoSuchEntityException");
  });
});
