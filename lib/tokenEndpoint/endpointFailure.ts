import { TokenEndpointError } from "../errors.js";
import { discardBody } from "../support/redirectAnswer.js";
import { retryAfterMs as retryAfterIn } from "../support/retryAfter.js";

// A token endpoint's non-2xx answer as an error the credential can act on: the status, and for a 429
// or 503 that says when to come back, that wait as `retryAfterMs`, which tokenEndpoint's own retries
// (C29) and the credential's background retry (C13) honour. The body is never read: it may echo the
// request, or hold anything at all.

// The answers whose Retry-After is about coming back later (RFC 9110 §10.2.3); on a redirect it means
// something else, and other errors are not asked to wait.
const THROTTLING_STATUSES = new Set([429, 503]);

// What a status most likely means for whoever reads the message.
function hintFor(status: number): string {
  if (status === 401 || status === 403) {
    return (
      " The endpoint refused to hand out a token: is the user signed in? Across origins, cookies go along " +
      'only with init: { credentials: "include" }.'
    );
  }
  if (status === 404 || status === 405) return " Check the URL and init.method.";
  return "";
}

/**
 * The TokenEndpointError for a non-2xx answer from the endpoint named `where`: its status, and for a
 * 429 or 503 the wait it asks for (support/retryAfter.ts). The body is cancelled unread, so that the
 * connection is freed; `now` is the local clock, for a Retry-After date without a usable Date header.
 */
export function endpointFailure(response: Response, where: string, now: number): TokenEndpointError {
  discardBody(response);
  return failureOf(response.status, response.headers, where, now);
}

/** The same from an answer's status and headers alone, as Angular's HttpErrorResponse gives them. */
export function failureOf(status: number, headers: Headers, where: string, now: number): TokenEndpointError {
  const retryAfterMs = THROTTLING_STATUSES.has(status) ? retryAfterIn(headers, now) : undefined;
  const wait = retryAfterMs === undefined ? "" : ` Retry-After asks to wait ${retryAfterMs} ms.`;
  return new TokenEndpointError(
    `The token endpoint ${where} answered ${status}.${wait}${hintFor(status)}`,
    status,
    retryAfterMs,
  );
}
