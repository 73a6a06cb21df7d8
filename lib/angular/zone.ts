import type { NgZone } from "@angular/core";
import { asyncScheduler, from, isObservable, Observable, of, type SchedulerAction, type SchedulerLike } from "rxjs";
import type { TokenInput } from "../token/accessToken.js";
import type { TokenRefresher } from "../options/tokenRefresher.js";

/** Runs `work` outside Angular's zone when the app has one; zoneless apps (a no-op NgZone) just run it. */
export function runOutsideZone<T>(zone: NgZone | null, work: () => T): T {
  return zone === null ? work() : zone.runOutsideAngular(work);
}

function isPromiseLike(value: unknown): value is PromiseLike<TokenInput> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/**
 * The refresher, called and listened to outside the zone. Creating the credential outside is not
 * enough: a refresh that a component's getToken() starts runs in that component's zone, and the
 * timers the credential arms when the answer lands (the next proactive refresh, a retry) would join
 * the zone, which would then never be stable (no SSR render, no `whenStable`). Subscribing to the
 * answer outside makes it land outside. The refresher's errors pass unchanged; unsubscribing (the
 * credential's abort) still cancels an Observable refresher.
 */
export function refresherOutsideZone(zone: NgZone | null, refresher: TokenRefresher): TokenRefresher {
  if (zone === null) return refresher;
  return (abortSignal, progress) =>
    new Observable<TokenInput>((subscriber) =>
      zone.runOutsideAngular(() => {
        const result = refresher(abortSignal, progress);
        const answer = isObservable(result) ? result : isPromiseLike(result) ? from(result) : of(result);
        return answer.subscribe(subscriber);
      }),
    );
}

/**
 * A scheduler whose timers are set outside the zone: the credential's due times (the shared schedule's
 * timer, a refresh's timeout) would otherwise join whatever zone happens to arm them — a component
 * subscribing to `state$` inside Angular's zone, say — and keep the app from ever becoming stable.
 */
export function schedulerOutsideZone(zone: NgZone | null): SchedulerLike | undefined {
  if (zone === null) return undefined;
  const schedule = (work: (this: SchedulerAction<unknown>, state?: unknown) => void, delay?: number, state?: unknown) =>
    zone.runOutsideAngular(() => asyncScheduler.schedule(work, delay, state));
  return { now: () => asyncScheduler.now(), schedule: schedule as SchedulerLike["schedule"] };
}
