import { isObservable, Observable, type Unsubscribable } from "rxjs";
import { InvalidTokenError, RefreshTimeoutError, TokenExpiredError } from "../errors.js";
import { secondsExpiryHint, toAccessToken } from "../token/accessToken.js";
import { MAX_TIMER_MS, type Clock } from "../time/clock.js";
import { clockExpiryHint, receivedToken, reportedClockOffsetMs, type ReceivedToken } from "../token/issuerClock.js";
import { UNHEARD_PROGRESS, type RefreshProgress, type TokenRefresher } from "../options/tokenRefresher.js";
import { isUnexpired } from "./refreshPolicy.js";

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

function abortError(): DOMException {
  return new DOMException("The token refresh is no longer needed.", "AbortError");
}

// The refresher's result, whatever its shape, delivered to `deliver` once; the returned handle stops
// listening. Written out rather than with rxjs `from`, which would bring every input type rxjs knows
// into a browser bundle for the three this needs.
function listen(result: unknown, deliver: (ok: boolean, value: unknown) => void): Unsubscribable | undefined {
  if (isObservable(result)) {
    let delivered = false;
    const subscription = result.subscribe({
      next(value) {
        if (delivered) return;
        delivered = true;
        deliver(true, value);
      },
      error: (error: unknown) => deliver(false, error),
      complete: () =>
        delivered ||
        deliver(false, new InvalidTokenError("The tokenRefresher's Observable completed without a token.")),
    });
    if (delivered) subscription.unsubscribe(); // a synchronous first value: nothing more is needed
    return subscription;
  }
  if (isPromiseLike(result)) {
    result.then(
      (value) => deliver(true, value),
      (error: unknown) => deliver(false, error),
    );
    return undefined;
  }
  deliver(true, result);
  return undefined;
}

/**
 * One call of the refresher as a cold Observable: on subscribe it calls the refresher with a fresh
 * AbortSignal; it emits the validated token, its expiry moved onto this machine's clock (C25), and completes, or errors with the refresher's own error
 * (unchanged), InvalidTokenError, TokenExpiredError (C6) or RefreshTimeoutError (C9), counted from
 * this call. Unsubscribing before it settles aborts the signal (C8), and anything the refresher
 * delivers after that is ignored.
 */
export function callRefresher(
  config: RefresherCallConfig,
  progress: RefreshProgress = UNHEARD_PROGRESS,
): Observable<ReceivedToken> {
  const { clock } = config;
  return new Observable<ReceivedToken>((subscriber) => {
    const controller = new AbortController();
    let settled = false;
    const cancelTimeout = clock.setTimer(
      () => {
        if (settled) return;
        settled = true;
        const error = new RefreshTimeoutError(config.refreshTimeoutMs);
        controller.abort(error);
        subscriber.error(error);
      },
      Math.min(config.refreshTimeoutMs, MAX_TIMER_MS),
    );
    const deliver = (ok: boolean, value: unknown): void => {
      if (settled) return;
      settled = true;
      cancelTimeout();
      if (!ok) return subscriber.error(value);
      try {
        const now = clock.now();
        const asGiven = toAccessToken(
          value,
          "token returned from the tokenRefresher",
          config.opaqueTokenLifetimeMs,
          now,
        );
        const received = receivedToken(asGiven, reportedClockOffsetMs(value), now);
        const { token } = received;
        if (!isUnexpired(token, now)) {
          const hint =
            secondsExpiryHint(asGiven.expiresOnTimestamp, now) ||
            clockExpiryHint(asGiven.expiresOnTimestamp, received.clockOffsetMs, now);
          throw new TokenExpiredError(REFRESHED_TOKEN_EXPIRED_MESSAGE + hint, token.expiresOnTimestamp);
        }
        subscriber.next(received);
        subscriber.complete();
      } catch (error) {
        subscriber.error(error);
      }
    };
    let listening: Unsubscribable | undefined;
    try {
      listening = listen(config.tokenRefresher(controller.signal, progress), deliver);
    } catch (error) {
      deliver(false, error);
    }
    return () => {
      cancelTimeout();
      listening?.unsubscribe();
      if (!settled) {
        settled = true;
        controller.abort(abortError());
      }
    };
  });
}
