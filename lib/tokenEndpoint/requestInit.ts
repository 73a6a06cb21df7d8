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
 * The request options to send at each refresh, as a copy of `init` (its keys; `headers` itself is
 * shared). Throws a TypeError for an `init` that is not an object, has a `signal`, has a misspelt
 * name, or has a body that GET or HEAD cannot carry or that could be sent only once (a stream).
 */
export function resolveInit(init: unknown): Readonly<RequestInit> {
  if (init === undefined) return {};
  if (typeof init !== "object" || init === null || Array.isArray(init)) {
    throw new TypeError(`tokenEndpoint: options.init must be an object; got ${describeOptionValue(init)}.`);
  }
  rejectUnknownOptions(init, KNOWN_NAMES, {
    caller: "tokenEndpoint: ",
    prefix: "options.init.",
    misspellingsOnly: true,
  });
  const { signal, body, method } = init as RequestInit;
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
  return Object.freeze({ ...init });
}
