/**
 * One library's turn: its own faulty token server, 200 proactive credentials of which 10 are replaced
 * by new ones every second, callers for the given seconds, then a wait until every call has settled
 * or been counted wedged, the count, and the teardown.
 */
import type { CallerFigures } from "./callerTally.js";
import { createSoakCredential, type Library } from "./contenders.js";
import { startFaultyTokenServer, type Answer } from "./faultyTokenServer.js";
import type { ProcessFailureFigures, ProcessFailures } from "./processFailures.js";
import { runSessionLoad } from "./sessionLoad.js";
import type { SessionFigures } from "./sessions.js";

export const SCENARIO = {
  credentials: 200,
  callsPerSecond: 400,
  // Sessions ending and starting all through the run: each new credential fetches its first token
  // under the faults while callers already ask it for one, which is where a caller can be let down.
  replacedPerSecond: 10,
  deadlineMs: 5_000,
  /** A call still pending this long after its deadline is wedged. */
  wedgedAfterMs: 6_000,
  // The shortest lifetime Azure Communication Services issues (Issue Access Token takes expiresInMinutes
  // from 60 to 1440, default 1440). Neither library's proactive refresh falls due within the run (ours 20
  // to 10 minutes before expiry, Azure's 10), so every request is a first fetch of a new session, a retry
  // or a hedge: the count compares how each library reacts to failure, not how often it renews. Shorter
  // tokens would be no scenario a real app meets, and would put Azure's credential, whose 10-minute lead
  // would then exceed the whole lifetime, into a regime it was not made for.
  tokenLifetimeMs: 60 * 60 * 1000,
  /** Time for what the teardown sets off (requests failing as the server drops them) to be counted. */
  teardownSettleMs: 500,
} as const;

export interface PhaseFigures {
  library: Library;
  callers: CallerFigures;
  sessions: SessionFigures;
  received: Record<Answer, number>;
  /** Until every call was counted. */
  duringRun: ProcessFailureFigures;
  /** From the count until the server was closed and the credentials disposed, and a little after. */
  atTeardown: ProcessFailureFigures;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `library` through the scenario for `seconds`, with faults, callers and replacements drawn from `seed`. */
export async function runPhase(
  library: Library,
  { seconds, seed, processFailures }: { seconds: number; seed: number; processFailures: ProcessFailures },
): Promise<PhaseFigures> {
  const duringRun = processFailures.begin();
  const server = await startFaultyTokenServer({ seed, tokenLifetimeMs: SCENARIO.tokenLifetimeMs });
  const { sessions, tally } = await runSessionLoad(() => createSoakCredential(library, server.url), SCENARIO, {
    seconds,
    seed,
    serverNow: server.now,
  });
  const callers = tally.snapshot();
  const received = { ...server.received };

  const atTeardown = processFailures.begin();
  sessions.disposeLive();
  await server.close();
  await sleep(SCENARIO.teardownSettleMs);
  return { library, callers, sessions: { ...sessions.figures }, received, duringRun, atTeardown };
}
