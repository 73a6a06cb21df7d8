/**
 * The callers: getToken calls at a steady rate for a number of seconds, each on a live session drawn
 * at seeded random and each with its own deadline (`AbortSignal.timeout`); at the start of every
 * second after the first, some sessions are replaced by new ones.
 */
import type { CallerTally } from "./callerTally.js";
import type { Sessions } from "./sessions.js";

export interface CallerLoadOptions {
  sessions: Sessions;
  callsPerSecond: number;
  /** Sessions replaced at the start of every second after the first. */
  replacedPerSecond: number;
  seconds: number;
  deadlineMs: number;
  random: () => number;
  tally: CallerTally;
}

// Calls are issued in small batches to keep up with the rate: timers in Node fire 1 ms late at best.
const TICK_MS = 5;

/** Makes the calls; resolves once all are made. */
export function driveCallers(options: CallerLoadOptions): Promise<void> {
  const { sessions, callsPerSecond, replacedPerSecond, seconds, deadlineMs, random, tally } = options;
  const total = Math.round(callsPerSecond * seconds);
  const startedAt = performance.now();
  let made = 0;
  return new Promise((resolve) => {
    const tick = () => {
      // As many calls as the rate asks for by now: a late tick catches up instead of lowering the rate.
      const due = Math.min(total, Math.floor(((performance.now() - startedAt) / 1000) * callsPerSecond));
      for (; made < due; made++) {
        // Keyed to the count of calls, not the clock, so that both libraries' n-th calls meet the same sessions.
        if (made > 0 && made % callsPerSecond === 0) sessions.replace(replacedPerSecond);
        sessions.call(random(), (credential) => {
          const abortSignal = AbortSignal.timeout(deadlineMs);
          return tally.track(credential.getToken({ abortSignal }), abortSignal);
        });
      }
      if (made === total) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, TICK_MS);
  });
}
