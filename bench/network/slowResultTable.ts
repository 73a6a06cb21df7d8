/**
 * The slow-server scenario's result (slowScenario.ts): one markdown table, the two libraries side by
 * side; the target is the hedge allowance's (C29): ours makes at most 1.1 token requests per refresh.
 * Beside it, what ours would make without the allowance, by arithmetic: every refresh waits past
 * `hedgeAfterMs`, so every refresh would make a second call.
 */
import { count, printReasons, printRows, printTargetsMet, share, type Check, type Row } from "./markdownTable.js";
import { rowsBeside, safetyRows } from "./safetyRows.js";
import { MAX_REQUESTS_PER_REFRESH, SLOW_SCENARIO, type SlowPhaseFigures } from "./slowScenario.js";

const { numerator, denominator } = MAX_REQUESTS_PER_REFRESH;
const TARGET_SHARE = `${numerator / denominator}`;

/** The most requests the allowance lets `refreshes` make: ⌊1.1 × refreshes⌋, in whole numbers. */
export const maxRequestsFor = (refreshes: number) => Math.floor((refreshes * numerator) / denominator);

/** Requests per refresh, rounded down to thousandths (the target is checked on whole requests, not on this). */
export const perRefresh = (requests: number, refreshes: number) =>
  refreshes === 0 ? "—" : `${(Math.floor((1000 * requests) / refreshes + 1e-9) / 1000).toFixed(3)}×`;

/** The target: at most 1.1 requests per refresh, and some refreshes measured at all. */
export function requestsCheck(phase: SlowPhaseFigures): Check {
  const refreshes = phase.bySession.alone;
  const max = maxRequestsFor(refreshes);
  return refreshes === 0
    ? { met: false, shortfall: "token requests per refresh: no refresh reached the server" }
    : {
        met: phase.requests <= max,
        shortfall: `token requests received: ${count(phase.requests)} > ${count(max)} (${TARGET_SHARE} × ${count(refreshes)} refreshes)`,
      };
}

/** The rows of the table; the targets are checked on ours. */
export function slowRowsOf(ours: SlowPhaseFigures, azure: SlowPhaseFigures): Row[] {
  const both = rowsBeside(ours, azure);
  const refreshesOf = (phase: SlowPhaseFigures) => phase.bySession.alone;
  return [
    both(`credentials created (${SLOW_SCENARIO.credentials} + ${SLOW_SCENARIO.replacedPerSecond} a second)`, (phase) =>
      count(phase.sessions.created),
    ),
    both("getToken calls made", (phase) => count(phase.callers.calls)),
    both(`got a token within the ${SLOW_SCENARIO.deadlineMs / 1000}-s deadline`, (phase) =>
      share(phase.callers.tokenInTime, phase.callers.calls),
    ),
    both("calls that found no valid token and waited for a refresh", (phase) =>
      share(phase.callers.waited, phase.callers.calls),
    ),
    both("gave up, failed, or got a token late", (phase) =>
      count(
        phase.callers.gaveUp +
          phase.callers.rejectedRefreshTimeout +
          phase.callers.rejectedOtherwise +
          phase.callers.tokenLate,
      ),
    ),
    ...safetyRows(ours, azure, { wedgedAfterMs: SLOW_SCENARIO.wedgedAfterMs, showUnhandledAtTeardown: false }),
    both("credentials that asked the server for a token", (phase) => count(phase.bySession.sessions)),
    both("… of those, asked once / twice / more often", (phase) =>
      [phase.bySession.sentOnce, phase.bySession.sentTwice, phase.bySession.sentMore].map(count).join(" / "),
    ),
    both("refreshes: requests with none of their credential's open", (phase) => count(refreshesOf(phase))),
    both("hedges: requests while one of their credential's was open", (phase) => count(phase.bySession.overlapping)),
    both(
      "token requests received",
      (phase) => count(phase.requests),
      `≤ ${TARGET_SHARE} × refreshes (${count(maxRequestsFor(refreshesOf(ours)))})`,
      requestsCheck(ours),
    ),
    both("token requests per refresh", (phase) => perRefresh(phase.requests, refreshesOf(phase))),
    {
      figure: "… without the hedge allowance (each refresh hedged; arithmetic)",
      ours: `${count(2 * refreshesOf(ours))} (${perRefresh(2 * refreshesOf(ours), refreshesOf(ours))})`,
      azure: "(does not hedge)",
      target: "",
    },
  ];
}

/** Prints the table, the reasons behind failures and the targets missed; returns whether every target was met. */
export function printSlowResult(ours: SlowPhaseFigures, azure: SlowPhaseFigures): boolean {
  const rows = slowRowsOf(ours, azure);
  printRows(rows);
  console.log("");
  for (const phase of [ours, azure]) {
    if (phase.pendingAtCount > 0) {
      console.log(`${phase.library}: ${count(phase.pendingAtCount)} answers still pending when the count was taken`);
    }
    printReasons(phase.library, "failed otherwise", phase.callers.otherReasons);
    printReasons(phase.library, "unhandled during the run", phase.duringRun.reasons);
    printReasons(phase.library, "unhandled at teardown", phase.atTeardown.reasons);
  }
  return printTargetsMet(rows);
}
