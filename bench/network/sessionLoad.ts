/**
 * What both network scenarios run against their token server: sessions of one library's credentials
 * that come and go, callers at a steady rate for the given seconds, then a wait until every call has
 * settled (or been counted wedged) and every session that ended has let go.
 */
import { seededRandom } from "../../spec/support/seededRandom.js";
import { CallerTally } from "./callerTally.js";
import { driveCallers } from "./callerLoad.js";
import { Sessions } from "./sessions.js";
import type { SoakCredential } from "./contenders.js";

/** The shape of a scenario's load, as both scenarios declare it. */
export interface LoadShape {
  readonly credentials: number;
  readonly callsPerSecond: number;
  readonly replacedPerSecond: number;
  readonly deadlineMs: number;
  readonly wedgedAfterMs: number;
}

/** Runs the load for `seconds`, callers and replacements drawn from `seed`; the sessions and the tally, settled. */
export async function runSessionLoad(
  newCredential: () => SoakCredential,
  shape: LoadShape,
  { seconds, seed, serverNow }: { seconds: number; seed: number; serverNow: () => number },
): Promise<{ sessions: Sessions; tally: CallerTally }> {
  const sessions = new Sessions(newCredential, shape.credentials, seededRandom(seed ^ 0x5e55));
  const tally = new CallerTally({ serverNow, deadlineMs: shape.deadlineMs, wedgedAfterMs: shape.wedgedAfterMs });
  await driveCallers({
    sessions,
    callsPerSecond: shape.callsPerSecond,
    replacedPerSecond: shape.replacedPerSecond,
    seconds,
    deadlineMs: shape.deadlineMs,
    random: seededRandom(seed ^ 0x5eed),
    tally,
  });
  await tally.nonePending();
  await sessions.left();
  return { sessions, tally };
}
