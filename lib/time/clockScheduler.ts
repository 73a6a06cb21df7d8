import type { SchedulerAction, SchedulerLike } from "rxjs";
import { Subscription } from "../support/rxjsClasses.js";

/**
 * An rxjs scheduler whose time and timers are the global clock's: `Date.now` and `setTimeout`, looked
 * up at each call so that Jest's and sinon's fake timers drive it (C10), and timers that do not keep a
 * Node process alive (C14). The refresh pipeline's operators (`timer`, `timeout`) run on it when no
 * scheduler is injected. rxjs's `asyncScheduler` would do the rest, but its timers keep Node alive.
 *
 * @example
 * ```ts
 * const scheduler = unrefScheduler(() => Date.now(), (work, ms) => { const t = setTimeout(work, ms); return () => clearTimeout(t); });
 * timer(1_000, scheduler).subscribe(() => console.log("a second later"));
 * ```
 */
export function unrefScheduler(
  now: () => number,
  setTimer: (work: () => void, delayMs: number) => () => void,
): SchedulerLike {
  const scheduler: SchedulerLike = {
    now,
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
      const action = new Subscription() as Subscription & SchedulerAction<T>;
      // Operators that repeat (an interval) schedule the same work again through the action.
      action.schedule = (nextState?: T, nextDelay = 0) => {
        const next = scheduler.schedule(work, nextDelay, nextState);
        action.add(next);
        return next;
      };
      action.add(setTimer(() => work.call(action, state), Math.max(0, delay)));
      return action;
    },
  };
  return scheduler;
}
