import { timerEnvironment, type Clock } from "../time/clock.js";

/** Hedged calls may be at most this share of the refresher calls of the last minute (C29). */
export const HEDGE_SHARE = 0.1;
/** The span over which calls and hedges are counted, in one-second buckets. */
const WINDOW_SECONDS = 60;

/**
 * The process's allowance of hedged calls (C29), as gRPC throttles its hedges: a hedge may start only
 * while the hedges of the last minute stay within a tenth of the refresher calls of that minute (one
 * hedge a minute is always allowed, so that a browser's single credential still gets its hedge). When
 * the token server is slow for everyone, every refresh waits past `hedgeAfterMs`: without this, every
 * refresh would make a second call, doubling the load exactly when the server struggles.
 *
 * Counts live in sixty one-second buckets: the memory is fixed, however many credentials refresh.
 *
 * @example
 * ```ts
 * const budget = hedgeBudgetFor(clock);
 * budget.callStarted();
 * if (budget.tryHedge()) startSecondCall();
 * ```
 */
export class HedgeBudget {
  readonly #clock: Clock;
  readonly #calls = new Uint32Array(WINDOW_SECONDS);
  readonly #hedges = new Uint32Array(WINDOW_SECONDS);
  #latestSecond = Number.NEGATIVE_INFINITY;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Counts a refresher call that could be hedged. */
  callStarted(): void {
    const bucket = this.#bucketOfNow();
    this.#calls[bucket] = (this.#calls[bucket] ?? 0) + 1;
  }

  /** True, and counted, when one more hedge fits in the allowance. */
  tryHedge(): boolean {
    const bucket = this.#bucketOfNow();
    const calls = this.#calls.reduce((sum, count) => sum + count, 0);
    const hedges = this.#hedges.reduce((sum, count) => sum + count, 0);
    if (hedges + 1 > Math.max(1, Math.floor(calls * HEDGE_SHARE))) return false;
    this.#hedges[bucket] = (this.#hedges[bucket] ?? 0) + 1;
    return true;
  }

  // Empties the buckets of the seconds that passed since the last count. A clock that went back a
  // little counts into the latest bucket, never reopening older ones; one that went back further than
  // the window (an NTP step, a VM restored) starts a new window, or the allowance would stay spent
  // until the clock caught up.
  #bucketOfNow(): number {
    const second = Math.floor(this.#clock.now() / 1_000);
    if (second <= this.#latestSecond - WINDOW_SECONDS) {
      this.#calls.fill(0);
      this.#hedges.fill(0);
      this.#latestSecond = second;
    } else if (second > this.#latestSecond) {
      const passed = Math.min(WINDOW_SECONDS, second - this.#latestSecond);
      for (let step = 1; step <= passed; step++) {
        const bucket = (((second - passed + step) % WINDOW_SECONDS) + WINDOW_SECONDS) % WINDOW_SECONDS;
        this.#calls[bucket] = 0;
        this.#hedges[bucket] = 0;
      }
      this.#latestSecond = second;
    }
    return ((this.#latestSecond % WINDOW_SECONDS) + WINDOW_SECONDS) % WINDOW_SECONDS;
  }
}

const budgets = new WeakMap<object, HedgeBudget>();

/**
 * The one hedge allowance of the credentials on `clock`: the process's, for the default clock. Fake
 * timers installed anew (each test) start a new allowance, as they start a new schedule.
 */
export function hedgeBudgetFor(clock: Clock): HedgeBudget {
  const environment = timerEnvironment(clock);
  let budget = budgets.get(environment);
  if (budget === undefined) budgets.set(environment, (budget = new HedgeBudget(clock)));
  return budget;
}
