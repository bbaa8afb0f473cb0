/**
 * S3 ListBuckets on the lean read path (docs/scale.md, "The account's own calls on the lean path"):
 * every account's listing was one S3 client made for its home Region (about half a millisecond of
 * CPU) and a call through its middleware stack, endpoint rules and schema serde (2–3 ms), a page of
 * up to 1,000 buckets each. Here a page is what that client sends: one GET
 * `/?x-id=ListBuckets&max-buckets=N[&continuation-token=T]` signed by `@smithy/signature-v4` for
 * `s3` in the home Region, addressed where the SDK's own S3 endpoint rules send it (resolved once per
 * Region), its XML answer parsed by the SDK's XML parser into the SDK's `ListBucketsOutput` shape
 * (`Buckets` with `Name`, `CreationDate` as a `Date`, `BucketRegion`, `BucketArn`; `Owner`;
 * `ContinuationToken`; `Prefix`), errors, retries and the retry count the lean path's (lean-s3.ts).
 * An endpoint the rules do not give plainly signed with SigV4 stays on the SDK client.
 * test/aws/lean-list-buckets.test.ts compares both paths page for page.
 */
import { ListBucketsCommand, type ListBucketsCommandOutput, type S3Client } from "@aws-sdk/client-s3";
import { extendedEncodeURIComponent } from "@smithy/core/protocols";
import type { EndpointTemplate, LeanS3 } from "./lean-s3.js";
import { parseXmlBody, read, struct, type Shape } from "./lean-shapes.js";
import { leanRoute } from "./lean-route.js";
import { sigv4Endpoint } from "./sdk-endpoint.js";

/** One page's request: at most `MaxBuckets`, after `ContinuationToken`. */
export interface ListBucketsPage {
  MaxBuckets: number;
  ContinuationToken?: string | undefined;
}

/** One page of the account's buckets, in the SDK's output shape; rejects with the SDK's error. */
export interface BucketLists {
  list(page: ListBucketsPage): Promise<ListBucketsCommandOutput>;
}

export function sdkBucketLists(client: () => S3Client): BucketLists {
  return { list: ({ MaxBuckets, ContinuationToken }) => client().send(new ListBucketsCommand({ MaxBuckets, ContinuationToken })) };
}

/** ListAllMyBucketsResult (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html): `<Buckets><Bucket>…</Bucket></Buckets>`. */
const LIST_BUCKETS: Shape = struct({
  Buckets: { list: struct({ Name: "string", CreationDate: "timestamp", BucketRegion: "string", BucketArn: "string" }), flat: false, item: "Bucket" },
  Owner: struct({ DisplayName: "string", ID: "string" }),
  ContinuationToken: "string",
  Prefix: "string",
});

export const parseListBuckets = (xml: string): Record<string, unknown> => read(LIST_BUCKETS, parseXmlBody(xml)) as Record<string, unknown>;

/** Pages through the lean path where the Region's template applies, else through the SDK client (made, `client`, only then). */
export function leanBucketLists(lean: LeanS3, template: () => Promise<EndpointTemplate | null>, client: () => S3Client): BucketLists {
  const route = leanRoute(template, () => sdkBucketLists(client));
  return {
    list: (page) =>
      route((sdk) => sdk.list(page), async (target, slot) => {
        // As the SDK's serializer: the operation's `x-id` from its path, then the members in order.
        const max = String(page.MaxBuckets);
        const query: Record<string, string> = { "x-id": "ListBuckets", "max-buckets": max };
        let search = `x-id=ListBuckets&max-buckets=${max}`;
        const token = page.ContinuationToken;
        if (token !== undefined) {
          query["continuation-token"] = token;
          search += `&continuation-token=${extendedEncodeURIComponent(token)}`;
        }
        const output = await lean.retried({ template: target, name: "", query, search }, parseListBuckets, slot);
        return output as unknown as ListBucketsCommandOutput;
      }),
  };
}

/**
 * The SDK's endpoint for ListBuckets with this client's config (Region, FIPS, dual-stack, path
 * style, endpoint override), as a template; null when the lean path cannot serve it (an auth scheme
 * other than SigV4 or without its Region, headers the endpoint asks for, a query in its URL).
 */
export async function resolveListBucketsTemplate(s3: S3Client): Promise<EndpointTemplate | null> {
  const found = await sigv4Endpoint({}, ListBucketsCommand, s3.config);
  const signingRegion = found?.scheme?.signingRegion;
  if (found === null || signingRegion === undefined || found.url.search !== "") return null;
  return { url: found.url, in: "none", signingRegion, signingName: found.scheme?.signingName ?? "s3" };
}
