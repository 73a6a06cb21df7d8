import type { FetchFunction } from "../types.js";
import { discardBody, REDIRECT_STATUSES } from "../support/redirectAnswer.js";
import { assertSecureUrl } from "../support/secureUrl.js";

/** What a request with a bearer token came to: the last answer, and whether the hop it answers carried the token. */
export interface BearerAnswer {
  readonly response: Response;
  /** False when a redirect led where the token may not go, so a 401 there says nothing about the token. */
  readonly carriedToken: boolean;
}

/** Where a redirect may take the token: `target` is the Location, `first` the URL the caller asked for. */
export type RedirectPolicy = (target: URL, first: URL) => boolean;

/** fetch's own limit (the Fetch standard's "redirect count"). */
const MAX_REDIRECTS = 20;
/** The headers that describe a body, dropped with it when a redirect turns the request into a GET (Fetch standard). */
const BODY_HEADERS = ["content-type", "content-encoding", "content-language", "content-location"];

/** One hop as a Request: the caller's own for the first, a copy of its settings for a redirect's target. */
function hopRequest(
  request: Request,
  hop: { url: URL; method: string; headers: Headers; body: Uint8Array<ArrayBuffer> | undefined },
  redirect: RequestRedirect,
): Request {
  // A copy of the bytes for each hop: a fetch may detach the buffer it was given (undici does on a 307).
  const body = hop.body?.slice();
  if (hop.url.href === request.url && hop.method === request.method) {
    return new Request(request, { headers: hop.headers, redirect, ...(body === undefined ? {} : { body }) });
  }
  const { signal, credentials, cache, keepalive, referrerPolicy } = request;
  return new Request(hop.url, {
    method: hop.method,
    headers: hop.headers,
    ...(body === undefined ? {} : { body }),
    signal,
    credentials,
    cache,
    keepalive,
    referrerPolicy,
    redirect,
  });
}

/** The next hop of a redirect, as the Fetch standard makes it: a 303 (and a 301/302 of a POST) becomes a GET without body. */
function redirected(
  hop: { url: URL; method: string; headers: Headers; body: Uint8Array<ArrayBuffer> | undefined },
  status: number,
  location: string,
): typeof hop {
  let url: URL;
  try {
    url = new URL(location, hop.url);
  } catch {
    throw new TypeError(`${hop.url.origin} answered with a redirect whose Location is not a URL.`);
  }
  if (!/^https?:$/.test(url.protocol)) {
    throw new TypeError(
      `${hop.url.origin} answered with a redirect to a ${url.protocol} URL, which fetch does not follow.`,
    );
  }
  // Checked before a Request is built: its constructor's error would repeat the whole URL, its
  // user name, password and query included. `origin` holds none of them.
  if (url.username !== "" || url.password !== "") {
    throw new TypeError(
      `${hop.url.origin} answered with a redirect to ${url.origin} with a user name or password in its URL, which is not followed.`,
    );
  }
  const toGet =
    (status === 303 && hop.method !== "GET" && hop.method !== "HEAD") || (status <= 302 && hop.method === "POST");
  if (!toGet) return { ...hop, url };
  const headers = new Headers(hop.headers);
  for (const name of BODY_HEADERS) headers.delete(name);
  return { url, method: "GET", headers, body: undefined };
}

/**
 * Where a fetch asked not to follow redirects went anyway, as its Response says (`redirected`, or a
 * `url` other than the one sent): the origin it ended at, or undefined when it stayed. A Response a
 * custom fetch built itself has an empty `url` and says nothing.
 */
function followedDespiteAsked(response: Response, sent: URL): string | undefined {
  let answeredFrom: URL | undefined;
  try {
    answeredFrom = response.url === "" ? undefined : new URL(response.url);
  } catch {
    return "a URL that does not parse";
  }
  const sentWithoutFragment = new URL(sent);
  sentWithoutFragment.hash = "";
  if (response.redirected === true) return answeredFrom?.origin ?? "an undisclosed URL";
  if (answeredFrom !== undefined) answeredFrom.hash = "";
  if (answeredFrom === undefined || answeredFrom.href === sentWithoutFragment.href) return undefined;
  return answeredFrom.origin;
}

/**
 * Sends `request` with `Authorization: <authorization>` and follows its redirects by hand, so that the
 * token goes only where `mayCarryToken` allows: fetch itself keeps the header on a same-origin
 * redirect, wherever on the origin it leads. Each hop is sent with `redirect: "manual"`; a hop whose
 * Location the policy refuses, and every hop after it, is sent without the header (the token is never
 * added back). Methods and bodies change as fetch changes them; a kept body is sent again from the
 * bytes held, so a 307/308 of a POST works in Node (undici's own follow fails on a `Uint8Array` body).
 *
 * A browser answers `redirect: "manual"` with an opaque redirect (status 0, no Location): where it
 * leads cannot be judged, so the call rejects with a TypeError and nothing more is sent. A caller's
 * `redirect: "manual"` gets the redirect itself, and `redirect: "error"` is passed on to fetch, which
 * rejects at the first redirect: neither follows with the token. A `send` that follows anyway (its
 * answer `redirected`, or from another `url`) has taken the token along: the call rejects with a
 * TypeError naming the origins only.
 *
 * @example
 * ```ts
 * const { response, carriedToken } = await sendWithToken(request, body, `Bearer ${token}`, fetch,
 *   (target) => isProtected(target), false);
 * if (response.status === 401 && carriedToken) renew();
 * ```
 */
export async function sendWithToken(
  request: Request,
  body: Uint8Array<ArrayBuffer> | undefined,
  authorization: string,
  send: FetchFunction,
  mayCarryToken: RedirectPolicy,
  allowInsecureConnection: boolean,
): Promise<BearerAnswer> {
  const first = new URL(request.url);
  const follow = request.redirect === "follow";
  let hop = { url: first, method: request.method, headers: new Headers(request.headers), body };
  let carriedToken = true;
  for (let redirects = 0; ; redirects += 1) {
    const headers = new Headers(hop.headers);
    if (carriedToken) headers.set("authorization", authorization);
    else headers.delete("authorization");
    const response = await send(hopRequest(request, { ...hop, headers }, follow ? "manual" : request.redirect));
    // A custom fetch that ignored the Request's redirect mode has already taken the token along.
    const wentTo = followedDespiteAsked(response, hop.url);
    if (wentTo !== undefined) {
      discardBody(response);
      throw new TypeError(
        `The fetch followed a redirect from ${hop.url.origin} to ${wentTo} though it was asked not to ` +
          `(redirect: "${follow ? "manual" : request.redirect}"), so the bearer token may have gone with it. ` +
          "options.fetch must send the Request it is given as it is, its redirect mode included.",
      );
    }
    if (!follow) return { response, carriedToken };
    if (response.type === "opaqueredirect") {
      throw new TypeError(
        `${first.origin} answered with a redirect that the browser does not show (an opaque redirect), so the ` +
          `bearer token was not sent on to it. Request the URL it leads to, or pass redirect: "manual" to get the redirect itself.`,
      );
    }
    const location = response.headers.get("location");
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return { response, carriedToken };
    await response.body?.cancel();
    if (redirects === MAX_REDIRECTS) throw new TypeError(`${first.origin}: more than ${MAX_REDIRECTS} redirects.`);
    hop = redirected(hop, response.status, location);
    carriedToken = carriedToken && mayCarryToken(hop.url, first);
    if (carriedToken) assertSecureUrl(hop.url, "send a bearer token to", allowInsecureConnection);
  }
}
