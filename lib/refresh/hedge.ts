import {
  BehaviorSubject,
  catchError,
  concat,
  defer,
  dematerialize,
  filter,
  map,
  merge,
  NEVER,
  of,
  scan,
  switchMap,
  take,
  tap,
  timer,
  type Observable,
  type ObservableNotification,
} from "rxjs";
import { MAX_TIMER_MS, type Clock } from "../time/clock.js";
import type { ReceivedToken } from "../token/issuerClock.js";
import type { RefreshProgress } from "../options/tokenRefresher.js";
import { hedgeBudgetFor } from "./hedgeBudget.js";

/** What a refresh's calls need besides the refresher: the clock, the limits, and the limiter's turns. */
export interface HedgeSettings {
  readonly clock: Clock;
  readonly refreshTimeoutMs: number;
  /** Undefined: no hedged second call. */
  readonly hedgeAfterMs: number | undefined;
  /** Passed on to the refresher as `progress.retryTurn` (C30). */
  readonly retryTurn: RefreshProgress["retryTurn"];
  /** Passed on to the refresher as `progress.scheduler`. */
  readonly scheduler: RefreshProgress["scheduler"];
}

/** One refresher call, told its progress object and the refresh's deadline on the clock. */
export type RefresherCall = (progress: RefreshProgress, deadline: number) => Observable<ReceivedToken>;

/** What happened to one of the two calls, or the moment the second one started. */
type CallEvent =
  { readonly call: 0 | 1; readonly token: ReceivedToken } | { readonly call: 0 | 1; readonly error: unknown };
const HEDGE_STARTED = "hedge started" as const;

/** What the hedge knows so far, and, once it is decided, how the refresh ends. */
interface HedgeVerdict {
  readonly hedged: boolean;
  readonly firstError?: { readonly error: unknown };
  readonly secondFailed: boolean;
  readonly outcome?: ObservableNotification<ReceivedToken>;
}

// The rules of C29, one event at a time: the first token wins; a first call that fails before the
// hedge fails the refresh; after it, a failure waits for the other call; and a refresh with no token
// fails with the first call's error, the one it would have had without the hedge (the second call's
// may be an artefact of running alongside the first). The first call's RefreshTimeoutError comes at
// the refresh's deadline, and so ends it at once (`pastDeadline`), whatever the second call does.
function decide(verdict: HedgeVerdict, event: CallEvent | typeof HEDGE_STARTED, pastDeadline: boolean): HedgeVerdict {
  if (event === HEDGE_STARTED) return { ...verdict, hedged: true };
  if ("token" in event) return { ...verdict, outcome: { kind: "N", value: event.token } };
  if (event.call === 1) {
    const firstError = verdict.firstError;
    return firstError
      ? { ...verdict, outcome: { kind: "E", error: firstError.error } }
      : { ...verdict, secondFailed: true };
  }
  if (!verdict.hedged || verdict.secondFailed || pastDeadline) {
    return { ...verdict, outcome: { kind: "E", error: event.error } };
  }
  return { ...verdict, firstError: { error: event.error } };
}

function eventsOf(call: 0 | 1, source: Observable<ReceivedToken>): Observable<CallEvent> {
  return source.pipe(
    map((token): CallEvent => ({ call, token })),
    catchError((error: unknown) => of<CallEvent>({ call, error })),
  );
}

/**
 * One refresh's refresher calls (C9, C29): the first at once, and, when it has had no answer for
 * `hedgeAfterMs`, one hedged second call; the first token wins and the other call is unsubscribed
 * (its signal aborted). A hung request (a dead keep-alive socket, a stalled proxy) then costs its
 * callers `hedgeAfterMs` plus one normal answer, not the whole `refreshTimeoutMs`. Both calls share
 * the refresh's deadline, `refreshTimeoutMs` after subscription. A call that reports
 * `progress.backingOff(ms)` is not hedged before that wait plus `hedgeAfterMs` (never, for `Infinity`).
 * Hedges come out of the process's allowance (hedgeBudget.ts): beyond it, no hedge.
 *
 * @example
 * ```ts
 * const refresh$ = hedged((progress, deadline) => callRefresher(config, progress, deadline), settings);
 * refresh$.subscribe(({ token }) => use(token)); // a second call at 3 s if the first hangs
 * ```
 */
export function hedged(call: RefresherCall, settings: HedgeSettings): Observable<ReceivedToken> {
  const { clock, hedgeAfterMs, retryTurn, scheduler } = settings;
  return defer(() => {
    const deadline = clock.now() + Math.min(settings.refreshTimeoutMs, MAX_TIMER_MS);
    const remainingMs = (): number => Math.max(0, deadline - clock.now());
    // What a call that cannot be hedged (any more) may report: only its deadline is worth telling.
    const unhedged: RefreshProgress = { backingOff: () => {}, remainingMs, retryTurn, scheduler };
    if (hedgeAfterMs === undefined) return call(unhedged, deadline);
    const budget = hedgeBudgetFor(clock);
    budget.callStarted();
    // When the hedge is due, from the last report; Infinity: never. Reports change nothing once the
    // hedge started, the first call ended, or a report said never.
    const hedgeDelay = new BehaviorSubject<number>(hedgeAfterMs);
    let hearingReports = true;
    const stopHearing = (): void => {
      hearingReports = false;
    };
    const progress: RefreshProgress = {
      backingOff(delayMs) {
        if (!hearingReports || !(delayMs >= 0)) return;
        hedgeDelay.next(delayMs === Number.POSITIVE_INFINITY ? delayMs : delayMs + hedgeAfterMs);
        if (delayMs === Number.POSITIVE_INFINITY) stopHearing(); // a call never to be sent twice
      },
      remainingMs,
      retryTurn,
      scheduler,
    };
    const second$ = hedgeDelay.pipe(
      switchMap((delayMs) => (delayMs === Number.POSITIVE_INFINITY ? NEVER : timer(delayMs, clock.scheduler))),
      take(1),
      tap(stopHearing),
      filter(() => budget.tryHedge()),
      switchMap(() => concat(of<typeof HEDGE_STARTED>(HEDGE_STARTED), eventsOf(1, call(unhedged, deadline)))),
    );
    const first$ = eventsOf(0, call(progress, deadline)).pipe(tap(stopHearing));
    // The hedge is armed before the first call, which may report a backoff before it returns.
    return merge(second$, first$).pipe(
      scan((verdict: HedgeVerdict, event) => decide(verdict, event, remainingMs() <= 0), {
        hedged: false,
        secondFailed: false,
      }),
      map((verdict) => verdict.outcome),
      filter((outcome) => outcome !== undefined),
      take(1),
      dematerialize(),
    );
  });
}
