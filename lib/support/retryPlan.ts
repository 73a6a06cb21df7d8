import type { Observable, SchedulerLike } from "rxjs";

// What the retry loop inside a refresh (retryLoop.ts) is given and gives back: one attempt's result,
// the plan of the retries, and the refresh it runs in.

/**
 * A failed attempt worth another: the error reported if it was the last, and the wait its answer
 * asked for.
 *
 * @example
 * ```ts
 * const busy: RetryableFailure = { failure: new TokenEndpointError("answered 503.", 503, 2_000), retryAfterMs: 2_000 };
 * ```
 */
export interface RetryableFailure {
  readonly failure: unknown;
  /** At least this long before the next attempt, as the answer's Retry-After asked; undefined: no wish. */
  readonly retryAfterMs?: number | undefined;
}

/**
 * What one attempt came to: a value, or a failure worth another attempt. Other failures are thrown.
 *
 * @example
 * ```ts
 * const result: AttemptResult<string> = response.ok ? { value: await response.text() } : { failure: new Error("503") };
 * ```
 */
export type AttemptResult<T> = { readonly value: T } | RetryableFailure;

/**
 * How a refresher retries inside one refresh.
 *
 * @example
 * ```ts
 * const plan: RetryPlan = { maxRetries: 3, initialDelayMs: 1_000, maxDelayMs: 10_000, random: Math.random, retryAfter: "atLeast" };
 * ```
 */
export interface RetryPlan {
  /** Retries after the first attempt; 0 for none. */
  readonly maxRetries: number;
  /** The ceiling of the first retry's backoff; each later one doubles it. */
  readonly initialDelayMs: number;
  /** The ceiling of every backoff; a failure asking for a longer wait ends the retries at once. */
  readonly maxDelayMs: number;
  /** A number in [0, 1), for the backoff's jitter. */
  readonly random: () => number;
  /**
   * How a failure's `retryAfterMs` counts: `"atLeast"`, the longer of it and the backoff (a busy
   * server saying "0" still gets the jitter); `"asAsked"`, exactly what it asks, and the backoff only
   * when it asks nothing, as Azure's SDKs wait.
   */
  readonly retryAfter: "atLeast" | "asAsked";
}

/**
 * What the loop hears from, and tells, the refresh it runs in: a credential's `RefreshProgress` is one
 * (options/tokenRefresher.ts, which says what each member means; support/ sits below it).
 *
 * @example
 * ```ts
 * const progress: RetryProgress = {
 *   backingOff: () => {},
 *   remainingMs: () => Number.POSITIVE_INFINITY,
 *   retryTurn: () => of(undefined),
 *   scheduler: undefined,
 * };
 * ```
 */
export interface RetryProgress {
  /** Told of each wait before it starts: a wait on purpose, not a hung request. */
  backingOff(delayMs: number): void;
  /** The time left until the refresh's deadline. */
  remainingMs(): number;
  /** Emits when the next retry may be sent. */
  retryTurn(): Observable<void>;
  /** Where the waits run; undefined: the global clock. */
  readonly scheduler: SchedulerLike | undefined;
}
