import type { AccessToken } from "../types.js";
import type { KeyCredential } from "./AccessKeyCredential.js";
import type { TokenCredentialLike } from "../types.js";
import { isKeyCredential, isTokenCredential } from "./clientArguments.js";
import type { FetchFunction } from "../types.js";
import { checkedOptions, type AuthenticatedFetchOptions } from "./authenticatedFetchOptions.js";
import { assertSecureResources, assertSecureUrl } from "../support/secureUrl.js";
import { createResourceMatcher } from "./protectedResources.js";
import { createServerClock, isClockSkewed } from "./serverClock.js";
import { signRequest } from "./signRequest.js";
import { createRejectedTokenRenewal, type RenewableCredential } from "./tokenRenewal.js";
import { sendWithToken, type RedirectPolicy } from "./bearerRedirects.js";

export type { AuthenticatedFetchOptions } from "./authenticatedFetchOptions.js";

/** Sends a request with the credential's headers added. */
type Authenticate = (request: Request) => Promise<Response>;

async function bodyOf(request: Request): Promise<Uint8Array<ArrayBuffer> | undefined> {
  // A body can be read once; holding its bytes lets it be hashed for the signature and sent again on retry.
  return request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
}

function withHeaders(
  request: Request,
  body: Uint8Array<ArrayBuffer> | undefined,
  headers: Record<string, string>,
): Request {
  const merged = new Headers(request.headers);
  for (const [name, value] of Object.entries(headers)) merged.set(name, value);
  return new Request(request, body === undefined ? { headers: merged } : { headers: merged, body });
}

function bearerFetch(
  credential: RenewableCredential,
  send: FetchFunction,
  mayCarryToken: RedirectPolicy,
  allowInsecureConnection: boolean,
): Authenticate {
  const renew = createRejectedTokenRenewal(credential);
  return async (request) => {
    // Checked before a token is even asked for: a token read on the network is as good as stolen.
    assertSecureUrl(new URL(request.url), "send a bearer token to", allowInsecureConnection);
    const body = await bodyOf(request);
    const sendWith = (token: AccessToken) =>
      sendWithToken(request, body, `Bearer ${token.token}`, send, mayCarryToken, allowInsecureConnection);
    const token = await credential.getToken({ abortSignal: request.signal });
    const { response, carriedToken } = await sendWith(token);
    // A 401 from where a redirect led without the token says nothing about the token.
    if (response.status !== 401 || !carriedToken) return response;
    let renewed: AccessToken;
    try {
      renewed = await renew(token, request.signal);
    } catch (error) {
      await response.body?.cancel();
      throw error;
    }
    if (renewed.token === token.token) return response; // nothing new to try
    await response.body?.cancel();
    return (await sendWith(renewed)).response;
  };
}

function accessKeyFetch(credential: KeyCredential, send: FetchFunction): Authenticate {
  // One per fetch: what one answer showed of the server's clock signs every later request from the start.
  const serverClock = createServerClock();
  return async (request) => {
    const body = await bodyOf(request);
    const signedSend = async (date: Date) => {
      const headers = await signRequest({ method: request.method, url: request.url, body }, credential, { date });
      return send(withHeaders(request, body, { ...headers }));
    };
    const signedAt = serverClock.now();
    const response = await signedSend(signedAt);
    const serverTime = serverClock.learnFrom(response);
    // Judged against the time this request was signed with, not the bare local clock: once the offset
    // is learned, a 401 from a server that agrees with it has some other cause and is not sent again.
    if (response.status !== 401 || serverTime === undefined || !isClockSkewed(serverTime, signedAt.getTime())) {
      return response;
    }
    await response.body?.cancel();
    const retried = await signedSend(serverClock.now());
    serverClock.learnFrom(retried);
    return retried;
  };
}

function authenticatorFor(
  credential: KeyCredential | TokenCredentialLike,
  send: FetchFunction,
  mayCarryToken: RedirectPolicy,
  allowInsecureConnection: boolean,
): Authenticate {
  if (isTokenCredential(credential)) return bearerFetch(credential, send, mayCarryToken, allowInsecureConnection);
  if (isKeyCredential(credential)) return accessKeyFetch(credential, send);
  throw new TypeError(
    "createAuthenticatedFetch needs a key credential ({ key }) or a token credential ({ getToken }).",
  );
}

/**
 * A `fetch` that authenticates requests to ACS: signed with HMAC-SHA256 for an access-key
 * credential, or with `Authorization: Bearer <token>` from `getToken()` for a token credential. With
 * a token, a 401 answer renews the token (`refresh()` where the credential has it) and retries the
 * request once; concurrent 401s share one renewal. With an access key, a 401 whose `Date` header
 * shows the signing time more than 5 minutes off the server's clock is signed again with the server's
 * time and sent once more, and later requests are signed on the server's time from the start (each
 * usable `Date` updates the offset; one with an `Age` header does not). Request bodies are read once
 * and kept, so a stream body is signed and retried correctly.
 *
 * A bearer token goes only over https or to a loopback host: any other `http://` request rejects with
 * InsecureConnectionError before a token is asked for (`allowInsecureConnection` lifts this, for
 * tests); a plain-http, non-loopback entry of `protectedResources` is refused at once. With
 * `protectedResources`, only requests to those endpoints are authenticated; the rest go out untouched.
 * A bearer request's redirects are followed by hand, and the token follows only to a listed resource
 * (without the list, only within the origin asked for); elsewhere the redirect is followed without it.
 * In a browser, which hides where a redirect leads, an authenticated request that is redirected rejects
 * with a TypeError; `redirect: "manual"` and `"error"` are honoured.
 * An unknown option name is a TypeError (a misspelt `protectedResources` would authenticate every
 * request). The options are read once and copied (C2): changing the options object, or pushing to its
 * `protectedResources` array, after the fetch is made changes nothing.
 *
 * @example
 * ```ts
 * const acsFetch = createAuthenticatedFetch(new AccessKeyCredential(key));
 * const response = await acsFetch(`${endpoint}/identities?api-version=2023-10-01`, { method: "POST", body: "{}" });
 *
 * // A user's token, sent to the ACS resource only, whatever else this fetch is used for:
 * const chatFetch = createAuthenticatedFetch(userCredential, {
 *   protectedResources: ["https://contoso.communication.azure.com"],
 * });
 * ```
 */
export function createAuthenticatedFetch(
  credential: KeyCredential | TokenCredentialLike,
  options: AuthenticatedFetchOptions = {},
): FetchFunction {
  const { fetch: given, protectedResources, allowInsecureConnection = false } = checkedOptions(options);
  const send: FetchFunction = given ?? ((input, init) => fetch(input, init));
  const isProtected =
    protectedResources === undefined ? () => true : createResourceMatcher(protectedResources, "protectedResources");
  // A redirect takes the token only where a request of the caller's would get it; without a list,
  // only within the origin the caller asked for, as fetch itself keeps Authorization.
  const mayCarryToken: RedirectPolicy =
    protectedResources === undefined
      ? (target, first) => target.origin === first.origin
      : (target) => isProtected(target);
  const authenticate = authenticatorFor(credential, send, mayCarryToken, allowInsecureConnection);
  if (protectedResources !== undefined && isTokenCredential(credential) && !allowInsecureConnection) {
    assertSecureResources(protectedResources, "protectedResources");
  }
  return async (input, init) => {
    const request = new Request(input, init);
    return isProtected(request.url) ? authenticate(request) : send(request);
  };
}
