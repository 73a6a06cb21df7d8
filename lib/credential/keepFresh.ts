import { catchError, EMPTY, finalize, ignoreElements, Observable, retry, share, switchMap, throwError } from "rxjs";
import { CredentialDisposedError } from "../errors.js";
import type { AccessToken } from "./accessToken.js";
import { waitUntil, type Clock } from "./clock.js";
import { proactiveRefreshAt, retryDelayMs, type RetryPolicy } from "./refreshPolicy.js";

/** What the proactive loop needs, and what it reports as it goes. */
export interface KeepFreshConfig {
  /** The current token, now and after every change. */
  readonly tokens: Observable<AccessToken | undefined>;
  /** One refresh: emits the new token, or errors. */
  readonly fetch: Observable<AccessToken>;
  readonly clock: Clock;
  readonly retry: RetryPolicy;
  /** Moments to re-check the clock early (a page becoming visible, back online). */
  readonly wakeUps: Observable<unknown>;
  /** The next refresh is due at `refreshAt`, or none is (undefined). */
  onSchedule(refreshAt: number | undefined): void;
  /** A failed refresh will be retried at `retryAt`. */
  onRetry(error: unknown, retryAt: number): void;
}

function wantsRetry(policy: RetryPolicy, error: unknown, attempt: number): boolean {
  if (error instanceof CredentialDisposedError) return false;
  try {
    return policy.shouldRetry(error, attempt) !== false;
  } catch {
    return false; // a throwing shouldRetry must not escape from a background timer (C13)
  }
}

/**
 * Proactive refresh as one pipeline (C11–C15): for each token, wait until its refresh is due, fetch,
 * and retry failures with backoff; a new token, from here or from anywhere else, restarts the wait.
 * It never emits and never errors. It is shared: it runs while anyone (the credential itself with
 * `refreshProactively`, each `token$` subscriber) is subscribed, and stops when the last one leaves.
 */
export function keepFresh(config: KeepFreshConfig): Observable<never> {
  const { clock, retry: policy, wakeUps } = config;
  const backOff = (error: unknown, attempt: number): Observable<void> => {
    if (!wantsRetry(policy, error, attempt)) return throwError(() => error);
    const retryAt = clock.now() + retryDelayMs(attempt, policy);
    config.onRetry(error, retryAt);
    return waitUntil(clock, retryAt, wakeUps);
  };
  const giveUp = (): Observable<never> => {
    config.onSchedule(undefined);
    return EMPTY;
  };
  return config.tokens.pipe(
    switchMap((token) => {
      const refreshAt = proactiveRefreshAt(token, clock.now());
      config.onSchedule(refreshAt);
      return waitUntil(clock, refreshAt, wakeUps).pipe(
        switchMap(() => config.fetch.pipe(retry({ delay: backOff }))),
        catchError(giveUp),
      );
    }),
    ignoreElements(),
    finalize(() => config.onSchedule(undefined)),
    share(),
  );
}
