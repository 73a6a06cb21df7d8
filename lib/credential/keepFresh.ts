import { Observable, type Subscription } from "rxjs";
import { CredentialDisposedError } from "../errors.js";
import type { AccessToken } from "../types.js";
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
 * Runs the loop for one stretch of demand: for each token, wait until its refresh is due, fetch, and
 * retry failures with backoff; a new token, from here or from anywhere else, restarts the wait.
 * Returns the function that stops it.
 */
function runLoop(config: KeepFreshConfig): () => void {
  const { clock, retry: policy } = config;
  let pending: Subscription | undefined; // the wait or the fetch under way: never both
  let attempt = 0;

  const cancel = (): void => {
    pending?.unsubscribe();
    pending = undefined;
  };
  const waitThen = (dueAt: number, then: () => void): void => {
    cancel();
    pending = waitUntil(clock, dueAt, config.wakeUps).subscribe(then);
  };
  const fetch = (): void => {
    cancel();
    // Success needs no handler here: the new token arrives through `tokens` and reschedules.
    const subscription = config.fetch.subscribe({ error: retryLater });
    if (!subscription.closed) pending = subscription;
  };
  function retryLater(error: unknown): void {
    attempt += 1;
    if (!wantsRetry(policy, error, attempt)) {
      config.onSchedule(undefined);
      return;
    }
    const retryAt = clock.now() + retryDelayMs(attempt, policy);
    config.onRetry(error, retryAt);
    waitThen(retryAt, fetch);
  }
  const schedule = (token: AccessToken | undefined): void => {
    attempt = 0;
    const refreshAt = proactiveRefreshAt(token, clock.now());
    config.onSchedule(refreshAt);
    waitThen(refreshAt, fetch);
  };

  const tokens = config.tokens.subscribe(schedule);
  return () => {
    tokens.unsubscribe();
    cancel();
    config.onSchedule(undefined);
  };
}

/**
 * Proactive refresh (C11–C15): for each token, wait until its refresh is due, fetch, and retry
 * failures with backoff. It never emits and never errors. It is reference-counted: it runs while
 * anyone (the credential itself with `refreshProactively`, each `token$` subscriber) is subscribed,
 * and stops when the last one leaves. Written as a small loop over one wait or one fetch at a time
 * rather than an operator chain, because a credential keeps it running for its whole life: a Node
 * service holding thousands of users' credentials pays for it once per user.
 */
export function keepFresh(config: KeepFreshConfig): Observable<never> {
  let demand = 0;
  let stop: (() => void) | undefined;
  return new Observable<never>(() => {
    demand += 1;
    if (demand === 1) stop = runLoop(config);
    return () => {
      demand -= 1;
      if (demand === 0) {
        stop?.();
        stop = undefined;
      }
    };
  });
}
