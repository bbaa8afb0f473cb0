/**
 * The lean read path's transport (docs/scale.md, "One lean call, end to end"): node's `http` client
 * was the largest share of a lean read's CPU (a `ClientRequest`, the agent, the HTTP parser, an
 * `IncomingMessage` stream and its events, per call). undici's pool, driven through `dispatch` with
 * a handler of our own (the answer's chunks collected, no stream object), does the same work for
 * about a third less. What the lean path sees is unchanged:
 * - the answer's status, its headers as node's `IncomingMessage.headers` gives them (lower-case
 *   names; a repeated header joined with ", " (`cookie` with "; "), or its first value kept for
 *   the ones node keeps once, `set-cookie` a list), and its body as UTF-8 text;
 * - keep-alive connections, one pool per origin, at most `connections` (the request slots) each, as
 *   the shared agent's `maxSockets` was;
 * - the same timeout (60 s, as the SDK clients are given) and the same errors for it and for a
 *   closed connection: a `TimeoutError`, and node's `ECONNRESET` "socket hang up", which the retry
 *   strategy classes as transient and retries as before (test/aws/lean-transport.test.ts). Other
 *   socket errors (ECONNREFUSED, ENOTFOUND…) are node's own errors, passed on as they were.
 */
import type { ConnectionOptions } from "node:tls";
import { Agent, type Dispatcher } from "undici";
import type { LeanResponse } from "./lean-errors.js";
import type { AnswerTurns } from "./answer-turns.js";

/** One GET (or a POST of `body`): the origin (`http://host:port`), the path with its query, the signed headers as [name, value, …]. */
export interface LeanRequest {
  origin: string;
  path: string;
  headers: string[];
  body?: string;
}

export type LeanTransport = (request: LeanRequest) => Promise<LeanResponse>;

/** What the SDK's node handler is given in replguard (clients.ts): a request times out after 60 s. */
export const REQUEST_TIMEOUT_MS = 60_000;

/**
 * Keep-alive pools, one per origin, each of at most `connections` connections (the request slots).
 * `connect`: further socket options (bench/connection-cost.ts: its test certificate and resolver).
 */
export function leanDispatcher(connections: number, timeoutMs = REQUEST_TIMEOUT_MS, connect: Pick<ConnectionOptions, "ca" | "lookup"> = {}): Agent {
  return new Agent({ connections, connect: { ...connect, timeout: timeoutMs } });
}

/** Headers node's `IncomingMessage` keeps once when repeated (its `matchKnownFields`): the first value stays. */
const KEPT_ONCE = new Set([
  "content-type",
  "content-length",
  "user-agent",
  "referer",
  "host",
  "authorization",
  "proxy-authorization",
  "if-modified-since",
  "if-unmodified-since",
  "from",
  "location",
  "max-forwards",
  "retry-after",
  "etag",
  "last-modified",
  "server",
  "age",
  "expires",
]);

/** The answer's raw [name, value, …] headers as node's `IncomingMessage.headers`. */
export function nodeHeaders(raw: readonly Buffer[]): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  let cookies: string[] | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString("latin1").toLowerCase();
    const value = raw[i + 1]!.toString("latin1");
    if (name === "set-cookie") {
      (cookies ??= []).push(value);
      continue;
    }
    const previous = headers[name];
    if (previous === undefined) headers[name] = value;
    else if (!KEPT_ONCE.has(name)) headers[name] = `${previous}${name === "cookie" ? "; " : ", "}${value}`;
  }
  // As node gives it: a list (the type says string; nothing in the lean path reads it).
  if (cookies !== undefined) headers["set-cookie"] = cookies as unknown as string;
  return headers;
}

/** A stackless error, as node's own are cheap to throw here (a stack would only name this file). */
function plainError(message: string, fields: Record<string, unknown>): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const error = new Error(message);
  Error.stackTraceLimit = limit;
  return Object.assign(error, fields);
}

/** undici's error for a timeout or a closed connection, as node's `http` client reported it; others as they are. */
export function nodeError(error: unknown, timeoutMs: number): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
    return plainError(`Connection timed out after ${timeoutMs} ms`, { name: "TimeoutError", cause: error });
  }
  // The server closed the connection before the whole answer: node's "socket hang up" (or "aborted" mid-body), both ECONNRESET.
  if (code === "UND_ERR_SOCKET") return plainError("socket hang up", { code: "ECONNRESET", cause: error });
  return error;
}

/**
 * One answer collected: a handler object of undici's legacy form (onHeaders…), called as it is (the
 * newer form would be wrapped per call). A class, so a call makes one object and no closures.
 */
class Collector {
  statusCode = 0;
  headers: Record<string, string | undefined> = {};
  chunks: Buffer[] = [];
  /** When it was sent (`turns.sent()`), if the transport counts its answers' turns. */
  private readonly sentAt: number;

  constructor(
    private readonly resolve: (response: LeanResponse) => void,
    private readonly reject: (error: unknown) => void,
    private readonly timeoutMs: number,
    private readonly turns: AnswerTurns | undefined,
  ) {
    this.sentAt = turns === undefined ? 0 : turns.sent();
  }

  onConnect(): void {}

  onHeaders(status: number, raw: Buffer[]): boolean {
    this.statusCode = status;
    this.headers = nodeHeaders(raw);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    const chunks = this.chunks;
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    this.turns?.answered(this.sentAt);
    this.resolve({ statusCode: this.statusCode, headers: this.headers, body: body.toString("utf8") });
  }

  onError(error: Error): void {
    this.turns?.answered(this.sentAt);
    this.reject(nodeError(error, this.timeoutMs));
  }
}

/**
 * Sends through `dispatcher` (leanDispatcher's), `timeoutMs` for the headers and again for the body;
 * each request and answer told to `turns` if given (answer-turns.ts: wake-ups counted, and coalesced).
 */
export function undiciTransport(dispatcher: Dispatcher, timeoutMs = REQUEST_TIMEOUT_MS, turns?: AnswerTurns): LeanTransport {
  return ({ origin, path, headers, body }) =>
    new Promise<LeanResponse>((resolve, reject) => {
      const method = body === undefined ? "GET" : "POST";
      const handler = new Collector(resolve, reject, timeoutMs, turns);
      dispatcher.dispatch({ origin, path, method, headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }, handler as unknown as Dispatcher.DispatchHandler);
    });
}
