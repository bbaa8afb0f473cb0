/**
 * The SDK's own endpoint for one command, as the lean path resolves its templates from it
 * (bucket-reads.ts, control-jobs.ts, lean-kms.ts): the client's rule engine with its config, kept
 * only when the lean path can sign for it the way the SDK would.
 */
import { getEndpointFromInstructions } from "@smithy/core/endpoints";

/** The first auth scheme the endpoint names. */
export interface AuthScheme {
  name?: string;
  signingRegion?: string;
  signingName?: string;
}

type Command = Parameters<typeof getEndpointFromInstructions>[1];

/**
 * The endpoint for `command` with `params` and the client's `config`, with its first auth scheme
 * (undefined: none named, so the client signs with its own defaults); null when the rules refuse the
 * configuration (the SDK client will say so, call by call, as it always did), when the scheme is
 * not SigV4, or when the endpoint asks for headers of its own.
 */
export async function sigv4Endpoint(params: Record<string, unknown>, command: Command, config: unknown): Promise<{ url: URL; scheme: AuthScheme | undefined } | null> {
  let endpoint;
  try {
    endpoint = await getEndpointFromInstructions(params, command, config as never);
  } catch {
    return null;
  }
  const scheme = ((endpoint.properties?.authSchemes ?? []) as AuthScheme[])[0];
  if (scheme !== undefined && scheme.name !== "sigv4") return null;
  if (endpoint.headers !== undefined && Object.keys(endpoint.headers).length > 0) return null;
  return { url: new URL(endpoint.url.href), scheme };
}
