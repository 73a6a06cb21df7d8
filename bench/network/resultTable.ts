/**
 * The soak's result: one markdown table, a row per figure, the two libraries side by side with the
 * target ours must meet and whether it did, then every target missed and by how much.
 */
import {
  count,
  percent,
  percentOf,
  printReasons,
  printRows,
  printTargetsMet,
  share,
  type Row,
} from "./markdownTable.js";
import { SCENARIO, type PhaseFigures } from "./phase.js";
import { rowsBeside, safetyRows } from "./safetyRows.js";

export const TARGETS = {
  tokenInTimePercent: 99.5,
  requestsPerAzureRequest: 1.5,
} as const;

const requestsOf = (phase: PhaseFigures) => Object.values(phase.received).reduce((sum, value) => sum + value, 0);

function rowsOf(ours: PhaseFigures, azure: PhaseFigures): Row[] {
  const both = rowsBeside(ours, azure);
  const byAnswer = (label: string, answer: keyof PhaseFigures["received"]) =>
    both(label, (phase) => share(phase.received[answer], requestsOf(phase)));
  const inTimePercent = percentOf(ours.callers.tokenInTime, ours.callers.calls);
  const maxRequests = Math.floor(TARGETS.requestsPerAzureRequest * requestsOf(azure));
  return [
    both(`credentials created (${SCENARIO.credentials} + ${SCENARIO.replacedPerSecond} a second)`, (phase) =>
      count(phase.sessions.created),
    ),
    both("getToken calls made", (phase) => count(phase.callers.calls)),
    both(
      `got a token within the ${SCENARIO.deadlineMs / 1000}-s deadline`,
      (phase) => share(phase.callers.tokenInTime, phase.callers.calls),
      `≥ ${TARGETS.tokenInTimePercent} %`,
      {
        met: inTimePercent >= TARGETS.tokenInTimePercent,
        shortfall: `got a token within the deadline: ${percent(inTimePercent)} < ${TARGETS.tokenInTimePercent} %`,
      },
    ),
    both("calls that found no valid token and waited for a refresh", (phase) =>
      share(phase.callers.waited, phase.callers.calls),
    ),
    both("… of those, got a token within the deadline", (phase) =>
      share(phase.callers.waitedTokenInTime, phase.callers.waited),
    ),
    both("got a token after the deadline", (phase) => count(phase.callers.tokenLate)),
    both(`gave up at ${SCENARIO.deadlineMs / 1000} s (TimeoutError/AbortError)`, (phase) =>
      count(phase.callers.gaveUp),
    ),
    both("failed with RefreshTimeoutError", (phase) => count(phase.callers.rejectedRefreshTimeout)),
    both("failed otherwise", (phase) => count(phase.callers.rejectedOtherwise)),
    ...safetyRows(ours, azure, { wedgedAfterMs: SCENARIO.wedgedAfterMs, showUnhandledAtTeardown: true }),
    both(
      "token requests received",
      (phase) => count(requestsOf(phase)),
      `≤ ${TARGETS.requestsPerAzureRequest} × Azure's (${count(maxRequests)})`,
      {
        met: requestsOf(ours) <= maxRequests,
        shortfall: `token requests received: ${count(requestsOf(ours))} > ${count(maxRequests)} (${TARGETS.requestsPerAzureRequest} × Azure's ${count(requestsOf(azure))})`,
      },
    ),
    byAnswer("… answered 200 with a token", "token"),
    byAnswer("… answered 500", "error500"),
    byAnswer("… reset", "reset"),
    byAnswer("… never answered", "silent"),
  ];
}

/** Prints the table, the reasons behind the failures and the targets missed; returns whether every target was met. */
export function printResult(ours: PhaseFigures, azure: PhaseFigures): boolean {
  const rows = rowsOf(ours, azure);
  printRows(rows);
  console.log("");
  for (const phase of [ours, azure]) {
    printReasons(phase.library, "failed otherwise", phase.callers.otherReasons);
    printReasons(phase.library, "unhandled during the run", phase.duringRun.reasons);
    printReasons(phase.library, "unhandled at teardown", phase.atTeardown.reasons);
  }
  return printTargetsMet(rows);
}
