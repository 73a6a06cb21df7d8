import type { Subscription } from "rxjs";
import { CLOCK_RECHECK_INTERVAL_MS, clockFor, type Clock } from "./clock.js";
import { MinHeap, type HeapItem } from "./minHeap.js";
import { browserWakeUps } from "./wakeUps.js";

/** Something that wants to run at `dueAt`: a credential's next refresh, retry or token expiry. */
export interface ScheduledTask extends HeapItem {
  /** When it is due, on its clock. Change it only through `schedule()`. */
  dueAt: number;
  /** Called once when the clock has reached `dueAt`; never synchronously from `schedule()`. */
  runDue(): void;
}

/**
 * The due times of every credential on one clock, driven by one timer (C14, C24). The timer is set
 * for the earliest due time but never longer than a minute, and re-reads the clock when it fires:
 * that minute is the process-wide watcher of the wall clock (a sleeping laptop, a throttled tab),
 * so 50,000 idle credentials cost one timer a minute instead of 50,000. Browser wake-ups (page
 * visible, back online) re-check at once.
 */
class DueQueue {
  readonly #clock: Clock;
  readonly #tasks = new MinHeap<ScheduledTask>((a, b) => a.dueAt < b.dueAt);
  #cancelTimer: (() => void) | undefined;
  #timerDueAt = Number.POSITIVE_INFINITY;
  #wakeUps: Subscription | undefined;
  #running = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  schedule(task: ScheduledTask, dueAt: number): void {
    task.dueAt = dueAt;
    this.#tasks.push(task);
    if (!this.#running && dueAt < this.#timerDueAt) this.#arm();
  }

  cancel(task: ScheduledTask): void {
    this.#tasks.remove(task);
    if (this.#tasks.size === 0 && !this.#running) this.#disarm();
  }

  #arm(): void {
    this.#cancelTimer?.();
    const next = this.#tasks.peek();
    if (next === undefined) return this.#disarm();
    const now = this.#clock.now();
    const delay = Math.min(Math.max(Math.ceil(next.dueAt - now), 0), CLOCK_RECHECK_INTERVAL_MS);
    this.#timerDueAt = now + delay;
    this.#cancelTimer = this.#clock.setTimer(() => this.#runDue(), delay);
    this.#wakeUps ??= browserWakeUps().subscribe(() => this.#runDue());
  }

  #disarm(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#timerDueAt = Number.POSITIVE_INFINITY;
    this.#wakeUps?.unsubscribe();
    this.#wakeUps = undefined;
  }

  // Takes every due task out before running any, so that a task rescheduling itself for "now" runs
  // on the next timer, never in a loop here.
  #runDue(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#timerDueAt = Number.POSITIVE_INFINITY;
    const now = this.#clock.now();
    const due: ScheduledTask[] = [];
    for (let next = this.#tasks.peek(); next !== undefined && next.dueAt <= now; next = this.#tasks.peek()) {
      due.push(next);
      this.#tasks.pop();
    }
    this.#running = true;
    for (const task of due) {
      try {
        task.runDue();
      } catch {
        // A task never throws by design; if one ever did, the others due with it must still run.
      }
    }
    this.#running = false;
    this.#arm();
  }
}

// The global clock's queue is kept per `setTimeout` function, so that fake timers installed after
// an earlier queue armed a (now dead) timer start a queue of their own instead of waiting forever.
const queues = new WeakMap<object, DueQueue>();

/** The one queue of due times for `clock`. */
export function dueQueueFor(clock: Clock): DueQueue {
  const key = clock === clockFor(undefined) ? setTimeout : clock;
  let queue = queues.get(key);
  if (queue === undefined) {
    queue = new DueQueue(clock);
    queues.set(key, queue);
  }
  return queue;
}

export type { DueQueue };
