import type { Subscription } from "rxjs";
import { CLOCK_RECHECK_INTERVAL_MS, clockFor, timerEnvironment, type Clock } from "./clock.js";
import { MinHeap, type HeapItem } from "../support/minHeap.js";
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
  // Tasks that someone awaits (a token$ subscriber without a token): while there are any, the timer
  // keeps a Node process alive. Few at any time, so a set costs nothing for the idle thousands.
  readonly #keptAlive = new Set<ScheduledTask>();
  #timerKeepsAlive = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Runs `task` at `dueAt`; with `keepAlive`, its wait keeps a Node process alive. */
  schedule(task: ScheduledTask, dueAt: number, keepAlive = false): void {
    if (task.dueAt === dueAt && task.heapIndex !== -1 && this.#keptAlive.has(task) === keepAlive) return;
    task.dueAt = dueAt;
    this.#tasks.push(task);
    if (keepAlive) this.#keptAlive.add(task);
    else this.#keptAlive.delete(task);
    if (this.#running) return;
    // A timer due time the clock has already passed (a jump forward) cannot be trusted to come first.
    const timerLate = dueAt < this.#timerDueAt || this.#timerDueAt <= this.#clock.now();
    if (timerLate || this.#timerKeepsAlive !== this.#keptAlive.size > 0) this.#arm();
  }

  cancel(task: ScheduledTask): void {
    this.#tasks.remove(task);
    this.#keptAlive.delete(task);
    if (this.#running) return;
    if (this.#tasks.size === 0) this.#disarm();
    else if (this.#timerKeepsAlive && this.#keptAlive.size === 0) this.#arm();
  }

  /** Hands every task to `queue`, whose timers can fire where this queue's no longer can. */
  moveTo(queue: DueQueue): void {
    this.#disarm();
    for (let task = this.#tasks.pop(); task !== undefined; task = this.#tasks.pop()) {
      queue.schedule(task, task.dueAt, this.#keptAlive.has(task));
    }
    this.#keptAlive.clear();
  }

  #arm(): void {
    this.#cancelTimer?.();
    const next = this.#tasks.peek();
    if (next === undefined) return this.#disarm();
    const now = this.#clock.now();
    const delay = Math.min(Math.max(Math.ceil(next.dueAt - now), 0), CLOCK_RECHECK_INTERVAL_MS);
    this.#timerDueAt = now + delay;
    this.#timerKeepsAlive = this.#keptAlive.size > 0;
    this.#cancelTimer = this.#clock.setTimer(() => this.#runDue(), delay, this.#timerKeepsAlive);
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
      this.#keptAlive.delete(next);
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

const schedulerQueues = new WeakMap<Clock, DueQueue>();
let globalQueue: { environment: object; queue: DueQueue } | undefined;

/**
 * The one queue of due times for `clock`. The global clock's queue follows its timer environment:
 * when fake timers are installed (or uninstalled), its tasks move to a new queue whose timer can fire.
 */
export function dueQueueFor(clock: Clock): DueQueue {
  if (clock !== clockFor(undefined)) {
    let queue = schedulerQueues.get(clock);
    if (queue === undefined) schedulerQueues.set(clock, (queue = new DueQueue(clock)));
    return queue;
  }
  const environment = timerEnvironment(clock);
  if (globalQueue?.environment === environment) return globalQueue.queue;
  const queue = new DueQueue(clock);
  globalQueue?.queue.moveTo(queue);
  globalQueue = { environment, queue };
  return queue;
}

export type { DueQueue };
