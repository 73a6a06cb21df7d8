import type { KeyCredential } from "./AccessKeyCredential.js";
import { hmacSha256Base64, isBase64, sha256Base64 } from "./webCrypto.js";
import { InvalidAccessKeyError } from "../errors.js";

/** The parts of a request that its signature covers. */
export interface RequestToSign {
  /** The HTTP method, in any case. */
  readonly method: string;
  /** The absolute URL the request goes to. */
  readonly url: string | URL;
  /** The body, if any: a string is signed as its UTF-8 bytes. */
  readonly body?: string | Uint8Array<ArrayBuffer> | undefined;
}

/** The headers that authenticate a request with an access key. */
export interface AccessKeyHeaders {
  readonly "x-ms-date": string;
  readonly "x-ms-content-sha256": string;
  readonly Authorization: string;
}

function absoluteUrl(url: string | URL): URL {
  try {
    return new URL(url);
  } catch {
    throw new TypeError("signRequest needs the absolute URL the request goes to.");
  }
}

/** The headers signed, in order; the ACS service checks them by these names. */
export const SIGNED_HEADERS = "x-ms-date;host;x-ms-content-sha256";

/**
 * The headers that authenticate a request to ACS with the resource's access key: `x-ms-date` (RFC
 * 1123), `x-ms-content-sha256` (base64 SHA-256 of the body, empty included) and an `Authorization`
 * HMAC-SHA256 signature over the method, the path and query exactly as they go on the wire, the date,
 * the host and the content hash. The host header itself is left to `fetch`, which sends the URL's.
 *
 * @param options.date the signing time; default now. Fixed dates make signatures reproducible in tests.
 * @example
 * ```ts
 * const headers = await signRequest({ method: "POST", url, body: JSON.stringify(payload) }, credential);
 * await fetch(url, { method: "POST", body: JSON.stringify(payload), headers });
 * ```
 */
export async function signRequest(
  request: RequestToSign,
  credential: KeyCredential,
  options: { date?: Date | undefined } = {},
): Promise<AccessKeyHeaders> {
  const key = credential.key;
  if (typeof key !== "string" || !isBase64(key)) {
    throw new InvalidAccessKeyError("The credential's access key must be a non-empty base64 string.");
  }
  // As .NET signs uri.PathAndQuery: the query as sent, not re-encoded (the JS SDK turns %20 into +).
  const url = absoluteUrl(request.url);
  const date = (options.date ?? new Date()).toUTCString();
  const contentHash = await sha256Base64(request.body ?? "");
  const stringToSign = `${request.method.toUpperCase()}\n${url.pathname}${url.search}\n${date};${url.host};${contentHash}`;
  const signature = await hmacSha256Base64(key, stringToSign);
  return {
    "x-ms-date": date,
    "x-ms-content-sha256": contentHash,
    Authorization: `HMAC-SHA256 SignedHeaders=${SIGNED_HEADERS}&Signature=${signature}`,
  };
}
