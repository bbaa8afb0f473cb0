/**
 * Organizations pagination: MaxResults 1..20 (the API reference's "Valid Range: Minimum value of
 * 1. Maximum value of 20."), and an opaque NextToken that only resumes the listing it came from.
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html#API_ListAccounts_RequestSyntax
 */
export class PaginationError extends Error {
  constructor(
    readonly reason: "MAX_VALUE_EXCEEDED" | "MIN_VALUE_EXCEEDED" | "INVALID_NEXT_TOKEN" | "INVALID_INPUT",
    message: string,
  ) {
    super(message);
  }
}

const MAX_RESULTS = 20;

interface Token {
  /** Operation and listing (parent id...) the token belongs to. */
  scope: string;
  offset: number;
}

const encode = (token: Token): string => Buffer.from(JSON.stringify(token)).toString("base64");

function decode(text: unknown, scope: string): number {
  if (typeof text !== "string") throw new PaginationError("INVALID_NEXT_TOKEN", "The specified token is invalid.");
  try {
    const token = JSON.parse(Buffer.from(text, "base64").toString("utf8")) as Partial<Token>;
    if (token.scope === scope && Number.isInteger(token.offset) && (token.offset as number) >= 0) return token.offset as number;
  } catch {
    // falls through to the error below
  }
  throw new PaginationError("INVALID_NEXT_TOKEN", "The specified token is invalid.");
}

export function paginate<T>(
  operation: string,
  listing: string,
  items: readonly T[],
  maxResults: unknown,
  nextToken: unknown,
): { slice: readonly T[]; nextToken: string | undefined } {
  let limit = MAX_RESULTS;
  if (maxResults !== undefined && maxResults !== null) {
    if (typeof maxResults !== "number" || !Number.isInteger(maxResults)) throw new PaginationError("INVALID_INPUT", "MaxResults must be an integer.");
    if (maxResults > MAX_RESULTS) throw new PaginationError("MAX_VALUE_EXCEEDED", `You provided a value for MaxResults that exceeds the maximum of ${MAX_RESULTS}.`);
    if (maxResults < 1) throw new PaginationError("MIN_VALUE_EXCEEDED", "You provided a value for MaxResults that is below the minimum of 1.");
    limit = maxResults;
  }
  const scope = `${operation}:${listing}`;
  const offset = nextToken === undefined || nextToken === null ? 0 : decode(nextToken, scope);
  const end = offset + limit;
  return { slice: items.slice(offset, end), nextToken: end < items.length ? encode({ scope, offset: end }) : undefined };
}
