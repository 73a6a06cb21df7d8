import type { TokenEndpointError } from "../errors.js";
import type { RetryableFailure } from "../support/retryPlan.js";
import { isNetworkFailure, neverReachedServer } from "./networkFailure.js";

// Which failures of a token endpoint's request are worth another attempt at once (C29), unless the
// refresh's signal aborted it. A retry helps only where the same request may well succeed a moment
// later: the answer says the server is busy or briefly down, or no answer came because the network
// failed (networkFailure.ts). Everything else would fail the same way again, and a wrong answer is
// better reported at once than after seconds of waiting.
//
// Azure's pipeline retries 408 (Request Timeout), every 5xx but 501 (Not Implemented) and 505 (HTTP
// Version Not Supported), which describe the request rather than the moment, and a 429 or 503 that says
// when to come back. Here the list is narrower on 5xx and wider on 429: the statuses of a server that
// is overloaded, restarting or behind a proxy that lost it (500, 502, 503, 504), not the rarer 5xx of
// a setup a retry does not fix (507, 511, …); and every 429, since a token endpoint's rate limiter
// often says nothing about when to come back, and the backoff then spaces the attempts.
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

// A request that is not idempotent (a POST that rotates a refresh-token cookie, creates a user, counts
// a quota) must not be sent twice when the server may have acted on the first: after a lost answer, a
// timeout or a 500, 502 or 504 it may well have. It is sent again only when the failure shows the
// server did not act: a 408 (it gave up reading the request), a 429 or a 503 (it turned the request
// away), or a connection that was never made (neverReachedServer).
const NOT_PROCESSED_STATUSES: ReadonlySet<number> = new Set([408, 429, 503]);

/**
 * A non-2xx answer's error as a failure worth another attempt, or undefined when another attempt
 * would be answered the same way (400, 401, 403, 404, …), or, for a request that is not `idempotent`,
 * when the server may have acted on it (500, 502, 504): the caller then rejects with it at once.
 */
export function retryableAnswer(error: TokenEndpointError, idempotent: boolean): RetryableFailure | undefined {
  const statuses = idempotent ? RETRYABLE_STATUSES : NOT_PROCESSED_STATUSES;
  return statuses.has(error.status) ? { failure: error, retryAfterMs: error.retryAfterMs } : undefined;
}

/**
 * A request that got no answer (fetch rejected, or its attempt ran out of time) or whose body broke
 * off, as a failure worth another attempt; undefined when it is no network failure (an invalid header,
 * a refused certificate), or when the request is not `idempotent` and may have reached the server.
 */
export function retryableNoAnswer(error: unknown, idempotent: boolean): RetryableFailure | undefined {
  const worthAnother = idempotent ? isNetworkFailure(error) : neverReachedServer(error);
  return worthAnother ? { failure: error } : undefined;
}
