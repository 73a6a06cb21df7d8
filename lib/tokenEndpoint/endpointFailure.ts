import { TokenEndpointError } from "../errors.js";

// A token endpoint's non-2xx answer as an error the credential can act on: the status, and for a 429
// or 503 that says when to come back, that wait as `retryAfterMs`, which tokenEndpoint's own retries
// (C29) and the credential's background retry (C13) honour. The body is never read: it may echo the
// request, or hold anything at all.

// The answers whose Retry-After is about coming back later (RFC 9110 §10.2.3); on a redirect it means
// something else, and other errors are not asked to wait.
const THROTTLING_STATUSES = new Set([429, 503]);
// Whole numbers only, as RFC 9110 writes delay-seconds: "1.5" or "-5" say nothing usable.
const WHOLE_NUMBER = /^\d+$/;
// Every HTTP-date form (IMF-fixdate, RFC 850, asctime) has a time of day; Date.parse alone would also
// read "1.5" or "2026" as dates.
const TIME_OF_DAY = /\b\d{2}:\d{2}:\d{2}\b/;
// Azure's services also say the wait in milliseconds; Azure's pipeline reads these first, in this
// order, and Retry-After only when neither holds a number.
const MILLISECOND_HEADERS = ["retry-after-ms", "x-ms-retry-after-ms"];

/** The wait a `retry-after-ms` or `x-ms-retry-after-ms` header asks for; undefined when neither can be read. */
function millisecondHeaderMs(headers: Headers): number | undefined {
  for (const name of MILLISECOND_HEADERS) {
    const value = headers.get(name)?.trim() ?? "";
    const ms = WHOLE_NUMBER.test(value) ? Number(value) : Number.NaN;
    if (Number.isSafeInteger(ms)) return ms;
  }
  return undefined;
}

/**
 * The wait, in milliseconds, that a `Retry-After` header asks for: delay-seconds, or an HTTP date.
 * A date is measured from the answer's own `Date` header when it has one, so that a server clock
 * minutes off from ours asks for the wait it means; else from `now`. A date already past asks for 0.
 * Undefined when there is no header or it cannot be read.
 */
function retryAfterHeaderMs(headers: Headers, now: number): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (value === undefined || value === "") return undefined;
  if (WHOLE_NUMBER.test(value)) {
    const ms = Number(value) * 1000;
    return Number.isSafeInteger(ms) ? ms : undefined; // "99999999999999999999" says nothing usable
  }
  const retryAt = TIME_OF_DAY.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(retryAt)) return undefined;
  const serverNow = Date.parse(headers.get("date") ?? "");
  return Math.max(0, retryAt - (Number.isFinite(serverNow) ? serverNow : now));
}

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
 * The TokenEndpointError for a non-2xx answer from the endpoint named `where` (origin and path): its
 * status, and for a 429 or 503 the wait it asks for: `retry-after-ms`, else `x-ms-retry-after-ms`
 * (milliseconds), else `Retry-After` (seconds or an HTTP date), as Azure's pipeline reads them. The body is cancelled unread, so
 * that the connection is freed; `now` is the local clock, for a Retry-After date without a Date header.
 */
export function endpointFailure(response: Response, where: string, now: number): TokenEndpointError {
  // Best effort: a custom fetch's Response may have no body, or one already locked.
  response.body?.cancel().catch(() => undefined);
  return failureOf(response.status, response.headers, where, now);
}

/** The same from an answer's status and headers alone, as Angular's HttpErrorResponse gives them. */
export function failureOf(status: number, headers: Headers, where: string, now: number): TokenEndpointError {
  const retryAfterMs = THROTTLING_STATUSES.has(status)
    ? (millisecondHeaderMs(headers) ?? retryAfterHeaderMs(headers, now))
    : undefined;
  const wait = retryAfterMs === undefined ? "" : ` Retry-After asks to wait ${retryAfterMs} ms.`;
  return new TokenEndpointError(
    `The token endpoint ${where} answered ${status}.${wait}${hintFor(status)}`,
    status,
    retryAfterMs,
  );
}
