/**
 * One library's turn: its own faulty token server, 200 proactive credentials, callers for the given
 * seconds, then a wait until every call is 6 s past its deadline, the count, and the teardown.
 */
import { seededRandom } from "../../spec/support/seededRandom.js";
import { CallerTally, type CallerFigures } from "./callerTally.js";
import { driveCallers } from "./callerLoad.js";
import { createSoakCredential, type Library } from "./contenders.js";
import { startFaultyTokenServer, type Answer } from "./faultyTokenServer.js";
import type { ProcessFailureFigures, ProcessFailures } from "./processFailures.js";

export const SCENARIO = {
  credentials: 200,
  callsPerSecond: 400,
  deadlineMs: 5_000,
  /** A call still pending this long after its deadline is wedged. */
  wedgedAfterMs: 6_000,
  // The shortest lifetime Azure Communication Services issues (Issue Access Token takes expiresInMinutes
  // from 60 to 1440, default 1440): the most refreshing a real app sees. Neither library's proactive
  // refresh falls due within the run (ours 20 to 10 minutes before expiry, Azure's 10), so every request
  // is a first fetch, a retry or a hedge after a fault: the count compares how each library reacts to
  // failure, not how often it renews.
  tokenLifetimeMs: 60 * 60 * 1000,
  /** Time for what the teardown sets off (requests failing as the server drops them) to be counted. */
  teardownSettleMs: 500,
} as const;

export interface PhaseFigures {
  library: Library;
  callers: CallerFigures;
  /** Wedged: calls still pending `wedgedAfterMs` after the last call's deadline. */
  wedged: number;
  received: Record<Answer, number>;
  /** Until the count of wedged calls. */
  duringRun: ProcessFailureFigures;
  /** From the count until the server was closed and the credentials disposed, and a little after. */
  atTeardown: ProcessFailureFigures;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `library` through the scenario for `seconds`, with faults and callers drawn from `seed`. */
export async function runPhase(
  library: Library,
  { seconds, seed, processFailures }: { seconds: number; seed: number; processFailures: ProcessFailures },
): Promise<PhaseFigures> {
  const duringRun = processFailures.begin();
  const server = await startFaultyTokenServer({ seed, tokenLifetimeMs: SCENARIO.tokenLifetimeMs });
  const credentials = Array.from({ length: SCENARIO.credentials }, () => createSoakCredential(library, server.url));
  const tally = new CallerTally(server.now);
  const lastCallAt = await driveCallers({
    credentials,
    callsPerSecond: SCENARIO.callsPerSecond,
    seconds,
    deadlineMs: SCENARIO.deadlineMs,
    random: seededRandom(seed ^ 0x5eed),
    tally,
  });
  await sleep(lastCallAt + SCENARIO.deadlineMs + SCENARIO.wedgedAfterMs - performance.now());
  const callers = tally.snapshot();
  const received = { ...server.received };

  const atTeardown = processFailures.begin();
  credentials.forEach((credential) => credential.dispose());
  await server.close();
  await sleep(SCENARIO.teardownSettleMs);
  return { library, callers, wedged: callers.pending, received, duringRun, atTeardown };
}
