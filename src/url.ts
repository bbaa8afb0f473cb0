/**
 * URLs that are recorded (snapshot, reports) or printed never carry credentials. An endpoint like
 * `http://KEY:SECRET@host:4566` works for some tools, and pasting one into --endpoint-url must not
 * copy the secret into every report an auditor hands on. One helper, used wherever a URL is kept.
 */

/** Scheme, then anything up to `@` before the first `/`, `?` or `#`: the user-info of an authority. */
const USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i;

/** `url` without its `user:password@` part; every other character stays as given. */
export const withoutUserInfo = (url: string): string => url.replace(USER_INFO, "$1");

/**
 * Why `url` cannot be an AWS endpoint override, or null when it can: it must parse as a URL and
 * use http or https (what the SDK's endpoint resolution accepts).
 */
export function endpointUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a URL (e.g. http://127.0.0.1:4566)";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return `must be an http:// or https:// URL, not ${parsed.protocol}`;
  if (parsed.hostname === "") return "has no host";
  return null;
}
