/**
 * What became of every getToken call: each promise is tracked from the call until it settles, so a
 * call that never settles is still counted (as pending) when the tally is read.
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
  /** Calls not settled yet. */
  pending: number;
}

/** Counts the outcomes of the calls it is given; `serverNow` is the token server's clock. */
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
    pending: 0,
  };

  constructor(private readonly serverNow: () => number) {}

  /** The figures as they are now, apart from what settles later (the teardown fails wedged calls). */
  snapshot(): CallerFigures {
    return { ...this.figures, otherReasons: new Map(this.figures.otherReasons) };
  }

  /** Tracks one call, made with `deadline` as its abort signal. */
  track(call: Promise<{ token: string }>, deadline: AbortSignal): void {
    const figures = this.figures;
    figures.calls += 1;
    figures.pending += 1;
    call.then(
      ({ token }) => {
        figures.pending -= 1;
        if (deadline.aborted) figures.tokenLate += 1;
        else figures.tokenInTime += 1;
        const expiresAt = expiryOfJwt(token);
        if (expiresAt === undefined || expiresAt <= this.serverNow()) figures.expired += 1;
      },
      (error: unknown) => {
        figures.pending -= 1;
        const name = (error as { name?: unknown } | null)?.name;
        if (name === "TimeoutError" || name === "AbortError") figures.gaveUp += 1;
        else if (name === "RefreshTimeoutError") figures.rejectedRefreshTimeout += 1;
        else {
          figures.rejectedOtherwise += 1;
          const reason = `${String(name)}: ${String((error as { message?: unknown } | null)?.message).slice(0, 80)}`;
          figures.otherReasons.set(reason, (figures.otherReasons.get(reason) ?? 0) + 1);
        }
      },
    );
  }
}
