import type { AccessToken } from "../credential/accessToken.js";
import type { KeyCredential } from "./AccessKeyCredential.js";
import { isKeyCredential, isTokenCredential, type TokenCredentialLike } from "./clientArguments.js";
import { signRequest } from "./signRequest.js";
import { createRejectedTokenRenewal, type RenewableCredential } from "./tokenRenewal.js";

/** `fetch`'s signature. */
export type FetchFunction = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** Options of createAuthenticatedFetch. */
export interface AuthenticatedFetchOptions {
  /** The fetch to send with; default: the global `fetch`, looked up at each call. */
  fetch?: FetchFunction | undefined;
}

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

function bearerFetch(credential: RenewableCredential, send: FetchFunction): FetchFunction {
  const renew = createRejectedTokenRenewal(credential);
  return async (input, init) => {
    const request = new Request(input, init);
    const body = await bodyOf(request);
    const token = await credential.getToken({ abortSignal: request.signal });
    const response = await send(withHeaders(request, body, { Authorization: `Bearer ${token.token}` }));
    if (response.status !== 401) return response;
    let renewed: AccessToken;
    try {
      renewed = await renew(token, request.signal);
    } catch (error) {
      await response.body?.cancel();
      throw error;
    }
    if (renewed.token === token.token) return response; // nothing new to try
    await response.body?.cancel();
    return send(withHeaders(request, body, { Authorization: `Bearer ${renewed.token}` }));
  };
}

function accessKeyFetch(credential: KeyCredential, send: FetchFunction): FetchFunction {
  return async (input, init) => {
    const request = new Request(input, init);
    const body = await bodyOf(request);
    const headers = await signRequest({ method: request.method, url: request.url, body }, credential);
    return send(withHeaders(request, body, { ...headers }));
  };
}

/**
 * A `fetch` that authenticates every request to ACS: signed with HMAC-SHA256 for an access-key
 * credential, or with `Authorization: Bearer <token>` from `getToken()` for a token credential. With
 * a token, a 401 answer renews the token (`refresh()` where the credential has it) and retries the
 * request once; concurrent 401s share one renewal. Request bodies are read once and kept, so a
 * stream body is signed and retried correctly.
 *
 * @example
 * ```ts
 * const acsFetch = createAuthenticatedFetch(new AccessKeyCredential(key));
 * const response = await acsFetch(`${endpoint}/identities?api-version=2023-10-01`, { method: "POST", body: "{}" });
 *
 * const chatFetch = createAuthenticatedFetch(userCredential); // a CommunicationTokenCredential
 * ```
 */
export function createAuthenticatedFetch(
  credential: KeyCredential | TokenCredentialLike,
  options: AuthenticatedFetchOptions = {},
): FetchFunction {
  const send: FetchFunction = options.fetch ?? ((input, init) => fetch(input, init));
  if (isTokenCredential(credential)) return bearerFetch(credential, send);
  if (isKeyCredential(credential)) return accessKeyFetch(credential, send);
  throw new TypeError(
    "createAuthenticatedFetch needs a key credential ({ key }) or a token credential ({ getToken }).",
  );
}
