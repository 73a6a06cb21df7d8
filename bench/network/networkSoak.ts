/**
 * `npm run soak -- --network`: this library and `@azure/communication-common` one after the other,
 * each against its own faulty token server on 127.0.0.1 with the same seeded faults, then one table.
 *
 * `npm run soak -- --network --scenario slow`: the same, against a server that answers everyone
 * correctly but after 3.5–5 s (slowScenario.ts): the token requests beside the refreshes.
 */
import { SCENARIO_ODDS } from "./faultyTokenServer.js";
import { runPhase, SCENARIO } from "./phase.js";
import { ProcessFailures } from "./processFailures.js";
import { printResult } from "./resultTable.js";
import { runSlowPhase } from "./slowPhase.js";
import { printSlowResult } from "./slowResultTable.js";
import { SLOW_SCENARIO } from "./slowScenario.js";

/** The scenarios of the network soak: the faulty server (the default), and the slow one. */
export const NETWORK_SCENARIOS = ["faults", "slow"] as const;
export type NetworkScenario = (typeof NETWORK_SCENARIOS)[number];

/** Seconds of callers per library when `--seconds` is not given. */
export const DEFAULT_SECONDS: Record<NetworkScenario, number> = { faults: 60, slow: SLOW_SCENARIO.defaultSeconds };

/** Runs the soak for `seconds` per library; resolves to the exit code: 1 when a target was missed. */
export async function runNetworkSoak({ seconds, seed }: { seconds: number; seed: number }): Promise<number> {
  const odds = SCENARIO_ODDS;
  console.log(
    `network soak: ${seconds} s per library, seed ${seed} (same faults: npm run soak -- --network --seed ${seed})\n` +
      `${SCENARIO.credentials} proactive credentials, ${SCENARIO.replacedPerSecond} of them replaced every second by ` +
      `new ones without a token; ${SCENARIO.callsPerSecond} getToken/s with a ${SCENARIO.deadlineMs / 1000}-s ` +
      `deadline; the server answers 500 ${odds.error500 * 100} %, resets ${odds.reset * 100} %, never answers ` +
      `${odds.silent * 100} %, else a 1-hour token after 0–200 ms\n`,
  );
  const processFailures = new ProcessFailures();
  processFailures.listen();
  try {
    const ours = await runPhase("ours", { seconds, seed, processFailures });
    const azure = await runPhase("azure", { seconds, seed, processFailures });
    return printResult(ours, azure) ? 0 : 1;
  } finally {
    processFailures.stop();
  }
}

/**
 * Runs the slow-server scenario for `seconds` per library, ours first (the hedge allowance is the
 * process's, and nothing else of ours has run in it); resolves to the exit code: 1 when a target was missed.
 */
export async function runSlowNetworkSoak({ seconds, seed }: { seconds: number; seed: number }): Promise<number> {
  const s = SLOW_SCENARIO;
  console.log(
    `network soak, slow server: ${seconds} s per library, seed ${seed} (same draw: npm run soak -- --network ` +
      `--scenario slow --seconds ${seconds} --seed ${seed})\n` +
      `${s.credentials} proactive credentials, ${s.replacedPerSecond} of them replaced every second by new ones ` +
      `without a token; ${s.callsPerSecond} getToken/s with a ${s.deadlineMs / 1000}-s deadline; the server answers ` +
      `every request 200 with a 1-hour token after ${s.minDelayMs / 1000}–${s.maxDelayMs / 1000} s, past ` +
      `hedgeAfterMs (${s.hedgeAfterMs / 1000} s) for every refresh\n`,
  );
  const processFailures = new ProcessFailures();
  processFailures.listen();
  try {
    const ours = await runSlowPhase("ours", { seconds, seed, processFailures });
    const azure = await runSlowPhase("azure", { seconds, seed, processFailures });
    return printSlowResult(ours, azure) ? 0 : 1;
  } finally {
    processFailures.stop();
  }
}
