// The one backoff formula of the library: the credential's background retries (C13), tokenEndpoint's
// retries inside a refresh (C29) and the Entra exchange's (A5) all draw their waits here. The ceiling
// doubles from `initialDelayMs` up to `maxDelayMs`; the wait is drawn uniformly between a floor and
// that ceiling, so that clients failing together do not come back together. Only the floor differs:
// the background retry never comes back sooner than `initialDelayMs`, while a retry inside a refresh,
// where a caller waits, may come back after half the ceiling.

/**
 * The lowest wait of a draw: `"half"` of the ceiling (C29, A5: ½–1 × the ceiling), or the
 * `"initialDelay"` (C13: between `initialDelayMs` and the ceiling).
 *
 * @example
 * ```ts
 * const floor: BackoffFloor = "half";
 * ```
 */
export type BackoffFloor = "half" | "initialDelay";

/**
 * What one backoff wait is drawn from.
 *
 * @example
 * ```ts
 * const draw: BackoffDraw = { attempt: 2, initialDelayMs: 1_000, maxDelayMs: 10_000, floor: "half", random: Math.random };
 * ```
 */
export interface BackoffDraw {
  /** Which retry this wait comes before, from 1. */
  readonly attempt: number;
  /** The ceiling of the first wait; each later one doubles it. */
  readonly initialDelayMs: number;
  /** The ceiling of every wait. */
  readonly maxDelayMs: number;
  /** Where the draw starts. */
  readonly floor: BackoffFloor;
  /** A number in [0, 1]; anything else, or a throw, counts as 0.5. */
  readonly random: () => number;
}

/**
 * A draw of `random` in [0, 1]. A random source that strays outside, answers NaN or throws must
 * neither make a wait NaN (a timer of NaN ms fires at once, every time) nor move a refresh past its
 * latest moment, nor escape from a background timer: it gets the middle.
 *
 * @example
 * ```ts
 * const at = earliest + unitDraw(options.random) * (latest - earliest);
 * ```
 */
export function unitDraw(random: () => number): number {
  try {
    const value = random();
    return value >= 0 && value <= 1 ? value : 0.5;
  } catch {
    return 0.5;
  }
}

/**
 * The wait before retry number `attempt`: drawn uniformly between the floor and the ceiling
 * `min(initialDelayMs × 2^(attempt − 1), maxDelayMs)`, in whole milliseconds, rounded up so that no
 * wait is shorter than its floor. The ceiling does not compound earlier draws: the same draw gives
 * the same wait, whatever came before.
 *
 * @example
 * ```ts
 * jitteredBackoffMs({ attempt: 3, initialDelayMs: 1_000, maxDelayMs: 10_000, floor: "half", random: () => 0.5 }); // 3 000
 * jitteredBackoffMs({ attempt: 4, initialDelayMs: 1_000, maxDelayMs: 60_000, floor: "initialDelay", random: () => 0.5 }); // 4 500
 * ```
 */
export function jitteredBackoffMs({ attempt, initialDelayMs, maxDelayMs, floor, random }: BackoffDraw): number {
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, attempt - 1));
  const lowest = floor === "half" ? ceiling / 2 : Math.min(initialDelayMs, ceiling);
  return Math.ceil(lowest + unitDraw(random) * (ceiling - lowest));
}
