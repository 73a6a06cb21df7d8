import { describeOptionValue, rejectUnknownOptions } from "../support/optionNames.js";
import { resolveInit } from "./requestInit.js";
import { resolveEndpointRetry, type EndpointRetryPolicy } from "./retryOptions.js";

// tokenEndpoint's options, and their checks when the refresher is made (C27, C29).

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
 *   retry: { maxRetries: 2 },
 * };
 * ```
 */
export interface TokenEndpointOptions {
  /** The fetch to call; default: the global `fetch`, looked up at each call. */
  fetch?: TokenEndpointFetch | undefined;
  /**
   * The request's method, headers, credentials, body and so on, copied once (a body must be one that
   * can be sent again, not a stream). There is no `signal`: each attempt carries one linked to the
   * credential's (aborted with it, and at `retry.attemptTimeoutMs`). Its headers and body are copied
   * too: a later change to your objects changes no request. `redirect` is `"manual"` unless given: a
   * redirect is a TokenEndpointError (an InsecureConnectionError when it leads to plain http off
   * loopback), not followed; with `"follow"` the answer's final URL is checked as `url` is (A1).
   * Default: a GET with no headers of its own.
   */
  init?: Omit<RequestInit, "signal"> | undefined;
  /**
   * Retries within one refresh, after a network error, an attempt with no answer within
   * attemptTimeoutMs, or a 408, 429, 500, 502, 503 or 504; or `false` for one request with no time
   * limit of its own. A request that is not `idempotent` (by default anything but a GET, HEAD or
   * OPTIONS) is retried only after a 408, 429 or 503, or a connection refused or a host not found.
   * Retry n waits a random value in [½, 1] × min(initialDelayMs × 2^(n−1), maxDelayMs), and at least
   * what a 429's or 503's Retry-After asks for; a Retry-After beyond maxDelayMs, or a wait that would
   * outlast the credential's refreshTimeoutMs, is left to the credential's background retry.
   * Not the credential's own `retry` option, which spaces whole refreshes (up to 60 s apart).
   * Default `{ maxRetries: 3, initialDelayMs: 1000, maxDelayMs: 10000, attemptTimeoutMs: 10000 }`.
   */
  retry?:
    | {
        /** Retries after the first attempt. Default 3. */
        maxRetries?: number | undefined;
        /** The ceiling of the first retry's wait, doubled for each later one; at most 2^31−1. Default 1000. */
        initialDelayMs?: number | undefined;
        /** The ceiling of every wait, and the longest Retry-After waited for; at most 2^31−1. Default 10 000. */
        maxDelayMs?: number | undefined;
        /**
         * The longest wait for an attempt's answer (its status and headers; the body's read is not
         * timed): past it the request is aborted and the attempt fails with a DOMException named
         * "TimeoutError", retried as a network error is. Default 10 000.
         */
        attemptTimeoutMs?: number | undefined;
        /**
         * Whether the request may be sent again after the server may already have acted on it (an
         * answer lost to a reset connection, an attempt out of time, a 500, 502 or 504). Set it for
         * a POST endpoint that is safe to repeat; set `false` for a GET that is not (one that rotates
         * a refresh-token cookie). Default: true for GET, HEAD and OPTIONS, false for other methods.
         */
        idempotent?: boolean | undefined;
      }
    | false
    | undefined;
  /** The random source of the retries' jitter, returning a number in [0, 1). Default `Math.random`. */
  random?: (() => number) | undefined;
  /**
   * Name the endpoint in messages (a TokenEndpointError, an InvalidTokenError, a TimeoutError) by its
   * origin and path, rather than by its origin alone. Off by default because a path often holds the
   * user's id (`/users/user-998/acs-token`), which has no place in an app's error reports and logs;
   * turn it on where the path tells endpoints apart and holds nothing personal. The query is never
   * shown. Default false.
   *
   * @example
   * ```ts
   * tokenEndpoint("https://tokens.contoso.example/v2/acs-token", { pathInMessages: true });
   * // a 500 answer: "The token endpoint https://tokens.contoso.example/v2/acs-token answered 500."
   * ```
   */
  pathInMessages?: boolean | undefined;
  /**
   * Let the token come over plain `http:` from a host that is not a loopback one, where it could be
   * read on the network. By default the URL must be `https:`, or `http:` to `localhost`, 127.0.0.0/8
   * or `[::1]`, else tokenEndpoint throws an InsecureConnectionError (A1). For tests against a token
   * server on another machine only. Default false.
   *
   * @example
   * ```ts
   * tokenEndpoint("http://token-stub.test:8080/acs-token", { allowInsecureConnection: true });
   * ```
   */
  allowInsecureConnection?: boolean | undefined;
}

// Every option's name, once: the compiler refuses an option missing here or one that does not exist.
const OPTIONS: Readonly<Record<keyof TokenEndpointOptions, true>> = {
  fetch: true,
  init: true,
  retry: true,
  random: true,
  pathInMessages: true,
  allowInsecureConnection: true,
};
const OPTION_NAMES: ReadonlySet<string> = new Set(Object.keys(OPTIONS));

/** tokenEndpoint's options, checked: a fetch to look up at each attempt, the request, and the retries. */
export interface ResolvedEndpointOptions {
  /** The fetch for this attempt; throws a TypeError, at that attempt, when there is no global fetch. */
  readonly lookUpFetch: () => TokenEndpointFetch;
  readonly init: Readonly<RequestInit>;
  readonly retry: EndpointRetryPolicy;
  readonly pathInMessages: boolean;
  readonly allowInsecureConnection: boolean;
}

function globalFetch(): TokenEndpointFetch {
  if (typeof globalThis.fetch !== "function") {
    throw new TypeError("tokenEndpoint: there is no global fetch here; pass one as options.fetch.");
  }
  return (url, init) => globalThis.fetch(url, init);
}

function resolveFetch(fetch: unknown): () => TokenEndpointFetch {
  if (fetch === undefined) return globalFetch;
  if (typeof fetch !== "function") {
    throw new TypeError(`tokenEndpoint: options.fetch must be a function; got ${describeOptionValue(fetch)}.`);
  }
  return () => fetch as TokenEndpointFetch;
}

function flag(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean") {
    throw new TypeError(`tokenEndpoint: options.${name} must be a boolean; got ${describeOptionValue(value)}.`);
  }
  return value;
}

/** Checks every option of tokenEndpoint eagerly, naming the option in a TypeError. */
export function resolveEndpointOptions(options: unknown): ResolvedEndpointOptions {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`tokenEndpoint: options must be an object; got ${describeOptionValue(options)}.`);
  }
  rejectUnknownOptions(options ?? {}, OPTION_NAMES, { caller: "tokenEndpoint: " });
  const { fetch, init, retry, random, pathInMessages, allowInsecureConnection } = (options ?? {}) as Record<
    string,
    unknown
  >;
  const lookUpFetch = resolveFetch(fetch);
  const request = resolveInit(init);
  return {
    lookUpFetch,
    init: request,
    retry: resolveEndpointRetry(retry, random, request.method),
    pathInMessages: flag(pathInMessages, "pathInMessages"),
    allowInsecureConnection: flag(allowInsecureConnection, "allowInsecureConnection"),
  };
}
