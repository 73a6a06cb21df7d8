/**
 * The slow-server scenario of the network soak (`--scenario slow`, issue 18): a token server that
 * answers every request correctly, but later than the default `hedgeAfterMs` (3 s), so that every
 * refresh of ours waits past it and would, without the process's hedge allowance (C29), make a
 * second call: twice the load on a server that is slow for everyone. Counted at the server: the
 * requests received beside the refreshes asked for.
 */
import type { CallerFigures } from "./callerTally.js";
import type { Library } from "./contenders.js";
import type { ProcessFailureFigures } from "./processFailures.js";
import type { SessionRequestFigures } from "./sessionRequests.js";
import type { SessionFigures } from "./sessions.js";

export const SLOW_SCENARIO = {
  // Seconds of callers per library, unless `--seconds` says otherwise: every call, refresh and hedge
  // of ours then falls within the one minute over which the allowance counts.
  defaultSeconds: 40,
  // The sessions and callers of the default scenario: many credentials, some new every second.
  credentials: 200,
  callsPerSecond: 400,
  replacedPerSecond: 10,
  // Every answer waits uniformly between these: past `hedgeAfterMs`, well within tokenEndpoint's
  // `retry.attemptTimeoutMs` (10 s) and `refreshTimeoutMs` (30 s), so nothing is retried or times out.
  minDelayMs: 3_500,
  maxDelayMs: 5_000,
  /** The library's default, which the scenario is built around (C29). */
  hedgeAfterMs: 3_000,
  /** Longer than the slowest answer: a caller that gave up would say nothing about the load. */
  deadlineMs: 10_000,
  /** A call still pending this long after its deadline is wedged. */
  wedgedAfterMs: 6_000,
  /** As in the default scenario: no proactive refresh falls due, each credential needs one token. */
  tokenLifetimeMs: 60 * 60 * 1000,
  /** The count waits until no answer has been pending for this long (every refresh and hedge has come), … */
  quietMs: 1_000,
  /** … but no longer than this. */
  quietWaitCapMs: 30_000,
  teardownSettleMs: 500,
} as const;

/** The hedge allowance's share (C29, lib/refresh/hedgeBudget.ts): requests at most 1.1 × the refreshes. */
export const MAX_REQUESTS_PER_REFRESH = { numerator: 11, denominator: 10 } as const;

export interface SlowPhaseFigures {
  library: Library;
  callers: CallerFigures;
  sessions: SessionFigures;
  /** Token requests the server received. */
  requests: number;
  /** The same requests by session: refreshes (alone) and hedges (overlapping). */
  bySession: SessionRequestFigures;
  /** Token answers still not sent when the count was taken: the wait for quiet ran out. */
  pendingAtCount: number;
  /** Until the count. */
  duringRun: ProcessFailureFigures;
  /** From the count until the server was closed and the credentials disposed, and a little after. */
  atTeardown: ProcessFailureFigures;
}
