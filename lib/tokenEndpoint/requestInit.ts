import { describeOptionValue, rejectUnknownOptions } from "../support/optionNames.js";

// The `init` option of tokenEndpoint, checked once. The request is sent again at every refresh, so a
// body must be one that can be sent again; and the credential's signal is the only one sent.

// RequestInit's names, with Node's (undici) `dispatcher` and `duplex`. A name not listed is let
// through, as browsers keep adding some; one that is a misspelling of a listed name (`credential`,
// `header`) is refused, as it would otherwise be dropped without a word.
const REQUEST_INIT_NAMES = [
  "method",
  "headers",
  "body",
  "credentials",
  "mode",
  "cache",
  "redirect",
  "referrer",
  "referrerPolicy",
  "integrity",
  "keepalive",
  "priority",
  "signal",
  "window",
  "dispatcher",
  "duplex",
];
const KNOWN_NAMES = new Set(REQUEST_INIT_NAMES);
const BODILESS_METHODS = new Set(["GET", "HEAD"]);

function isStream(body: unknown): boolean {
  return typeof (body as { getReader?: unknown } | null | undefined)?.getReader === "function";
}

/**
 * The request options to send at each refresh, copied from `init` once (its headers and a body that
 * could change — URLSearchParams, FormData, bytes — included), and frozen: a later change to the
 * caller's objects changes no request. `redirect` is "manual" unless `init` sets it: tokenEndpoint
 * follows no redirect of its own accord (A1, C27). Throws a TypeError for an `init` that is not an
 * object, has a `signal`, has a misspelt name, or has a body that GET or HEAD cannot carry or that
 * could be sent only once (a stream). {@link requestInitOf} gives each request its own copy.
 */
export function resolveInit(init: unknown): Readonly<RequestInit> {
  if (init === undefined) return Object.freeze({ redirect: "manual" });
  if (typeof init !== "object" || init === null || Array.isArray(init)) {
    throw new TypeError(`tokenEndpoint: options.init must be an object; got ${describeOptionValue(init)}.`);
  }
  rejectUnknownOptions(init, KNOWN_NAMES, {
    caller: "tokenEndpoint: ",
    prefix: "options.init.",
    misspellingsOnly: true,
  });
  // Read once: the values checked are the values kept.
  const given: RequestInit = { ...(init as RequestInit) };
  const { signal, body, method } = given;
  if (signal !== undefined && signal !== null) {
    throw new TypeError(
      "tokenEndpoint: options.init.signal is not used: each request carries a signal linked to the " +
        "credential's, aborted when nobody needs the token any more. To stop refreshing, dispose the credential.",
    );
  }
  if (body !== undefined && body !== null) {
    if (isStream(body)) {
      throw new TypeError(
        "tokenEndpoint: options.init.body must be one that can be sent at every refresh (a string, " +
          "URLSearchParams, FormData, a Blob), not a stream.",
      );
    }
    if (BODILESS_METHODS.has((method ?? "GET").toUpperCase())) {
      throw new TypeError(`tokenEndpoint: options.init.body needs a method such as POST; ${method ?? "GET"} has none.`);
    }
  }
  const copy: RequestInit = { ...given, redirect: given.redirect ?? "manual" };
  if (given.headers !== undefined) copy.headers = copyHeaders(given.headers, true);
  if (body !== undefined && body !== null) copy.body = copyBody(body);
  return Object.freeze(copy);
}

/**
 * The request options of one request: a copy of `init` (as resolveInit made it) with copies of its
 * headers and body, so that a fetch that changes what it is given changes no later request.
 */
export function requestInitOf(init: Readonly<RequestInit>): RequestInit {
  const copy: RequestInit = { ...init };
  if (init.headers !== undefined) copy.headers = copyHeaders(init.headers, false);
  if (init.body !== undefined && init.body !== null) copy.body = copyBody(init.body);
  return copy;
}

function isHeadersObject(headers: HeadersInit): headers is Headers {
  const candidate = headers as Partial<Headers>;
  return !Array.isArray(headers) && typeof candidate.get === "function" && typeof candidate.forEach === "function";
}

// Headers in the form they were given (a Headers object, pairs or a plain object), copied; the copy
// kept is frozen where the form allows it (a Headers object cannot be, but nothing outside holds it).
function copyHeaders(headers: HeadersInit, keep: boolean): HeadersInit {
  if (isHeadersObject(headers)) return new Headers(headers);
  if (Array.isArray(headers)) {
    const pairs = headers.map((pair) => [...pair] as [string, string]);
    return keep ? (Object.freeze(pairs.map((pair) => Object.freeze(pair))) as [string, string][]) : pairs;
  }
  const copy = { ...headers };
  return keep ? Object.freeze(copy) : copy;
}

function copyBody(body: BodyInit): BodyInit {
  if (typeof URLSearchParams !== "undefined" && body instanceof URLSearchParams) return new URLSearchParams(body);
  if (typeof FormData !== "undefined" && body instanceof FormData) {
    const copy = new FormData();
    body.forEach((value, name) => copy.append(name, value));
    return copy;
  }
  // Bytes are kept as a Blob (of a copy, with no type: no Content-Type, as for bytes): it cannot
  // change, and fetch can read it again to follow a 307 or 308 with init.redirect "follow", where
  // undici fails on the ArrayBuffer it detached ("Cannot perform ArrayBuffer.prototype.slice on a
  // detached ArrayBuffer").
  if (body instanceof ArrayBuffer) return new Blob([body.slice(0)]);
  if (ArrayBuffer.isView(body))
    return new Blob([new Uint8Array(body.buffer, body.byteOffset, body.byteLength).slice()]);
  return body; // a string or a Blob: neither changes
}
