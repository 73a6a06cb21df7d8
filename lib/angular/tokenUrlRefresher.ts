import { HttpClient, HttpErrorResponse, type HttpBackend, type HttpHeaders } from "@angular/common/http";
import { catchError, map, throwError } from "rxjs";
import { TokenEndpointError } from "../errors.js";
import type { TokenRefresher } from "../options/tokenRefresher.js";
import { assertSecureUrl } from "../support/secureUrl.js";
import { failureOf } from "../tokenEndpoint/endpointFailure.js";
import { clockOffsetFromDate } from "../token/issuerClock.js";
import { tokenInAnswer, withClockOffset } from "../tokenEndpoint/tokenAnswer.js";
import { describeTokenUrl } from "../tokenEndpoint/endpointUrl.js";
import { resolveOnPage } from "./page.js";

function asHeaders(headers: HttpHeaders): Headers {
  const plain = new Headers();
  for (const name of headers.keys()) plain.set(name, headers.get(name) ?? "");
  return plain;
}

/**
 * The error for a request that got no answer (status 0): the browser is offline, the name did not
 * resolve, CORS blocked it, or it timed out. Angular's HttpErrorResponse is not an Error (the failed
 * state would say only "non-Error value") and its message holds the whole URL, query and all
 * (`?code=ONE-TIME-SECRET`): neither it nor its message is kept, not even as a `cause`.
 */
function noAnswer(where: string): TokenEndpointError {
  return new TokenEndpointError(
    `The token endpoint ${where} could not be reached (status 0): offline, a name that did not resolve, ` +
      "a request blocked by CORS, or a timeout.",
    0,
  );
}

/**
 * Throws InsecureConnectionError when the answer came from a URL where the token travelled in clear
 * text (A1): `HttpBackend` follows redirects itself (XHR and fetch alike), so an https `tokenUrl` that
 * answers 302 to `http://` is seen only in the final URL, `HttpResponse.url`. The token has crossed the
 * network by then; refusing it means one that anybody on the way could have read or replaced is never
 * used. A final URL that does not parse (a relative one echoed where there is no page) is the URL that
 * was asked, already checked.
 */
function assertSecureAnswer(finalUrl: string | null, allowInsecureConnection: boolean): void {
  const url = finalUrl === null ? undefined : resolveOnPage(finalUrl);
  if (url !== undefined)
    assertSecureUrl(url, "accept a token (options.tokenUrl) redirected to", allowInsecureConnection);
}

/**
 * A refresher that GETs `tokenUrl` through `backend`, Angular's `HttpBackend`, which sends a request
 * past every interceptor: the token request must not wait for a token itself, nor be retried or
 * rewritten by the app's interceptors. It returns an Observable, so the credential's abort (nobody
 * waits any more, the refresh timed out, dispose) unsubscribes and cancels the request. Answers are
 * read as `tokenEndpoint` reads them (C27): JSON `{ token, expiresOn }` or `{ token, expiresOnTimestamp }`,
 * or a bare token as text; a non-2xx answer is a TokenEndpointError with its status and, for a 429 or
 * 503, the `retryAfterMs` its Retry-After asks for, which the background retry honours; a 2xx answer's
 * `Date` header tells the credential the server's clock (C25). A request that got no answer at all
 * (status 0: offline, CORS) is a TokenEndpointError with status 0. A 2xx answer whose final URL, after
 * redirects, is neither https nor loopback is an InsecureConnectionError, unless `allowInsecureConnection`.
 * Every message names `tokenUrl` by its origin only.
 */
export function tokenUrlRefresher(
  backend: HttpBackend,
  tokenUrl: string,
  allowInsecureConnection = false,
): TokenRefresher {
  const http = new HttpClient(backend);
  // By its origin, as tokenEndpoint names it: the path may hold the user's id, the query a secret.
  const where = describeTokenUrl(tokenUrl);
  return () => {
    const sentAt = Date.now();
    return http.get(tokenUrl, { responseType: "text", observe: "response" }).pipe(
      map((answer) => {
        assertSecureAnswer(answer.url, allowInsecureConnection);
        return withClockOffset(
          tokenInAnswer(answer.status, answer.headers.get("content-type"), answer.body ?? "", where),
          clockOffsetFromDate(answer.headers, sentAt, Date.now()),
        );
      }),
      catchError((error: unknown) => {
        if (!(error instanceof HttpErrorResponse)) return throwError(() => error);
        return throwError(() =>
          error.status === 0 ? noAnswer(where) : failureOf(error.status, asHeaders(error.headers), where, Date.now()),
        );
      }),
    );
  };
}
