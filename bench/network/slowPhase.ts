/**
 * One library's turn in the slow-server scenario (slowScenario.ts): its own token server that answers
 * every request after 3.5–5 s, the sessions and callers of the default scenario, each credential
 * naming its session in its token URL (`?session=N`) so that the server tells a refresh from a hedge;
 * then a wait until every call has settled and the server has had nothing to answer for a second, the
 * count, and the teardown.
 */
import { createSoakCredential, type Library } from "./contenders.js";
import { NO_FAULTS, startFaultyTokenServer, type FaultyTokenServer } from "./faultyTokenServer.js";
import type { ProcessFailures } from "./processFailures.js";
import { runSessionLoad } from "./sessionLoad.js";
import { SLOW_SCENARIO, type SlowPhaseFigures } from "./slowScenario.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves once `server` has had no answer pending for `quietMs` (a hedge comes only while its
 * refresh's first request is open, so none can follow), or after `capMs`; to the answers still pending.
 */
async function quiet(server: FaultyTokenServer, quietMs: number, capMs: number): Promise<number> {
  const POLL_MS = 100;
  const startedAt = performance.now();
  let quietSince = server.answersPending() === 0 ? startedAt : undefined;
  while (performance.now() - startedAt < capMs) {
    const now = performance.now();
    if (server.answersPending() > 0) quietSince = undefined;
    else if (quietSince === undefined) quietSince = now;
    else if (now - quietSince >= quietMs) break;
    await sleep(POLL_MS);
  }
  return server.answersPending();
}

/** Runs `library` through the slow-server scenario for `seconds`; delays, callers, replacements drawn from `seed`. */
export async function runSlowPhase(
  library: Library,
  { seconds, seed, processFailures }: { seconds: number; seed: number; processFailures: ProcessFailures },
): Promise<SlowPhaseFigures> {
  const duringRun = processFailures.begin();
  const server = await startFaultyTokenServer({
    seed,
    odds: NO_FAULTS,
    minDelayMs: SLOW_SCENARIO.minDelayMs,
    maxDelayMs: SLOW_SCENARIO.maxDelayMs,
    tokenLifetimeMs: SLOW_SCENARIO.tokenLifetimeMs,
  });
  let sessionsStarted = 0;
  const { sessions, tally } = await runSessionLoad(
    () => createSoakCredential(library, `${server.url}?session=${sessionsStarted++}`),
    SLOW_SCENARIO,
    { seconds, seed, serverNow: server.now },
  );
  const pendingAtCount = await quiet(server, SLOW_SCENARIO.quietMs, SLOW_SCENARIO.quietWaitCapMs);
  const callers = tally.snapshot();
  const requests = Object.values(server.received).reduce((sum, value) => sum + value, 0);
  const bySession = server.sessionRequests();

  const atTeardown = processFailures.begin();
  sessions.disposeLive();
  await server.close();
  await sleep(SLOW_SCENARIO.teardownSettleMs);
  return {
    library,
    callers,
    sessions: { ...sessions.figures },
    requests,
    bySession,
    pendingAtCount,
    duringRun,
    atTeardown,
  };
}
