import { HttpErrorResponse, type HttpInterceptorFn } from "@angular/common/http";
import { inject } from "@angular/core";
import { catchError, from, switchMap, throwError } from "rxjs";
import { createResourceMatcher, InsecureConnectionError } from "rx-communication-common";
import { ACS_ENDPOINT, AcsCredentialService } from "./acsCredential.service.js";

/** Hosts that never leave the machine (a dev server): the only ones a token may reach over plain http. */
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Adds `Authorization: Bearer <token>` to requests for the ACS endpoint. On a 401 it renews the token
 * (concurrent 401s share one renewal) and retries once; the retry goes straight to the backend, so
 * there is no loop, and a second 401 reaches the caller.
 *
 * The URL is matched parsed (scheme, host, port, then the path), not by string prefix, which would
 * also hand the token to `https://contoso.communication.azure.com.evil.example`. Other requests do not
 * ask for a token at all. A token never goes over plain http to another host, where the network could
 * read it: such a request fails with InsecureConnectionError, as createAuthenticatedFetch's would.
 */
export const acsAuthInterceptor: HttpInterceptorFn = (request, next) => {
  const isAcs = createResourceMatcher([inject(ACS_ENDPOINT)], "ACS_ENDPOINT");
  // A relative URL goes where the page's base URL points; with no page (server rendering) it stays unmatched.
  const base = typeof document === "undefined" ? undefined : document.baseURI;
  if (!isAcs(request.url, base)) return next(request);
  const { protocol, host, hostname } = new URL(request.url, base);
  if (protocol !== "https:" && !LOOPBACK.test(hostname)) {
    return throwError(() => new InsecureConnectionError(`Refusing to send a bearer token to ${protocol}//${host}.`));
  }
  const service = inject(AcsCredentialService);
  const send = (token: string) => next(request.clone({ setHeaders: { Authorization: `Bearer ${token}` } }));
  return from(service.credential.getToken()).pipe(
    switchMap((used) =>
      send(used.token).pipe(
        catchError((error: unknown) => {
          if (!(error instanceof HttpErrorResponse) || error.status !== 401) return throwError(() => error);
          return from(service.renewRejected(used)).pipe(
            switchMap((fresh) => (fresh.token === used.token ? throwError(() => error) : send(fresh.token))),
          );
        }),
      ),
    ),
  );
};
