import { HttpErrorResponse, type HttpEvent, type HttpInterceptorFn, type HttpRequest } from "@angular/common/http";
import { inject, NgZone } from "@angular/core";
import { catchError, Observable, switchMap, throwError } from "rxjs";
import type { AccessToken } from "../types.js";
import { CREDENTIAL, RENEWAL, RESOURCE_MATCHER } from "./tokens.js";
import { abortableCall } from "../support/abortable.js";
import { documentBase } from "./page.js";
import { runOutsideZone } from "./zone.js";

function withToken(request: HttpRequest<unknown>, token: AccessToken): HttpRequest<unknown> {
  return request.clone({ setHeaders: { Authorization: `Bearer ${token.token}` } });
}

/**
 * Adds `Authorization: Bearer <token>` to requests for the `protectedResources` of
 * `provideCommunicationCredential`, and to no other request. Register it with
 * `provideHttpClient(withInterceptors([communicationCredentialInterceptor]))` in the injector that
 * has `provideCommunicationCredential`, or a child of it.
 *
 * A request URL, resolved against `document.baseURI` when there is a document, is matched parsed
 * (createResourceMatcher): its scheme, host and port must equal a listed resource's and its path
 * continue the resource's path at a `/`. A string prefix would also hand the token to
 * `https://contoso.communication.azure.com.evil.example`, to `…azure.com@evil.example` or to a URL
 * that merely carries the endpoint in its query; none of these match, and for them no token is even
 * asked for. Plain `http://` endpoints are refused when the options are checked (A1).
 *
 * Only the URL a request starts at is judged. The browser follows redirects itself (HttpClient's
 * default backend and `withFetch()` alike) and keeps `Authorization` on a same-origin one, so under
 * a path-scoped entry (`https://app.example/acs/`) a server's 307 to `/other-app/collect` takes the
 * token there, and nothing in HttpClient can stop it. List only origins whose every path is trusted
 * with the token, or have the server never redirect an authenticated request out of the path.
 *
 * Register it last, after every interceptor that may change a request's URL (a proxy prefix, a mock
 * back end, a rewrite per tenant). Angular runs interceptors in the order they are listed, and this
 * one judges the URL it is handed: an interceptor after it that rewrites the URL sends the request,
 * token already in its header, wherever the new URL points; one before it hands over the rewritten
 * URL, which is then matched against `protectedResources` like any other.
 *
 * On a 401 the token is renewed once for every request rejected with the same token (concurrent 401s
 * share the renewal) and the request is retried once, through the interceptors after this one. A
 * second 401 reaches the caller, as does a renewal's error; a renewal that failed is tried again by
 * the next 401. Unsubscribing cancels the wait for a token.
 *
 * @example
 * ```ts
 * bootstrapApplication(AppComponent, {
 *   providers: [
 *     // Last: an interceptor after it could change the URL of a request that carries the token.
 *     provideHttpClient(withInterceptors([apiPrefixInterceptor, communicationCredentialInterceptor])),
 *     provideCommunicationCredential({
 *       tokenUrl: "/api/acs-token",
 *       protectedResources: ["https://contoso.communication.azure.com"],
 *     }),
 *   ],
 * });
 * ```
 */
export const communicationCredentialInterceptor: HttpInterceptorFn = (request, next) => {
  const isProtected = inject(RESOURCE_MATCHER);
  if (!isProtected(request.url, documentBase())) return next(request);
  const credential = inject(CREDENTIAL);
  const renew = inject(RENEWAL);
  const zone = inject(NgZone, { optional: true });
  const send = (token: AccessToken): Observable<HttpEvent<unknown>> => next(withToken(request, token));
  return abortableCall((abortSignal) => runOutsideZone(zone, () => credential.getToken({ abortSignal }))).pipe(
    switchMap((used) =>
      send(used).pipe(
        catchError((error: unknown) => {
          if (!(error instanceof HttpErrorResponse) || error.status !== 401) return throwError(() => error);
          return abortableCall((abortSignal) => runOutsideZone(zone, () => renew(used, abortSignal))).pipe(
            // Nothing new to try: the 401 stands.
            switchMap((fresh) => (fresh.token === used.token ? throwError(() => error) : send(fresh))),
          );
        }),
      ),
    ),
  );
};
