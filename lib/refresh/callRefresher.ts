import {
  defer,
  from,
  isObservable,
  map,
  of,
  take,
  tap,
  throwError,
  throwIfEmpty,
  timeout,
  type Observable,
} from "rxjs";
import { InvalidTokenError, RefreshTimeoutError, TokenExpiredError } from "../errors.js";
import { secondsExpiryHint, toAccessToken } from "../token/accessToken.js";
import { clockExpiryHint, receivedToken, reportedClockOffsetMs, type ReceivedToken } from "../token/issuerClock.js";
import { isUnexpired } from "../token/validity.js";
import type { Clock } from "../time/clock.js";
import type { RefreshProgress, TokenRefresher } from "../options/tokenRefresher.js";

/** The message of the Azure SDKs, kept word for word so that code matching on it keeps working (C6). */
export const REFRESHED_TOKEN_EXPIRED_MESSAGE = "The token returned from the tokenRefresher is expired.";

/** What one call of the refresher needs. */
export interface RefresherCallConfig {
  readonly tokenRefresher: TokenRefresher;
  readonly clock: Clock;
  readonly refreshTimeoutMs: number;
  readonly opaqueTokenLifetimeMs: number;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

function noLongerNeeded(): DOMException {
  return new DOMException("The token refresh is no longer needed.", "AbortError");
}

// A refresher may answer with a value, a promise or an Observable. `from` alone would iterate a
// string answer character by character.
function answerOf(result: unknown): Observable<unknown> {
  return isObservable(result) || isPromiseLike(result) ? from(result) : of(result);
}

/**
 * The refresher's answer as a token for this machine's clock (C25), or the error C6 gives an answer
 * that is no token or has already expired.
 */
function checkedToken(value: unknown, config: RefresherCallConfig): ReceivedToken {
  const now = config.clock.now();
  const asGiven = toAccessToken(value, "token returned from the tokenRefresher", config.opaqueTokenLifetimeMs, now);
  const received = receivedToken(asGiven, reportedClockOffsetMs(value), now);
  if (isUnexpired(received.token, now)) return received;
  const hint =
    secondsExpiryHint(asGiven.expiresOnTimestamp, now) ||
    clockExpiryHint(asGiven.expiresOnTimestamp, received.clockOffsetMs, now);
  throw new TokenExpiredError(REFRESHED_TOKEN_EXPIRED_MESSAGE + hint, received.token.expiresOnTimestamp);
}

/**
 * One call of the refresher as a cold Observable (C6, C8, C9): subscribing calls it with a fresh
 * AbortSignal; it emits the checked token and completes, or errors with the refresher's own error
 * (unchanged), InvalidTokenError, TokenExpiredError or, at `deadline` on the clock, RefreshTimeoutError
 * (the signal is then aborted with that error). Unsubscribing before it settles aborts the signal, and
 * whatever the refresher delivers after that is ignored.
 *
 * @example
 * ```ts
 * const deadline = clock.now() + config.refreshTimeoutMs;
 * callRefresher(config, progress, deadline).subscribe(({ token }) => use(token));
 * ```
 */
export function callRefresher(
  config: RefresherCallConfig,
  progress: RefreshProgress,
  deadline: number,
): Observable<ReceivedToken> {
  return defer(() => {
    const controller = new AbortController();
    let answered = false; // a call that answered is not aborted when its winner's race ends
    return answerOf(config.tokenRefresher(controller.signal, progress)).pipe(
      take(1),
      tap(() => (answered = true)),
      throwIfEmpty(() => new InvalidTokenError("The tokenRefresher's Observable completed without a token.")),
      map((value) => checkedToken(value, config)),
      timeout({
        first: new Date(deadline),
        with: () => throwError(() => new RefreshTimeoutError(config.refreshTimeoutMs)),
        scheduler: config.clock.scheduler,
      }),
      // Downstream of the timeout: a timed-out call hears its RefreshTimeoutError as the abort reason.
      tap({
        error: (error: unknown) => error instanceof RefreshTimeoutError && controller.abort(error),
        unsubscribe: () => answered || controller.abort(noLongerNeeded()),
      }),
    );
  });
}
