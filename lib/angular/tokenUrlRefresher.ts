import { HttpClient, HttpErrorResponse, type HttpBackend, type HttpHeaders } from "@angular/common/http";
import { catchError, map, throwError } from "rxjs";
import type { TokenRefresher } from "../options/tokenRefresher.js";
import { failureOf } from "../tokenEndpoint/endpointFailure.js";
import { clockOffsetFromDate } from "../token/issuerClock.js";
import { tokenInAnswer, withClockOffset } from "../tokenEndpoint/tokenAnswer.js";
import { describeTokenUrl } from "../tokenEndpoint/endpointUrl.js";

function asHeaders(headers: HttpHeaders): Headers {
  const plain = new Headers();
  for (const name of headers.keys()) plain.set(name, headers.get(name) ?? "");
  return plain;
}

/**
 * A refresher that GETs `tokenUrl` through `backend`, Angular's `HttpBackend`, which sends a request
 * past every interceptor: the token request must not wait for a token itself, nor be retried or
 * rewritten by the app's interceptors. It returns an Observable, so the credential's abort (nobody
 * waits any more, the refresh timed out, dispose) unsubscribes and cancels the request. Answers are
 * read as `tokenEndpoint` reads them (C27): JSON `{ token, expiresOn }` or `{ token, expiresOnTimestamp }`,
 * or a bare token as text; a non-2xx answer is a TokenEndpointError with its status and, for a 429 or
 * 503, the `retryAfterMs` its Retry-After asks for, which the background retry honours; a 2xx answer's
 * `Date` header tells the credential the server's clock (C25). A request that
 * got no answer at all (status 0: offline, CORS) fails with Angular's HttpErrorResponse, unchanged.
 */
export function tokenUrlRefresher(backend: HttpBackend, tokenUrl: string): TokenRefresher {
  const http = new HttpClient(backend);
  // By its origin, as tokenEndpoint names it: the path may hold the user's id, the query a secret.
  const where = describeTokenUrl(tokenUrl);
  return () => {
    const sentAt = Date.now();
    return http.get(tokenUrl, { responseType: "text", observe: "response" }).pipe(
      map((answer) =>
        withClockOffset(
          tokenInAnswer(answer.status, answer.headers.get("content-type"), answer.body ?? "", where),
          clockOffsetFromDate(answer.headers, sentAt, Date.now()),
        ),
      ),
      catchError((error: unknown) =>
        throwError(() =>
          error instanceof HttpErrorResponse && error.status !== 0
            ? failureOf(error.status, asHeaders(error.headers), where, Date.now())
            : error,
        ),
      ),
    );
  };
}
