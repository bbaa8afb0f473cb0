import type { KeyState } from "./contracts.js";

/**
 * The principal of an unsigned S3 request ("anonymous requests", https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html):
 * it belongs to no account, so only a policy granting Principal "*" lets it in.
 */
export const ANONYMOUS: KeyState = { accessKeyId: "", secretAccessKey: "", accountId: "", principalArn: "*", userId: "anonymous" };

export const isAnonymous = (caller: KeyState): boolean => caller.accountId === "";
