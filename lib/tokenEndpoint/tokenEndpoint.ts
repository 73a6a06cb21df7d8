// A ready tokenRefresher for the usual setup: a backend route that hands the signed-in user an ACS
// token (C27).
//
// Plain `fetch` with the refresher's AbortSignal, not rxjs's `fromFetch`: the credential already aborts
// that signal when nobody needs the token any more, when refreshTimeoutMs runs out and on dispose (C8,
// C9, C19), which cancels the request just as unsubscribing from fromFetch would. fromFetch, though,
// always calls the global fetch, so the `fetch` option (an instrumented fetch, server-side rendering,
// tests) could not be honoured; and a promise is what the credential takes without rxjs's `from`, so
// `rxjs/fetch` would only add a module to the bundle.

import type { TokenInput } from "../token/accessToken.js";
import { clockOffsetFromDate } from "../token/issuerClock.js";
import { UNHEARD_PROGRESS, type RefreshProgress, type TokenRefresher } from "../options/tokenRefresher.js";
import { withRetries } from "../support/retryLoop.js";
import type { AttemptResult } from "../support/retryPlan.js";
import { attemptTimeoutError, limitAttempt, type AttemptLimit } from "./attemptTimeout.js";
import { endpointFailure } from "./endpointFailure.js";
import { resolveEndpointOptions, type ResolvedEndpointOptions, type TokenEndpointOptions } from "./endpointOptions.js";
import { describeEndpoint, resolveEndpointUrl } from "./endpointUrl.js";
import { refuseRedirect } from "./redirects.js";
import { requestInitOf } from "./requestInit.js";
import { retryableAnswer, retryableNoAnswer } from "./retryableFailure.js";
import { tokenInAnswer, withClockOffset } from "./tokenAnswer.js";

export type { TokenEndpointFetch, TokenEndpointOptions } from "./endpointOptions.js";

/**
 * One request to the endpoint: the token with the clock offset this answer's Date shows (C25), or a
 * failure worth another request (retryableFailure.ts: a network failure, or no answer within
 * `retry.attemptTimeoutMs`; a 408, 429, 500, 502, 503 or 504; narrower when the request is not
 * idempotent); any other failure is thrown.
 */
async function requestToken(
  href: string,
  where: string,
  { lookUpFetch, init, retry, allowInsecureConnection }: ResolvedEndpointOptions,
  signal: AbortSignal,
): Promise<AttemptResult<TokenInput>> {
  const fetch = lookUpFetch(); // outside the try: no fetch at all is no network error
  const attempt = limitAttempt(signal, retry.attemptTimeoutMs, (ms) => attemptTimeoutError(where, ms));
  // Each request its own copy of init's headers and body: a fetch that changes them changes no other.
  const send = () => fetch(href, { ...requestInitOf(init), signal: attempt.signal });
  try {
    const answer = await answerOf(attempt, send, where, retry.idempotent, (response) =>
      refuseRedirect(response, href, where, allowInsecureConnection),
    );
    return answer;
  } finally {
    attempt.end();
  }
}

function rethrow(error: unknown): never {
  throw error;
}

/** The answer to `send()` within `attempt`'s limit, read as {@link requestToken} says. */
async function answerOf(
  attempt: AttemptLimit,
  send: () => Promise<Response>,
  where: string,
  idempotent: boolean,
  refuse: (response: Response) => void,
): Promise<AttemptResult<TokenInput>> {
  const sentAt = Date.now();
  let response: Response;
  try {
    response = await attempt.untilHeaders(send());
  } catch (error) {
    // No answer (in time). An abort of the refresh's signal is never retried: withRetries sees it.
    return retryableNoAnswer(error, idempotent) ?? rethrow(error);
  }
  const receivedAt = Date.now();
  refuse(response); // a redirect, or the answer of one to where no token may come from (A1)
  // The status itself, not `ok`: a custom fetch's Response may not have it.
  if (response.status < 200 || response.status > 299) {
    const error = endpointFailure(response, where, receivedAt);
    return retryableAnswer(error, idempotent) ?? rethrow(error);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    // The connection dropped while the body was on its way: no answer, as much as a reset before it.
    return retryableNoAnswer(error, idempotent) ?? rethrow(error);
  }
  const answer = tokenInAnswer(response.status, response.headers.get("content-type"), text, where);
  return { value: withClockOffset(answer, clockOffsetFromDate(response.headers, sentAt, receivedAt)) };
}

/**
 * A `tokenRefresher` that asks your token endpoint for a token, sending the credential's abort signal
 * with the request, so that a refresh nobody needs any more is cancelled on the wire. The endpoint may
 * answer JSON `{ token, expiresOn }` (an ISO 8601 date-time, what `@azure/communication-identity`'s
 * token becomes in JSON), JSON `{ token, expiresOnTimestamp }` (milliseconds since the epoch), or the
 * token alone as text; the credential checks the token as it checks any refresher's.
 *
 * A non-2xx answer rejects with {@link TokenEndpointError} (`status`, and `retryAfterMs` for a 429 or
 * 503 that says when to come back, which the credential's background retry honours); a 2xx answer that
 * holds no token (an empty body, a web page, JSON without a string `token`) with `InvalidTokenError`.
 * Messages name the endpoint by its origin (with `pathInMessages`, its origin and path), never by
 * its query, and never contain the body or a token.
 *
 * Within one refresh, what may pass in a moment is retried, as Azure's HTTP pipeline does (C29): a
 * network error (no answer: a reset connection, a socket hang up, a refused connection), an attempt
 * whose answer's headers have not come within `retry.attemptTimeoutMs` (default 10 s), and a 408,
 * 429, 500, 502, 503 or 504. A TypeError from fetch counts as a network error only when it shows one
 * (a cause's code such as ECONNRESET or UND_ERR_SOCKET, or a message such as "Failed to fetch"): an
 * invalid header value or a refused certificate fails at once. A request that is not idempotent (by
 * default any method but GET, HEAD and OPTIONS; see `retry.idempotent`) is retried only when the
 * server cannot have acted on it: a 408, 429 or 503, or a connection refused (ECONNREFUSED) or a host
 * not found (ENOTFOUND, EAI_AGAIN); never after a lost answer, a timeout or a 500, 502 or 504.
 * Retry n (of `retry.maxRetries`, default 3) waits a random value in
 * [½, 1] × min(`initialDelayMs` × 2^(n−1), `maxDelayMs`), by default 0.5–1 s, 1–2 s, 2–4 s; a 429 or
 * 503 is waited for at least as long as its `retry-after-ms`, `x-ms-retry-after-ms` or `Retry-After`
 * asks. A wait longer than `maxDelayMs` (default 10 s), or one that would not end before the
 * credential's deadline (`progress.remainingMs()`), is not waited for inside the refresh: it rejects
 * at once with the last failure, a TokenEndpointError keeping its `retryAfterMs`, so that the
 * credential's background retry, which honours it, takes over. After the last retry, it rejects with the last
 * failure: the TokenEndpointError of the last answer, the network error as fetch gave it, or for an
 * attempt out of time a DOMException named "TimeoutError" whose message names the endpoint and the
 * option. Every other status (400, 401, 403, 404, …) and a 2xx with no token fail at once. The body
 * of a failed answer is cancelled unread, freeing the connection; the read of a token's body, after
 * its headers, is not timed.
 *
 * All of it runs inside the credential's signal (aborted at `refreshTimeoutMs`, on dispose, and when
 * nobody waits any more): an abort cuts a wait short or aborts the request in flight, rejecting with
 * the signal's reason, and nothing is sent after it. `retry: false` sends one request per refresh
 * with no time limit of its own, bounded like any refresher by the credential's `refreshTimeoutMs`
 * and hedge; `{ maxRetries: 0 }` sends one that keeps `attemptTimeoutMs`.
 *
 * Everything is checked here, at once: `url` (a string or URL; relative only where there is a page to
 * resolve it against, which happens now; `https:`, or `http:` to a loopback host unless
 * `allowInsecureConnection`, else an InsecureConnectionError), option names, `fetch`, `init`, `retry`,
 * `random`, `pathInMessages` and `allowInsecureConnection`. Nothing is fetched until the credential asks.
 *
 * @param url the endpoint, e.g. `"/api/acs-token"` in a browser or `"https://contoso.example/acs-token"`.
 * @param options `fetch`, `init` for the request, `retry`, `random` for the retries' jitter,
 *   `pathInMessages` and `allowInsecureConnection`.
 * @returns a refresher for `new CommunicationTokenCredential({ tokenRefresher })`.
 *
 * @example
 * ```ts
 * const credential = new CommunicationTokenCredential({
 *   tokenRefresher: tokenEndpoint("/api/acs-token", { init: { credentials: "include" } }),
 *   refreshProactively: true,
 * });
 * const { token } = await credential.getToken();
 * ```
 */
export function tokenEndpoint(url: string | URL, options?: TokenEndpointOptions): TokenRefresher {
  // The options first: they say how the URL is checked and named.
  const resolved = resolveEndpointOptions(options);
  const endpoint = resolveEndpointUrl(url, resolved);
  const href = endpoint.href;
  const where = describeEndpoint(endpoint, resolved.pathInMessages);
  return (signal: AbortSignal, progress: RefreshProgress = UNHEARD_PROGRESS): Promise<TokenInput> => {
    // A request that must not be sent twice must not be hedged either (C29).
    if (!resolved.retry.idempotent) progress.backingOff(Number.POSITIVE_INFINITY);
    return withRetries(() => requestToken(href, where, resolved, signal), resolved.retry, signal, progress);
  };
}
