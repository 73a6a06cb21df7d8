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

import type { Observable, SchedulerLike } from "rxjs";
import { clockFor, resolveScheduler } from "../time/clock.js";
import { QueueingLimiter } from "./refreshQueue.js";
import { describeOptionValue, rejectUnknownOptions } from "../support/optionNames.js";

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
  /**
   * Refresher calls in flight at once; a positive integer. A call counts until it settles, or until
   * it is cancelled (its timeout, every caller gone, dispose): a refresher that ignores its abort
   * signal may still be working then, so pass the signal on to `fetch`.
   */
  maxConcurrent: number;
  /** Refresher calls started in any interval of 1000 ms (a sliding window); a positive integer. */
  perSecond: number;
  /** The time source and timers; default: `Date.now` and `setTimeout`. Inject a TestScheduler in tests. */
  scheduler?: SchedulerLike | undefined;
}

/**
 * Shares a token server's capacity among credentials (C23). Users only create it and pass it as the
 * credential option `refreshLimiter`; the credential engine calls `schedule`, `reprioritize` and
 * `retryTurn`.
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
  /**
   * Waits for one more request of a refresh that is already running (C30): `tokenEndpoint`'s retries
   * call it, through `progress.retryTurn()`, so that every HTTP attempt counts against `perSecond`.
   * The refresh keeps its `maxConcurrent` slot meanwhile. Emits once, then completes; retries go
   * before queued refreshes.
   */
  retryTurn(): Observable<void>;
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
  /**
   * When the credential's current token expires (ms since epoch; -Infinity when it has none): among
   * background refreshes the earliest expiry goes first, and among waiting callers too. Ties: in the
   * order the refreshes joined the queue (the spread of proactive refreshes decides that order, not
   * the order the credentials were made in).
   */
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
    throw new TypeError(
      `createRefreshLimiter expects { maxConcurrent, perSecond }; got ${describeOptionValue(options)}.`,
    );
  }
  rejectUnknownOptions(options, optionNames, { prefix: "refreshLimiter." });
  const scheduler = resolveScheduler(options.scheduler, "refreshLimiter.scheduler");
  return new QueueingLimiter(
    positiveInteger(options.maxConcurrent, "maxConcurrent"),
    positiveInteger(options.perSecond, "perSecond"),
    clockFor(scheduler),
  );
}

const optionNames = new Set<string>(["maxConcurrent", "perSecond", "scheduler"]);

function positiveInteger(value: unknown, name: string): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value;
  throw new TypeError(`refreshLimiter.${name} must be a positive integer; got ${describeOptionValue(value)}.`);
}
