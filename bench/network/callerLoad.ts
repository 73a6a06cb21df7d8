/**
 * The callers: getToken calls at a steady rate for a number of seconds, each on a credential drawn at
 * seeded random and each with its own deadline (`AbortSignal.timeout`).
 */
import type { SoakCredential } from "./contenders.js";
import type { CallerTally } from "./callerTally.js";

export interface CallerLoadOptions {
  credentials: readonly SoakCredential[];
  callsPerSecond: number;
  seconds: number;
  deadlineMs: number;
  random: () => number;
  tally: CallerTally;
}

// Calls are issued in small batches to keep up with the rate: timers in Node fire 1 ms late at best.
const TICK_MS = 5;

/** Makes the calls; resolves, with the time of the last one (`performance.now()`), once all are made. */
export function driveCallers(options: CallerLoadOptions): Promise<number> {
  const { credentials, callsPerSecond, seconds, deadlineMs, random, tally } = options;
  const total = Math.round(callsPerSecond * seconds);
  const startedAt = performance.now();
  let made = 0;
  return new Promise((resolve) => {
    const tick = () => {
      // As many calls as the rate asks for by now: a late tick catches up instead of lowering the rate.
      const due = Math.min(total, Math.floor(((performance.now() - startedAt) / 1000) * callsPerSecond));
      for (; made < due; made++) {
        const credential = credentials[Math.floor(random() * credentials.length)]!;
        const abortSignal = AbortSignal.timeout(deadlineMs);
        tally.track(credential.getToken({ abortSignal }), abortSignal);
      }
      if (made === total) {
        clearInterval(timer);
        resolve(performance.now());
      }
    };
    const timer = setInterval(tick, TICK_MS);
  });
}
