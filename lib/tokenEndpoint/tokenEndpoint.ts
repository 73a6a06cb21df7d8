// A ready tokenRefresher for the usual setup: a backend route that hands the signed-in user an ACS
// token (C27).
//
// Plain `fetch` with the refresher's AbortSignal, not rxjs's `fromFetch`: the credential already aborts
// that signal when nobody needs the token any more, when refreshTimeoutMs runs out and on dispose (C8,
// C9, C19), which cancels the request just as unsubscribing from fromFetch would. fromFetch, though,
// always calls the global fetch, so the `fetch` option (an instrumented fetch, server-side rendering,
// tests) could not be honoured; and a promise is what the credential takes without rxjs's `from`, so
// `rxjs/fetch` would only add a module to the bundle.

import type { TokenInput } from "../credential/accessToken.js";
import { describeOptionValue, unknownOptionMessage } from "../credential/optionNames.js";
import type { TokenRefresher } from "../credential/options.js";
import { endpointFailure } from "./endpointFailure.js";
import { describeEndpoint, resolveEndpointUrl } from "./endpointUrl.js";
import { clockOffsetFromDate } from "../credential/issuerClock.js";
import { readTokenAnswer, withClockOffset } from "./tokenAnswer.js";
import { resolveInit } from "./requestInit.js";

/**
 * The fetch a token endpoint is called with: the global `fetch`, or one with the same signature.
 *
 * @example
 * ```ts
 * const timedFetch: TokenEndpointFetch = async (url, init) => {
 *   const startedAt = performance.now();
 *   try {
 *     return await fetch(url, init);
 *   } finally {
 *     metrics.record("acs-token", performance.now() - startedAt);
 *   }
 * };
 * ```
 */
export type TokenEndpointFetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Options of {@link tokenEndpoint}.
 *
 * @example
 * ```ts
 * const options: TokenEndpointOptions = {
 *   init: { method: "POST", headers: { "X-CSRF-Token": csrfToken }, credentials: "include" },
 * };
 * ```
 */
export interface TokenEndpointOptions {
  /** The fetch to call; default: the global `fetch`, looked up at each call. */
  fetch?: TokenEndpointFetch | undefined;
  /**
   * The request's method, headers, credentials, body and so on, copied once (a body must be one that
   * can be sent again, not a stream). There is no `signal`: the credential's own is always sent.
   * Default: a GET with no headers of its own.
   */
  init?: Omit<RequestInit, "signal"> | undefined;
}

const OPTION_NAMES = new Set(["fetch", "init"]);

function globalFetch(url: string, init: RequestInit): Promise<Response> {
  if (typeof globalThis.fetch !== "function") {
    throw new TypeError("tokenEndpoint: there is no global fetch here; pass one as options.fetch.");
  }
  return globalThis.fetch(url, init);
}

function resolveFetch(fetch: unknown): TokenEndpointFetch {
  if (fetch === undefined) return globalFetch;
  if (typeof fetch !== "function") {
    throw new TypeError(`tokenEndpoint: options.fetch must be a function; got ${describeOptionValue(fetch)}.`);
  }
  return fetch as TokenEndpointFetch;
}

/**
 * A `tokenRefresher` that asks your token endpoint for a token, sending the credential's abort signal
 * with the request, so that a refresh nobody needs any more is cancelled on the wire. The endpoint may
 * answer JSON `{ token, expiresOn }` (an ISO 8601 date-time, what `@azure/communication-identity`'s
 * token becomes in JSON), JSON `{ token, expiresOnTimestamp }` (milliseconds since the epoch), or the
 * token alone as text; the credential checks the token as it checks any refresher's.
 *
 * A non-2xx answer rejects with {@link TokenEndpointError} (`status`, and `retryAfterMs` for a 429 or
 * 503 with `Retry-After`, which the credential's background retry honours); a 2xx answer that holds no
 * token (an empty body, a web page, JSON without a string `token`) with `InvalidTokenError`. Messages
 * name the endpoint by origin and path, never by its query, and never contain the body or a token.
 *
 * Everything is checked here, at once: `url` (a string or URL; relative only where there is a page to
 * resolve it against, which happens now), option names, `fetch` and `init`. Nothing is fetched until
 * the credential asks.
 *
 * @param url the endpoint, e.g. `"/api/acs-token"` in a browser or `"https://contoso.example/acs-token"`.
 * @param options `fetch`, and `init` for the request.
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
  const endpoint = resolveEndpointUrl(url);
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`tokenEndpoint: options must be an object; got ${describeOptionValue(options)}.`);
  }
  for (const key of Object.keys(options ?? {})) {
    if (!OPTION_NAMES.has(key)) throw new TypeError(`tokenEndpoint: ${unknownOptionMessage(key, OPTION_NAMES)}`);
  }
  const fetch = resolveFetch(options?.fetch);
  const init = resolveInit(options?.init);
  const href = endpoint.href;
  const where = describeEndpoint(endpoint);
  return async (signal: AbortSignal): Promise<TokenInput> => {
    const sentAt = Date.now();
    const response = await fetch(href, { ...init, signal });
    const receivedAt = Date.now();
    // The status itself, not `ok`: a custom fetch's Response may not have it.
    if (response.status < 200 || response.status > 299) throw endpointFailure(response, where, receivedAt);
    const answer = await readTokenAnswer(response, where);
    return withClockOffset(answer, clockOffsetFromDate(response.headers, sentAt, receivedAt));
  };
}
