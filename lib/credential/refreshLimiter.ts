// The refresh limiter (C23): one queue shared by many credentials, so that a service holding
// thousands of users' credentials does not call its token server thousands of times at once when
// their tokens expire together.
//
// It is hand-made because no limiter library offers all of what it needs: a priority queue whose
// entries can be re-sorted after they were queued (a background refresh becomes urgent when a caller
// starts waiting for it), a sliding window for the per-second budget, and time from an injected rxjs
// scheduler so that tests run on virtual time. p-queue, the usual choice, is ESM-only, counts fixed
// windows and uses the global setTimeout. What it takes is small: a MinHeap of requests, a window of
// recent start times (startWindow.ts) and at most one timer, with rxjs Observables as the interface so
// that the refresh pipeline composes it like any other operator.

import { Observable, type SchedulerLike, type Subscriber, type Subscription } from "rxjs";
import { clockFor, type Clock } from "./clock.js";
import { MinHeap, type HeapItem } from "./minHeap.js";
import { unknownOptionMessage } from "./optionNames.js";
import { StartWindow } from "./startWindow.js";

/**
 * The limits of a {@link RefreshLimiter}, over all credentials that share it.
 *
 * @example
 * ```ts
 * const options: RefreshLimiterOptions = { maxConcurrent: 50, perSecond: 100 };
 * const limiter = createRefreshLimiter(options);
 * ```
 */
export interface RefreshLimiterOptions {
  /** Refresher calls in flight at once; a positive integer. */
  maxConcurrent: number;
  /** Refresher calls started in any interval of 1000 ms (a sliding window); a positive integer. */
  perSecond: number;
  /** The time source and timers; default: `Date.now` and `setTimeout`. Inject a TestScheduler in tests. */
  scheduler?: SchedulerLike | undefined;
}

/**
 * Shares a token server's capacity among credentials (C23). Users only create it and pass it as the
 * credential option `refreshLimiter`; the credential engine calls `schedule` and `reprioritize`.
 *
 * @example
 * ```ts
 * // A Node service acting for many users: one limiter for all their credentials.
 * const limiter = createRefreshLimiter({ maxConcurrent: 50, perSecond: 100 });
 * const credentialFor = (userId: string) =>
 *   new CommunicationTokenCredential({
 *     tokenRefresher: (signal) => issueTokenFor(userId, signal),
 *     refreshLimiter: limiter,
 *     refreshProactively: true,
 *   });
 * setInterval(() => metrics.gauge("acs.refresh.waiting", limiter.waiting), 10_000);
 * ```
 */
export interface RefreshLimiter {
  /** Refresher calls running now (for monitoring). */
  readonly running: number;
  /** Refreshes waiting for a slot now (for monitoring). */
  readonly waiting: number;
  /**
   * Runs `work` once a slot is free. Subscribing queues it; when its turn comes it subscribes to `work`
   * (that is the moment the refresher is actually called, so any timeout inside `work` counts from there).
   * Unsubscribing while queued leaves the queue (abort, dispose); unsubscribing after it started frees the slot,
   * and so does `work` completing or erroring. Values and errors of `work` pass through unchanged.
   */
  schedule<T>(work: Observable<T>, priority: RefreshPriority): Observable<T>;
  /** Re-sorts a queued request after its priority object was mutated (e.g. a caller started waiting). No-op if not queued. */
  reprioritize(priority: RefreshPriority): void;
}

/**
 * How urgent a refresh is. The engine keeps one per refresh and mutates it, then calls `reprioritize`.
 *
 * @example
 * ```ts
 * const priority: RefreshPriority = { callerWaiting: false, expiresAt: current?.expiresOnTimestamp ?? -Infinity };
 * // Lazy work (defer), so that the refresher is called when the limiter starts it, not before.
 * const refreshed$ = limiter.schedule(defer(() => tokenRefresher(new AbortController().signal)), priority);
 * // Later, getToken finds no valid token and waits for this refresh:
 * priority.callerWaiting = true;
 * limiter.reprioritize(priority);
 * ```
 */
export interface RefreshPriority {
  /** True when a caller (getToken without a valid token) is waiting for this refresh: these go first. */
  callerWaiting: boolean;
  /** When the credential's current token expires (ms since epoch; -Infinity when it has none): among background refreshes the earliest expiry goes first, and among waiting callers too. Ties: first come first served. */
  expiresAt: number;
}

/**
 * Creates a limiter to share among credentials; the options are checked at once.
 *
 * @example
 * ```ts
 * const limiter = createRefreshLimiter({ maxConcurrent: 50, perSecond: 100 });
 * const credential = new CommunicationTokenCredential({ tokenRefresher, refreshLimiter: limiter, refreshProactively: true });
 * ```
 */
export function createRefreshLimiter(options: RefreshLimiterOptions): RefreshLimiter {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`createRefreshLimiter expects { maxConcurrent, perSecond }; got ${describe(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!optionNames.has(key)) throw new TypeError(unknownOptionMessage(key, optionNames, "refreshLimiter."));
  }
  const { scheduler } = options;
  if (scheduler !== undefined && (typeof scheduler?.now !== "function" || typeof scheduler.schedule !== "function")) {
    throw new TypeError("refreshLimiter.scheduler must be an rxjs SchedulerLike (with now() and schedule()).");
  }
  return new QueueingLimiter(
    positiveInteger(options.maxConcurrent, "maxConcurrent"),
    positiveInteger(options.perSecond, "perSecond"),
    clockFor(scheduler),
  );
}

const optionNames = new Set<string>(["maxConcurrent", "perSecond", "scheduler"]);

function positiveInteger(value: unknown, name: string): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value;
  throw new TypeError(`refreshLimiter.${name} must be a positive integer; got ${describe(value)}.`);
}

// Strings are quoted so that "50" does not read like the valid 50.
function describe(value: unknown): string {
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === "number" || value === undefined || value === null) return String(value);
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

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

class QueueingLimiter implements RefreshLimiter {
  readonly #queue = new MinHeap<RefreshRequest<unknown>>(comesFirst);
  readonly #queuedByPriority = new Map<RefreshPriority, RefreshRequest<unknown>>();
  readonly #starts: StartWindow;
  readonly #maxConcurrent: number;
  readonly #clock: Clock;
  #running = 0;
  #arrivals = 0;
  #pumping = false;
  #cancelTimer: (() => void) | undefined;

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
      if (this.#queue.size === 0) this.#stopTimer();
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
      while (this.#queue.size > 0 && this.#running < this.#maxConcurrent) {
        const now = this.#clock.now();
        const delay = this.#starts.delayBeforeNextStart(now);
        if (delay > 0) return this.#wakeUpAfter(delay);
        const request = this.#queue.peek() as RefreshRequest<unknown>;
        this.#dequeue(request);
        this.#start(request, now);
      }
      if (this.#queue.size === 0) this.#stopTimer();
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
    if (this.#cancelTimer !== undefined) return;
    const wakeUp = (): void => {
      this.#cancelTimer = undefined;
      this.#pump();
    };
    this.#cancelTimer = this.#clock.setTimer(wakeUp, Math.ceil(delayMs), true);
  }

  #stopTimer(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
  }
}
