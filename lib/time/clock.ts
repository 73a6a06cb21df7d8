import type { SchedulerLike } from "rxjs";
import { Observable } from "../support/rxjsClasses.js";
import { unrefScheduler } from "./clockScheduler.js";

/**
 * Where the credential reads the time and sets its timers. Built from the injected `SchedulerLike`,
 * or, by default, from the global `Date.now` and `setTimeout`, looked up at each call so that Jest's
 * and sinon's fake timers drive the credential (C10).
 */
export interface Clock {
  now(): number;
  /**
   * Runs `work` once after `delayMs`; the returned function cancels it. In Node the timer does not
   * keep the process alive unless `keepAlive` (or it is due at once).
   */
  setTimer(work: () => void, delayMs: number, keepAlive?: boolean): () => void;
  /** The same time and timers as an rxjs scheduler, for the operators of the refresh pipeline. */
  readonly scheduler: SchedulerLike;
}

/**
 * Long waits are cut into timers this long and the clock re-read (C14): a wall-clock jump (sleep and
 * resume) is noticed within a minute, and no timer comes near 2^31−1 ms, past which browsers wrap the
 * delay and Node fires it at once.
 */
export const CLOCK_RECHECK_INTERVAL_MS = 60_000;

/** The longest delay timers take as given (2^31−1 ms): browsers wrap longer ones, Node fires them at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

function setGlobalTimer(work: () => void, delayMs: number, keepAlive = false): () => void {
  const handle: unknown = setTimeout(work, delayMs);
  // In Node a waiting credential must not keep the process alive (C14); browsers return a number.
  // A timer due at once stays referenced, so a script's first refresh still starts before exit.
  if (delayMs > 0 && !keepAlive) (handle as { unref?: () => void }).unref?.();
  return () => clearTimeout(handle as Parameters<typeof clearTimeout>[0]);
}

const now = (): number => Date.now();
const globalClock: Clock = { now, setTimer: setGlobalTimer, scheduler: unrefScheduler(now, setGlobalTimer) };

/** Checks an injected scheduler: a TypeError naming `name` unless it has `now()` and `schedule()`. */
export function resolveScheduler(scheduler: unknown, name = "options.scheduler"): SchedulerLike | undefined {
  if (scheduler === undefined) return undefined;
  const candidate = scheduler as Partial<SchedulerLike> | null;
  if (typeof candidate?.now !== "function" || typeof candidate.schedule !== "function") {
    throw new TypeError(`${name} must be an rxjs SchedulerLike (with now() and schedule()).`);
  }
  return candidate as SchedulerLike;
}

const schedulerClocks = new WeakMap<SchedulerLike, Clock>();

/**
 * What a clock's timers live in: the global `setTimeout` function for the default clock — another one
 * once fake timers are installed, when timers set before can no longer fire — or the clock itself.
 * A timer set in one environment must be set again once the environment has changed.
 */
export function timerEnvironment(clock: Clock): object {
  return clock === globalClock ? setTimeout : clock;
}

/** The clock for an injected scheduler (one per scheduler, however many credentials share it), or the global one. */
export function clockFor(scheduler: SchedulerLike | undefined): Clock {
  if (scheduler === undefined) return globalClock;
  let clock = schedulerClocks.get(scheduler);
  if (clock === undefined) {
    clock = {
      scheduler,
      now: () => scheduler.now(),
      setTimer(work, delayMs) {
        const action = scheduler.schedule(work, delayMs);
        return () => action.unsubscribe();
      },
    };
    schedulerClocks.set(scheduler, clock);
  }
  return clock;
}

/**
 * Emits once, then completes, when `clock.now()` reaches `dueAt`; never synchronously, so a wait that
 * is already due still yields to the caller first. The wait is split into timers of at most a minute
 * and re-checked against the clock. For short waits of one call (the Entra exchange's retries); the
 * credentials' own due times live in the shared schedule (schedule.ts).
 */
export function waitUntil(clock: Clock, dueAt: number): Observable<void> {
  return new Observable<void>((subscriber) => {
    let cancelTimer = (): void => {};
    const arm = (): void => {
      cancelTimer();
      const remaining = Math.ceil(dueAt - clock.now());
      cancelTimer = clock.setTimer(check, Math.min(Math.max(remaining, 0), CLOCK_RECHECK_INTERVAL_MS));
    };
    const check = (): void => {
      if (clock.now() < dueAt) return arm();
      cancelTimer();
      subscriber.next();
      subscriber.complete();
    };
    arm();
    return () => cancelTimer();
  });
}
