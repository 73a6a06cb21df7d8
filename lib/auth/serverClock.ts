import { serverTimeIn } from "../support/serverDate.js";

/**
 * How far apart two clocks may be before one counts as wrong. ACS accepts an `x-ms-date` up to 15
 * minutes off its own clock; correcting only beyond 5 minutes (the AWS SDK's threshold) leaves the
 * noise of a `Date` header (one-second resolution, unknown latency) well alone.
 */
export const CLOCK_SKEW_LIMIT_MS = 300_000;

/** Whether `clockTime` is more than CLOCK_SKEW_LIMIT_MS away from `serverTime`, either way. */
export function isClockSkewed(serverTime: number, clockTime: number): boolean {
  return Math.abs(serverTime - clockTime) > CLOCK_SKEW_LIMIT_MS;
}

/** This machine's clock corrected by what one server's answers showed of its own. */
export interface ServerClock {
  /** The server's clock minus this machine's, in milliseconds; 0 while no skew has been seen. */
  readonly offsetMs: number;
  /** The best-known time on the server's clock: this machine's plus the offset. */
  now(): Date;
  /**
   * Updates the offset from a response that shows the server's time, and returns that time (undefined,
   * changing nothing, when the response is no evidence).
   */
  learnFrom(response: Response): number | undefined;
}

/**
 * A ServerClock that starts at this machine's time. Each usable `Date` sets the offset afresh, as the
 * AWS SDK does: the server's time minus the local one when they are more than 5 minutes apart, and 0
 * otherwise. So a clock that was wrong and has been put right (by NTP, or by hand) is trusted again
 * at the next answer, and small differences never move the signing time.
 *
 * @example
 * ```ts
 * const clock = createServerClock();
 * const response = await send(await sign(clock.now()));
 * clock.learnFrom(response); // the next request is signed with clock.now() on the server's time
 * ```
 */
export function createServerClock(): ServerClock {
  let offsetMs = 0;
  return {
    get offsetMs() {
      return offsetMs;
    },
    now: () => new Date(Date.now() + offsetMs),
    learnFrom(response) {
      const serverTime = serverTimeIn(response.headers);
      if (serverTime === undefined) return undefined;
      const localTime = Date.now();
      offsetMs = isClockSkewed(serverTime, localTime) ? serverTime - localTime : 0;
      return serverTime;
    },
  };
}
