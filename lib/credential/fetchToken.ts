import { from, isObservable, Observable, of, take } from "rxjs";
import { InvalidTokenError, RefreshTimeoutError, TokenExpiredError } from "../errors.js";
import type { AccessToken } from "../types.js";
import { secondsExpiryHint, toAccessToken } from "./accessToken.js";
import { waitUntil, type Clock } from "./clock.js";
import type { TokenRefresher } from "./options.js";
import { isUnexpired } from "./refreshPolicy.js";

/** The message of the Azure SDKs, kept word for word so that code matching on it keeps working (C6). */
export const REFRESHED_TOKEN_EXPIRED_MESSAGE = "The token returned from the tokenRefresher is expired.";

/** What one call of the refresher needs. */
export interface FetchTokenConfig {
  readonly tokenRefresher: TokenRefresher;
  readonly clock: Clock;
  readonly refreshTimeoutMs: number;
  readonly opaqueTokenLifetimeMs: number;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

function refresherOutput(result: unknown): Observable<unknown> {
  return isObservable(result) || isPromiseLike(result) ? from(result).pipe(take(1)) : of(result);
}

function abortError(): DOMException {
  return new DOMException("The token refresh is no longer needed.", "AbortError");
}

/**
 * One call of the refresher as a cold Observable: on subscribe it calls the refresher with a fresh
 * AbortSignal; it emits the validated token and completes, or errors with the refresher's own error
 * (unchanged), InvalidTokenError, TokenExpiredError (C6) or RefreshTimeoutError (C9). Unsubscribing
 * before it settles aborts the signal (C8), and anything the refresher delivers after that is ignored.
 */
export function fetchToken(config: FetchTokenConfig): Observable<AccessToken> {
  const { clock } = config;
  return new Observable<AccessToken>((subscriber) => {
    const controller = new AbortController();
    let settled = false;
    const timeout = waitUntil(clock, clock.now() + config.refreshTimeoutMs).subscribe(() => {
      const error = new RefreshTimeoutError(config.refreshTimeoutMs);
      controller.abort(error);
      subscriber.error(error);
    });
    const accept = (value: unknown): void => {
      settled = true;
      const now = clock.now();
      const token = toAccessToken(value, "token returned from the tokenRefresher", config.opaqueTokenLifetimeMs, now);
      if (!isUnexpired(token, now)) {
        const hint = secondsExpiryHint(token.expiresOnTimestamp, now);
        throw new TokenExpiredError(REFRESHED_TOKEN_EXPIRED_MESSAGE + hint, token.expiresOnTimestamp);
      }
      subscriber.next(token);
      subscriber.complete();
    };
    const fail = (error: unknown): void => {
      settled = true;
      subscriber.error(error);
    };
    let output: Observable<unknown>;
    try {
      output = refresherOutput(config.tokenRefresher(controller.signal));
    } catch (error) {
      fail(error);
      return () => timeout.unsubscribe();
    }
    const result = output.subscribe({
      next(value) {
        try {
          accept(value);
        } catch (error) {
          fail(error);
        }
      },
      error: fail,
      complete: () =>
        settled || fail(new InvalidTokenError("The tokenRefresher's Observable completed without a token.")),
    });
    return () => {
      timeout.unsubscribe();
      result.unsubscribe();
      if (!settled) controller.abort(abortError());
    };
  });
}
