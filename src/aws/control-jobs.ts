/**
 * S3 Control ListJobs on the lean read path (docs/scale.md, "ListJobs on the lean path"): the
 * `batchReplication` fact lists an account's completed jobs once per Region, and each of those
 * calls went through an S3 Control client of its own (one per account and Region: its construction,
 * its first resolution of the middleware stack and the endpoint rules), about 2 ms of CPU a call.
 * Here the call is one SigV4 signature (`@smithy/signature-v4`, service `s3`, as the SDK signs
 * S3 Control), one GET `/v20180820/jobs` with the account in `x-amz-account-id`, and one parse
 * with the SDK's XML parser into the SDK's output shape; retried, counted and failing as the SDK
 * client's call would (lean-s3.ts). The endpoint is the SDK's own rule engine's, run once per
 * Region for a probe account (whose id the rules put in the host), as lean-s3 does for buckets;
 * an endpoint the rules do not give that way, or not signed with SigV4, stays on the SDK client.
 * DescribeJob (one per completed replication job, rare) stays on the SDK client.
 */
import { ListJobsCommand, type ListJobsCommandOutput, type S3ControlClient } from "@aws-sdk/client-s3-control";
import { extendedEncodeURIComponent } from "@smithy/core/protocols";
import type { EndpointTemplate, LeanS3 } from "./lean-s3.js";
import { parseXmlBody, read, struct, type Shape } from "./lean-shapes.js";
import { leanRoute } from "./lean-route.js";
import { sigv4Endpoint } from "./sdk-endpoint.js";

/** The account id the S3 Control endpoint templates are resolved for (12 digits, as the rules want). */
export const PROBE_ACCOUNT = "000011112222";

/** The only listing the scanner makes: completed jobs, up to 1000 a page. */
export const JOB_STATUS = "Complete";
export const MAX_RESULTS = 1000;

/** One page of completed jobs of `accountId` (in the client's Region), in the SDK's output shape; rejects with the SDK's error. */
export interface JobLists {
  list(accountId: string, nextToken: string | undefined): Promise<ListJobsCommandOutput>;
}

/** Every page through the SDK client. */
export function sdkJobLists(client: () => S3ControlClient): JobLists {
  return {
    list: (AccountId, NextToken) => client().send(new ListJobsCommand({ AccountId, JobStatuses: [JOB_STATUS], MaxResults: MAX_RESULTS, NextToken })),
  };
}

/** ListJobsResult (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_ListJobs.html): lists as `<member>` elements. */
const LIST_JOBS: Shape = struct({
  NextToken: "string",
  Jobs: {
    list: struct({
      JobId: "string",
      Description: "string",
      Operation: "string",
      Priority: "int",
      Status: "string",
      CreationTime: "timestamp",
      TerminationDate: "timestamp",
      ProgressSummary: struct({
        TotalNumberOfTasks: "int",
        NumberOfTasksSucceeded: "int",
        NumberOfTasksFailed: "int",
        Timers: struct({ ElapsedTimeInActiveSeconds: "int" }),
      }),
    }),
    flat: false,
    item: "member",
  },
});

export const parseListJobs = (xml: string): Record<string, unknown> => read(LIST_JOBS, parseXmlBody(xml)) as Record<string, unknown>;

/**
 * Pages through the lean path where the Region's template applies, else through the SDK client
 * (made, `client`, only then). The template is asked for once (`template` answers with a promise).
 */
export function leanJobLists(lean: LeanS3, template: () => Promise<EndpointTemplate | null>, client: () => S3ControlClient): JobLists {
  const route = leanRoute(template, () => sdkJobLists(client));
  return {
    list: (accountId, nextToken) =>
      route((sdk) => sdk.list(accountId, nextToken), async (target, slot) => {
        const query: Record<string, string> = { jobStatuses: JOB_STATUS, maxResults: String(MAX_RESULTS) };
        let search = `jobStatuses=${JOB_STATUS}`;
        if (nextToken !== undefined) {
          query.nextToken = nextToken;
          search += `&nextToken=${extendedEncodeURIComponent(nextToken)}`;
        }
        search += `&maxResults=${MAX_RESULTS}`;
        const output = await lean.retried({ template: target, name: accountId, query, search, headers: { "x-amz-account-id": accountId } }, parseListJobs, slot);
        return output as unknown as ListJobsCommandOutput;
      }),
  };
}

/**
 * The SDK's S3 Control endpoint for ListJobs of the probe account with this client's config, as a
 * template; null when the lean path cannot serve it (an auth scheme other than SigV4, headers the
 * endpoint asks for, or a URL with the probe's id elsewhere than once in its host). An endpoint
 * without the account in it (replguard's `--endpoint-url` override, clients.ts) is used as given.
 */
export async function resolveControlTemplate(client: S3ControlClient, region: string): Promise<EndpointTemplate | null> {
  const found = await sigv4Endpoint({ AccountId: PROBE_ACCOUNT }, ListJobsCommand, client.config);
  if (found === null) return null;
  // No auth scheme named: the client signs with its own defaults (SigV4, `s3`, its Region).
  const { url, scheme } = found;
  const inHost = url.hostname.split(PROBE_ACCOUNT).length - 1;
  if (inHost > 1 || url.pathname.includes(PROBE_ACCOUNT) || url.search !== "") return null;
  return {
    url,
    in: inHost === 1 ? "host" : "none",
    probe: PROBE_ACCOUNT,
    operationPath: "/v20180820/jobs",
    signingRegion: scheme?.signingRegion ?? region,
    signingName: scheme?.signingName ?? "s3",
  };
}
