/**
 * `npm run soak -- --network`: this library and `@azure/communication-common` one after the other,
 * each against its own faulty token server on 127.0.0.1 with the same seeded faults, then one table.
 */
import { SCENARIO_ODDS } from "./faultyTokenServer.js";
import { runPhase, SCENARIO } from "./phase.js";
import { ProcessFailures } from "./processFailures.js";
import { printResult } from "./resultTable.js";

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
