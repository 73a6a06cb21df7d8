// What a rejected fetch (or a broken read of an answer's body) says about the request (C29): whether
// the network failed, which a moment may mend, and whether the request certainly never reached a
// server, which makes even a POST safe to send again.
//
// fetch rejects with a TypeError both for a network failure and for a request it refuses to send: a
// header value with a line break, a URL it cannot parse, a CORS or mixed-content block. Another
// attempt cannot mend the latter, and retrying it only delays the report by seconds. So a TypeError
// counts as a network failure only when it shows one: a cause's `code` that Node or undici gives a
// failed connection, or, with no code anywhere, one of the messages browsers and undici give a
// network failure. Browsers word a CORS block and a lost connection alike ("Failed to fetch"), so
// there a CORS block is still retried: nothing a page can read tells them apart. Errors that are no
// TypeError (a custom fetch's own, the attempt timeout's TimeoutError) count as network failures.

// Node's and undici's codes of a connection that failed or broke.
const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

// The codes of a request that never reached a server: the connection was refused, or the host's name
// did not resolve. Every other failure may come after the server has read, and acted on, the request.
const NEVER_SENT_CODES: ReadonlySet<string> = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);

// The starts of the messages of a network failure: Chrome's, Firefox's, Safari's, undici's fetch,
// a body's read that failed in Chrome, and undici's body cut off mid-way. Compared in lower case.
const NETWORK_FAILURE_MESSAGES = [
  "failed to fetch",
  "networkerror when attempting to fetch resource",
  "load failed",
  "fetch failed",
  "network error",
  "terminated",
];

// How deep a chain of causes is searched for a code: undici's TypeError, its cause, and an
// AggregateError's own cause at most.
const MAX_CAUSE_DEPTH = 3;

/** The first string `code` on `error` or down its chain of causes; undefined when there is none. */
function errorCodeOf(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && typeof current === "object" && current !== null; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === "string") return code;
    current = cause;
  }
  return undefined;
}

// By name, not instanceof: undici's TypeError comes from another realm under test runners.
function isTypeError(error: unknown): error is { message?: unknown } {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "TypeError";
}

/**
 * Whether a failed request, with no answer (or a body cut off), is the network failing, worth another
 * attempt: any error but a TypeError; a TypeError whose cause chain has a code of a failed connection
 * (ECONNRESET, ECONNREFUSED, ETIMEDOUT, ENOTFOUND, UND_ERR_SOCKET, …), or, with no code at all, a
 * message such as "Failed to fetch", "NetworkError when attempting to fetch resource.", "Load failed"
 * or "fetch failed". Not an invalid header value, an unparsable URL, or a certificate refused.
 */
export function isNetworkFailure(error: unknown): boolean {
  if (!isTypeError(error)) return true;
  const code = errorCodeOf(error);
  if (code !== undefined) return NETWORK_ERROR_CODES.has(code);
  const message = typeof error.message === "string" ? error.message.trim().toLowerCase() : "";
  return NETWORK_FAILURE_MESSAGES.some((start) => message.startsWith(start));
}

/**
 * Whether a failed request certainly never reached a server, so that sending it again cannot repeat
 * what it does: its error, or a cause of it, has the code ECONNREFUSED, ENOTFOUND or EAI_AGAIN. A
 * reset, a timeout or a browser's "Failed to fetch" may all come after the server acted on it.
 */
export function neverReachedServer(error: unknown): boolean {
  const code = errorCodeOf(error);
  return code !== undefined && NEVER_SENT_CODES.has(code);
}
