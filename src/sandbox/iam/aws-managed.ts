/**
 * The AWS managed policies the sandbox knows (a scenario's roles may attach them by ARN). Documents
 * as AWS publishes them, reduced to their statements:
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonS3FullAccess.html
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonS3ReadOnlyAccess.html
 */
import type { IamPolicyDocument } from "../types.js";

export interface AwsManagedPolicy {
  name: string;
  arn: string;
  policyId: string;
  /** The default version AWS currently serves. */
  versionId: string;
  document: IamPolicyDocument;
}

const managed = (name: string, policyId: string, versionId: string, statements: IamPolicyDocument["Statement"]): AwsManagedPolicy => ({
  name,
  arn: `arn:aws:iam::aws:policy/${name}`,
  policyId,
  versionId,
  document: { Version: "2012-10-17", Statement: statements },
});

export const AWS_MANAGED_POLICIES: ReadonlyMap<string, AwsManagedPolicy> = new Map(
  [
    managed("AdministratorAccess", "ANPAIWMBCKSKIEE64ZLYK", "v1", [{ Effect: "Allow", Action: "*", Resource: "*" }]),
    managed("AmazonS3FullAccess", "ANPAIFIR6V6BVTRAHWINE", "v2", [{ Effect: "Allow", Action: ["s3:*", "s3-object-lambda:*"], Resource: "*" }]),
    managed("AmazonS3ReadOnlyAccess", "ANPAIZTJ4DXE7G6AGAE6M", "v3", [
      { Effect: "Allow", Action: ["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"], Resource: "*" },
    ]),
  ].map((policy) => [policy.arn, policy]),
);
