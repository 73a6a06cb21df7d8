import { Observable, type Subscription } from "rxjs";
import { MAX_TIMER_MS, type Clock } from "../time/clock.js";
import type { ReceivedToken } from "../token/issuerClock.js";
import { UNHEARD_PROGRESS, type RefreshProgress } from "../options/tokenRefresher.js";

/**
 * The refresh `call` with one hedged second attempt (C29): a refresher call that has had no answer
 * for `hedgeAfterMs` is joined by a second, fresh call; the first token wins and the other call is
 * unsubscribed, which aborts its signal. A hung request (a dead keep-alive socket, a stalled proxy)
 * then costs its callers `hedgeAfterMs` plus one normal answer, not the whole `refreshTimeoutMs`.
 * Each subscription of `call` must be one refresher call (callRefresher.ts). Without `hedgeAfterMs`
 * it is `call` itself.
 *
 * The hedge can only improve on the first attempt, never change how the refresh fails:
 * - a first attempt that fails before the hedge fails the refresh at once (the refresher does its own
 *   retries, as tokenEndpoint does);
 * - the first attempt's RefreshTimeoutError comes at the refresh's deadline, counted from its start
 *   (C9), and ends the refresh, second attempt or not;
 * - once both attempts have started, a failure waits for the other attempt, but no later than
 *   `refreshTimeoutMs` after the start;
 * - a refresh that brings no token fails with the first attempt's error, the one it would have had
 *   without the hedge: the second attempt's may be an artefact of running alongside the first, and
 *   the first one's is what `retryAfterMs` and the retry policy were written for.
 *
 * Unsubscribing unsubscribes both attempts and stops the timers.
 *
 * @example
 * ```ts
 * const call = callRefresher({ tokenRefresher, clock, refreshTimeoutMs: 30_000, opaqueTokenLifetimeMs });
 * hedged(call, 3_000, clock, 30_000).subscribe(({ token }) => use(token)); // a second call at 3 s if the first hangs
 * ```
 */
export function hedged(
  call: (progress: RefreshProgress) => Observable<ReceivedToken>,
  hedgeAfterMs: number | undefined,
  clock: Clock,
  refreshTimeoutMs: number,
): Observable<ReceivedToken> {
  return new Observable<ReceivedToken>((subscriber) => {
    const startedAt = clock.now();
    const remainingMs = (): number => Math.max(0, startedAt + refreshTimeoutMs - clock.now());
    // What a call that cannot be hedged (any more) may report: only its deadline is worth telling.
    const unhedged: RefreshProgress = { ...UNHEARD_PROGRESS, remainingMs };
    if (hedgeAfterMs === undefined) return call(unhedged).subscribe(subscriber);
    let cancelTimer = (): void => {};
    let second: Subscription | undefined;
    let secondStarted = false;
    let secondFailed = false;
    let firstFailure: { error: unknown } | undefined;

    const win = (received: ReceivedToken): void => {
      subscriber.next(received);
      subscriber.complete(); // the teardown below unsubscribes the other attempt
    };
    const startSecond = (): void => {
      if (subscriber.closed) return;
      secondStarted = true;
      second = call(unhedged).subscribe({
        next: win,
        error: () => {
          if (firstFailure !== undefined) return subscriber.error(firstFailure.error);
          secondFailed = true; // the first attempt may still answer
        },
      });
    };
    const armHedge = (delayMs: number): void => {
      cancelTimer();
      cancelTimer = clock.setTimer(startSecond, Math.min(delayMs, MAX_TIMER_MS));
    };
    // A first attempt that waits on purpose (a backoff, a Retry-After) is not hung: the hedge waits
    // for that wait, then hedgeAfterMs more. Heard only while the hedge is still to come. An endless
    // wait means a call that must never be sent twice: no later, finite wait brings the hedge back.
    let neverHedge = false;
    const progress: RefreshProgress = {
      backingOff(delayMs) {
        if (neverHedge || subscriber.closed || secondStarted || firstFailure !== undefined || !(delayMs >= 0)) return;
        if (delayMs === Number.POSITIVE_INFINITY) {
          neverHedge = true;
          return cancelTimer();
        }
        armHedge(delayMs + hedgeAfterMs);
      },
      remainingMs,
      retryTurn: UNHEARD_PROGRESS.retryTurn,
      scheduler: undefined,
    };
    // Armed before the first call, which may report a backoff before it returns.
    armHedge(hedgeAfterMs);
    const first = call(progress).subscribe({
      next: win,
      error: (error: unknown) => {
        // The second attempt's own timeout counts from the hedge, later than the refresh's deadline;
        // the first attempt's RefreshTimeoutError comes at that deadline, and so ends the refresh.
        const untilDeadline = remainingMs();
        if (!secondStarted || secondFailed || untilDeadline <= 0) return subscriber.error(error);
        firstFailure = { error };
        cancelTimer = clock.setTimer(() => subscriber.error(error), Math.min(untilDeadline, MAX_TIMER_MS));
      },
    });
    return () => {
      cancelTimer();
      first.unsubscribe();
      second?.unsubscribe();
    };
  });
}
