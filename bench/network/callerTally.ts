/**
 * What became of every getToken call: each promise is tracked from the call until it settles or is
 * counted wedged, whichever comes first; and whether it was answered at once or had to wait.
 */
import { expiryOfJwt } from "./unsignedJwt.js";

export interface CallerFigures {
  calls: number;
  /** Resolved with a token before the caller's own deadline. */
  tokenInTime: number;
  /** Resolved with a token, but after the caller's deadline had passed. */
  tokenLate: number;
  /** Tokens handed out whose `exp` had passed by the server's clock when the call resolved (or unreadable). */
  expired: number;
  /** Rejected with TimeoutError or AbortError: the caller gave up. */
  gaveUp: number;
  rejectedRefreshTimeout: number;
  rejectedOtherwise: number;
  /** The other rejections, by error name and message, for the reader. */
  otherReasons: Map<string, number>;
  /** Still pending `wedgedAfterMs` after their deadline; what they do later is not counted. */
  wedged: number;
  /** Not settled and not wedged yet. */
  pending: number;
  /** Not settled once the work the call set off without waiting for I/O or a timer was done: no valid token was at hand. */
  waited: number;
  /** Of `waited`, resolved with a token before the caller's deadline. */
  waitedTokenInTime: number;
}

export interface CallerTallyOptions {
  /** The token server's clock, which the tokens' `exp` is on. */
  serverNow: () => number;
  deadlineMs: number;
  wedgedAfterMs: number;
}

/** Counts the outcomes of the calls it is given. */
export class CallerTally {
  readonly figures: CallerFigures = {
    calls: 0,
    tokenInTime: 0,
    tokenLate: 0,
    expired: 0,
    gaveUp: 0,
    rejectedRefreshTimeout: 0,
    rejectedOtherwise: 0,
    otherReasons: new Map(),
    wedged: 0,
    pending: 0,
    waited: 0,
    waitedTokenInTime: 0,
  };
  #whenNonePending: (() => void)[] = [];

  constructor(private readonly options: CallerTallyOptions) {}

  /** The figures as they are now. */
  snapshot(): CallerFigures {
    return { ...this.figures, otherReasons: new Map(this.figures.otherReasons) };
  }

  /** Resolves once no tracked call is pending: each has settled or been counted wedged. */
  nonePending(): Promise<void> {
    if (this.figures.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#whenNonePending.push(resolve));
  }

  /**
   * Tracks one call, made with `deadline` as its abort signal (of `deadlineMs`, just made); the
   * promise returned resolves once the call is counted: settled, or wedged.
   */
  track(call: Promise<{ token: string }>, deadline: AbortSignal): Promise<void> {
    const { serverNow, deadlineMs, wedgedAfterMs } = this.options;
    const figures = this.figures;
    figures.calls += 1;
    figures.pending += 1;
    let counted = false;
    let waited = false;
    let whenCounted!: () => void;
    const countedOnce = new Promise<void>((resolve) => (whenCounted = resolve));
    const count = (outcome: () => void) => {
      if (counted) return; // settled after it was counted wedged
      counted = true;
      clearTimeout(wedgedCheck);
      figures.pending -= 1;
      outcome();
      whenCounted();
      if (figures.pending === 0) this.#whenNonePending.splice(0).forEach((resolve) => resolve());
    };
    const wedgedCheck = setTimeout(() => count(() => (figures.wedged += 1)), deadlineMs + wedgedAfterMs);

    // A token at hand resolves the call within the promise jobs run right after it (both libraries
    // return it from an already settled or an async function); a call still pending once they have
    // all run waits for a refresh, which takes I/O or a timer. The check is a tick queued from a
    // promise job: Node runs it only after the whole promise-job queue is empty.
    queueMicrotask(() =>
      process.nextTick(() => {
        if (counted) return;
        waited = true;
        figures.waited += 1;
      }),
    );

    call.then(
      ({ token }) =>
        count(() => {
          if (deadline.aborted) figures.tokenLate += 1;
          else {
            figures.tokenInTime += 1;
            if (waited) figures.waitedTokenInTime += 1;
          }
          const expiresAt = expiryOfJwt(token);
          if (expiresAt === undefined || expiresAt <= serverNow()) figures.expired += 1;
        }),
      (error: unknown) =>
        count(() => {
          const name = (error as { name?: unknown } | null)?.name;
          if (name === "TimeoutError" || name === "AbortError") figures.gaveUp += 1;
          else if (name === "RefreshTimeoutError") figures.rejectedRefreshTimeout += 1;
          else {
            figures.rejectedOtherwise += 1;
            const reason = `${String(name)}: ${String((error as { message?: unknown } | null)?.message).slice(0, 80)}`;
            figures.otherReasons.set(reason, (figures.otherReasons.get(reason) ?? 0) + 1);
          }
        }),
    );
    return countedOnce;
  }
}
