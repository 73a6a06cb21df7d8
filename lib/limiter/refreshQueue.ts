import { Observable, type Subscriber, type Subscription } from "rxjs";
import { timerEnvironment, type Clock } from "../time/clock.js";
import { MinHeap, type HeapItem } from "../support/minHeap.js";
import type { RefreshLimiter, RefreshPriority } from "./refreshLimiter.js";
import { StartWindow } from "./startWindow.js";

// The queue behind createRefreshLimiter (refreshLimiter.ts says why it is hand-made).

/**
 * One request, from subscription to its end. It is also the observer of `work` and the teardown of
 * its subscriber, so that a request costs one small object; it drops `work` once started and the
 * limiter forgets it once it ends. (Having no `closed`, `add` or `remove`, it is not mistaken by rxjs
 * for a Subscriber, so `work.subscribe(request)` wraps it like any observer.)
 */
class RefreshRequest<T> implements HeapItem {
  heapIndex = -1;
  stage: "queued" | "running" | "done" = "queued";
  // The priority as last sorted: a mutation the engine has not announced must not break the heap.
  callerWaiting: boolean;
  expiresAt: number;
  /** The next queued request holding the same priority object (rare, but reprioritize must reach it). */
  samePriority: RefreshRequest<unknown> | undefined;
  work: Observable<T> | undefined;
  running: Subscription | undefined;

  constructor(
    work: Observable<T>,
    readonly priority: RefreshPriority,
    readonly arrival: number,
    readonly subscriber: Subscriber<T>,
    readonly leave: (request: RefreshRequest<unknown>) => void,
  ) {
    this.work = work;
    this.callerWaiting = priority.callerWaiting;
    this.expiresAt = priority.expiresAt;
  }

  next(value: T): void {
    this.subscriber.next(value);
  }
  error(error: unknown): void {
    this.subscriber.error(error);
  }
  complete(): void {
    this.subscriber.complete();
  }
  unsubscribe(): void {
    this.leave(this);
  }
}

function comesFirst(a: RefreshRequest<unknown>, b: RefreshRequest<unknown>): boolean {
  if (a.callerWaiting !== b.callerWaiting) return a.callerWaiting;
  if (a.expiresAt !== b.expiresAt) return a.expiresAt < b.expiresAt;
  return a.arrival < b.arrival;
}

export class QueueingLimiter implements RefreshLimiter {
  readonly #queue = new MinHeap<RefreshRequest<unknown>>(comesFirst);
  readonly #queuedByPriority = new Map<RefreshPriority, RefreshRequest<unknown>>();
  readonly #starts: StartWindow;
  readonly #maxConcurrent: number;
  readonly #clock: Clock;
  // Retries of refreshes already running (C30): they hold their slot, and wait only for a start.
  readonly #retryWaiters = new Set<Subscriber<void>>();
  #running = 0;
  #arrivals = 0;
  #pumping = false;
  #cancelTimer: (() => void) | undefined;
  #timerEnvironment: object | undefined;

  constructor(maxConcurrent: number, perSecond: number, clock: Clock) {
    this.#maxConcurrent = maxConcurrent;
    this.#starts = new StartWindow(perSecond);
    this.#clock = clock;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#queue.size;
  }

  schedule<T>(work: Observable<T>, priority: RefreshPriority): Observable<T> {
    // NaN would compare false both ways and leave the heap in an order nobody chose.
    if (
      typeof priority?.callerWaiting !== "boolean" ||
      typeof priority.expiresAt !== "number" ||
      Number.isNaN(priority.expiresAt)
    ) {
      throw new TypeError("A refresh priority needs a boolean callerWaiting and a number expiresAt (not NaN).");
    }
    return new Observable<T>((subscriber) => {
      const request = new RefreshRequest(work, priority, this.#arrivals++, subscriber, this.#leave);
      subscriber.add(request);
      request.samePriority = this.#queuedByPriority.get(priority);
      this.#queuedByPriority.set(priority, request);
      this.#queue.push(request);
      this.#pump();
    });
  }

  retryTurn(): Observable<void> {
    return new Observable<void>((subscriber) => {
      this.#retryWaiters.add(subscriber);
      this.#pump();
      return () => {
        if (this.#retryWaiters.delete(subscriber) && this.#queue.size === 0 && this.#retryWaiters.size === 0) {
          this.#stopTimer();
        }
      };
    });
  }

  reprioritize(priority: RefreshPriority): void {
    for (let request = this.#queuedByPriority.get(priority); request; request = request.samePriority) {
      request.callerWaiting = priority.callerWaiting;
      request.expiresAt = priority.expiresAt;
      this.#queue.update(request);
    }
  }

  // An arrow function, so that every request can hold the same one instead of a closure of its own.
  readonly #leave = (request: RefreshRequest<unknown>): void => {
    const stage = request.stage;
    request.stage = "done";
    if (stage === "queued") {
      request.work = undefined;
      this.#dequeue(request);
      if (this.#queue.size === 0 && this.#retryWaiters.size === 0) this.#stopTimer();
    } else if (stage === "running") {
      // The finished refresh is torn down (its signal aborted) before the next one is called.
      request.running?.unsubscribe();
      request.running = undefined;
      this.#running--;
      this.#pump();
    }
  };

  #dequeue(request: RefreshRequest<unknown>): void {
    this.#queue.remove(request);
    let previous: RefreshRequest<unknown> | undefined;
    let current = this.#queuedByPriority.get(request.priority);
    while (current !== undefined && current !== request) [previous, current] = [current, current.samePriority];
    if (current === undefined) return;
    if (previous !== undefined) previous.samePriority = request.samePriority;
    else if (request.samePriority !== undefined) this.#queuedByPriority.set(request.priority, request.samePriority);
    else this.#queuedByPriority.delete(request.priority);
    request.samePriority = undefined;
  }

  // Starts what the limits allow. Work may finish synchronously and release its slot inside the loop;
  // that nested call returns at once and the loop picks the freed slot up, so draining a long queue of
  // synchronous work runs in a flat loop instead of one stack frame per request.
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      // One start at a time, a retry first: its refresh already holds a slot, and its callers have
      // waited longest. Work started here may ask for a retry turn at once (its nested pump returns
      // at once), so the waiters are looked at again before every start.
      for (;;) {
        const waiter = this.#retryWaiters.values().next().value;
        const canStart = waiter !== undefined || (this.#queue.size > 0 && this.#running < this.#maxConcurrent);
        if (!canStart) break;
        const now = this.#clock.now();
        const delay = this.#starts.delayBeforeNextStart(now);
        if (delay > 0) return this.#wakeUpAfter(delay);
        if (waiter !== undefined) {
          this.#retryWaiters.delete(waiter);
          this.#starts.record(now);
          waiter.next();
          waiter.complete();
        } else {
          const request = this.#queue.peek() as RefreshRequest<unknown>;
          this.#dequeue(request);
          this.#start(request, now);
        }
      }
      if (this.#queue.size === 0 && this.#retryWaiters.size === 0) this.#stopTimer();
    } finally {
      this.#pumping = false;
    }
  }

  #start(request: RefreshRequest<unknown>, now: number): void {
    const work = request.work as Observable<unknown>;
    request.work = undefined;
    request.stage = "running";
    this.#running++;
    this.#starts.record(now);
    const running = work.subscribe(request);
    // Work that ended synchronously, or whose subscriber left during the call, has already left.
    if (request.stage === "running") request.running = running;
    else running.unsubscribe();
  }

  // Nothing can start before the oldest start leaves the window, so one timer for that moment is
  // enough. It keeps a Node process alive: a script awaiting getToken behind a spent budget must
  // not exit early, and the timer exists only while something waits.
  #wakeUpAfter(delayMs: number): void {
    const environment = timerEnvironment(this.#clock);
    if (this.#cancelTimer !== undefined && this.#timerEnvironment === environment) return;
    this.#cancelTimer?.(); // set where it can no longer fire (fake timers came or went): set it again
    const wakeUp = (): void => {
      this.#cancelTimer = undefined;
      this.#pump();
    };
    this.#cancelTimer = this.#clock.setTimer(wakeUp, Math.ceil(delayMs), true);
    this.#timerEnvironment = environment;
  }

  #stopTimer(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
  }
}
