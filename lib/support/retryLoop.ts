import { asyncScheduler, catchError, concatMap, defer, map, of, retry, throwError, throwIfEmpty, timer } from "rxjs";
import type { Observable } from "rxjs";
import { firstValueUnlessAborted } from "./abortable.js";
import { jitteredBackoffMs } from "./backoff.js";
import type { AttemptResult, RetryableFailure, RetryPlan, RetryProgress } from "./retryPlan.js";

// The one retry loop inside a refresh, for the refreshers that retry on their own: tokenEndpoint
// (C29) and the Entra exchange (A5). It is there for the blips a user should never see (a reset
// keep-alive socket, a 502 while a backend restarts, a brief 429); a server that stays down is the
// credential's business, whose background retry (C13) spaces whole refreshes over minutes.
//
// Its waits run on the credential's scheduler (progress.scheduler; the global clock without one), so
// that virtual time drives them, and they end with the refresh's signal, which the credential aborts
// at refreshTimeoutMs, on dispose and when nobody waits any more. A wait that would end after that
// deadline (progress.remainingMs()) is not started: the refresh would only end in a
// RefreshTimeoutError that has lost the server's answer, and its Retry-After with it, which the
// background retry would have honoured. Each retry waits for its turn (progress.retryTurn(), C30), so
// that a refresh limiter counts every request, not only the first.

// A retryable failure on its way through rxjs's retry, told apart from a failure not worth retrying.
class RetryableAttempt {
  constructor(readonly result: RetryableFailure) {}
}

/**
 * The progress as this loop uses it, from a progress that may have been written before `remainingMs`
 * or `retryTurn` existed (a refresher of the user's wrapping this one): what it lacks bounds nothing
 * and waits for nothing.
 */
function withDefaults(progress: RetryProgress): RetryProgress {
  const given = progress as Partial<RetryProgress>;
  return {
    backingOff: (delayMs) => given.backingOff?.(delayMs),
    remainingMs: () => {
      const left = typeof given.remainingMs === "function" ? given.remainingMs() : Number.NaN;
      return Number.isNaN(left) ? Number.POSITIVE_INFINITY : left;
    },
    retryTurn: () => (typeof given.retryTurn === "function" ? given.retryTurn() : of(undefined)),
    scheduler: given.scheduler,
  };
}

/**
 * Runs `attempt` until it gives a value, and up to `plan.maxRetries` more times after a retryable
 * failure; a failure it throws (one not worth retrying) rejects at once. Retry n waits the backoff
 * `jitteredBackoffMs` draws (½–1 × min(initialDelayMs × 2^(n−1), maxDelayMs)), or what the failure's
 * `retryAfterMs` asks as `plan.retryAfter` says, on `progress.scheduler` (the global clock when
 * undefined), reporting it with `progress.backingOff` so that the wait is not hedged (C29); then it
 * waits for `progress.retryTurn()` (C30) and sends. A `retryAfterMs` beyond `maxDelayMs`, or a wait
 * that would not end before `progress.remainingMs()`, rejects with that failure at once, leaving the
 * wait to the credential's background retry, which honours `retryAfterMs`. After the last retry it
 * rejects with the last failure.
 *
 * Nothing is attempted once `signal` has aborted: the loop rejects at once with the signal's reason,
 * ending any wait or turn it was in; an attempt in flight gets the abort through its own signal.
 *
 * @example
 * ```ts
 * const token = await withRetries(
 *   async () => {
 *     const response = await fetch(url, { signal });
 *     if (response.status === 503) return { failure: new Error("busy"), retryAfterMs: 1_000 };
 *     return { value: await response.text() };
 *   },
 *   { maxRetries: 3, initialDelayMs: 1_000, maxDelayMs: 10_000, random: Math.random, retryAfter: "atLeast" },
 *   signal,
 *   progress ?? UNHEARD_PROGRESS,
 * );
 * ```
 */
export function withRetries<T>(
  attempt: () => Promise<AttemptResult<T>>,
  plan: RetryPlan,
  signal: AbortSignal,
  progress: RetryProgress,
): Promise<T> {
  const { maxRetries, initialDelayMs, maxDelayMs, random } = plan;
  const told = withDefaults(progress);
  const beforeRetry = (error: unknown, retryNumber: number): Observable<void> => {
    // A failure not worth retrying, or one that came after the abort, is passed on as it is.
    if (!(error instanceof RetryableAttempt) || signal.aborted) throw error;
    const retryAfterMs = error.result.retryAfterMs;
    if (retryAfterMs !== undefined && retryAfterMs > maxDelayMs) throw error;
    const backoffMs = jitteredBackoffMs({ attempt: retryNumber, initialDelayMs, maxDelayMs, floor: "half", random });
    const delayMs =
      plan.retryAfter === "atLeast" ? Math.max(backoffMs, retryAfterMs ?? 0) : (retryAfterMs ?? backoffMs);
    // A wait ending at the deadline itself is as useless: the credential aborts the refresh then.
    if (delayMs >= told.remainingMs()) throw error;
    told.backingOff(delayMs); // a wait on purpose, not a hung request: no hedge during it (C29)
    return timer(delayMs, told.scheduler ?? asyncScheduler).pipe(
      concatMap(() => told.retryTurn()),
      // A turn that ends without being given sends nothing: the refresh fails with what it has.
      throwIfEmpty(() => error),
    );
  };
  const attempts = defer(attempt).pipe(
    map((result) => {
      if ("value" in result) return result.value;
      throw new RetryableAttempt(result);
    }),
    retry({ count: maxRetries, delay: beforeRetry }),
    catchError((error: unknown) =>
      throwError(() => (error instanceof RetryableAttempt ? error.result.failure : error)),
    ),
  );
  return firstValueUnlessAborted(attempts, signal);
}
