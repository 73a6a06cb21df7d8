/** The length of the sliding window of the refresh limiter's `perSecond` budget. */
export const START_WINDOW_MS = 1_000;

/**
 * The start times of the last second, oldest first, for a sliding-window rate: in no interval of
 * 1000 ms (from any instant, closed at its start and open at its end) do more than `perSecond` starts
 * fall. A count per calendar second would let twice the budget through around a second's edge, which
 * is exactly when a fleet of credentials whose tokens share an expiry asks for new ones.
 *
 * Only starts still inside the window are kept, so the memory is bounded by what the budget lets in
 * one second, however large `perSecond` is set, and an idle window shrinks on its next use.
 */
export class StartWindow {
  readonly #perSecond: number;
  // A queue on a plain array: `#head` is the oldest kept start; the array is compacted now and then.
  #times: number[] = [];
  #head = 0;

  constructor(perSecond: number) {
    this.#perSecond = perSecond;
  }

  /** How long after `now` one more start fits in the budget: 0 when it fits now. */
  delayBeforeNextStart(now: number): number {
    this.#forgetOlderThan(now);
    if (this.#times.length - this.#head < this.#perSecond) return 0;
    // The budget frees up when the oldest start in the window leaves it.
    return (this.#times[this.#head] as number) + START_WINDOW_MS - now;
  }

  /** Counts a start at `now`. */
  record(now: number): void {
    this.#times.push(now);
  }

  #forgetOlderThan(now: number): void {
    const times = this.#times;
    // The wall clock went back (an NTP correction, a VM restored): starts "in the future" are taken
    // to have happened now, which keeps the budget honest without ever waiting more than a window.
    for (let last = times.length - 1; last >= this.#head && (times[last] as number) > now; last--) times[last] = now;
    while (this.#head < times.length && (times[this.#head] as number) + START_WINDOW_MS <= now) this.#head++;
    if (this.#head === times.length) {
      times.length = 0;
      this.#head = 0;
    } else if (this.#head > 1_024 && this.#head * 2 > times.length) {
      times.splice(0, this.#head);
      this.#head = 0;
    }
  }
}
