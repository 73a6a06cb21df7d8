/**
 * The soak's result: one table, a row per figure, the two libraries side by side with the target
 * ours must meet, then whether every target was met.
 */
import type { PhaseFigures } from "./phase.js";

export const TARGETS = {
  tokenInTimePercent: 99.5,
  requestsPerAzureRequest: 1.5,
} as const;

interface Row {
  figure: string;
  ours: string;
  azure: string;
  target: string;
  met?: boolean;
}

const count = (value: number) => value.toLocaleString("en-US");
const percentOf = (part: number, whole: number) => (whole === 0 ? 0 : (100 * part) / whole);
const share = (part: number, whole: number) => `${percentOf(part, whole).toFixed(2)} % (${count(part)})`;
const requestsOf = (phase: PhaseFigures) => Object.values(phase.received).reduce((sum, value) => sum + value, 0);
const unhandledOf = (phase: PhaseFigures) => phase.duringRun.unhandledRejections + phase.atTeardown.unhandledRejections;
const uncaughtOf = (phase: PhaseFigures) => phase.duringRun.uncaughtExceptions + phase.atTeardown.uncaughtExceptions;

function rowsOf(ours: PhaseFigures, azure: PhaseFigures): Row[] {
  const both = (figure: string, value: (phase: PhaseFigures) => string, target = "", met?: boolean): Row => ({
    figure,
    ours: value(ours),
    azure: value(azure),
    target,
    ...(met === undefined ? {} : { met }),
  });
  const byAnswer = (label: string, answer: keyof PhaseFigures["received"]) =>
    both(label, (phase) => share(phase.received[answer], requestsOf(phase)));
  const maxRequests = Math.floor(TARGETS.requestsPerAzureRequest * requestsOf(azure));
  return [
    both("getToken calls made", (phase) => count(phase.callers.calls)),
    both(
      "got a token within the 5-s deadline",
      (phase) => share(phase.callers.tokenInTime, phase.callers.calls),
      `≥ ${TARGETS.tokenInTimePercent} %`,
      percentOf(ours.callers.tokenInTime, ours.callers.calls) >= TARGETS.tokenInTimePercent,
    ),
    both("got a token after the deadline", (phase) => count(phase.callers.tokenLate)),
    both("gave up at 5 s (TimeoutError/AbortError)", (phase) => count(phase.callers.gaveUp)),
    both("failed with RefreshTimeoutError", (phase) => count(phase.callers.rejectedRefreshTimeout)),
    both("failed otherwise", (phase) => count(phase.callers.rejectedOtherwise)),
    both("wedged: pending 6 s after the deadline", (phase) => count(phase.wedged), "0", ours.wedged === 0),
    both("tokens handed out already expired", (phase) => count(phase.callers.expired), "0", ours.callers.expired === 0),
    both(
      "unhandled rejections",
      (phase) =>
        `${count(unhandledOf(phase))}${phase.atTeardown.unhandledRejections > 0 ? ` (${count(phase.atTeardown.unhandledRejections)} at teardown)` : ""}`,
      "0",
      unhandledOf(ours) === 0,
    ),
    both("uncaught exceptions", (phase) => count(uncaughtOf(phase)), "0", uncaughtOf(ours) === 0),
    both(
      "token requests received",
      (phase) => count(requestsOf(phase)),
      `≤ ${TARGETS.requestsPerAzureRequest} × Azure's (${count(maxRequests)})`,
      requestsOf(ours) <= maxRequests,
    ),
    byAnswer("… answered 200 with a token", "token"),
    byAnswer("… answered 500", "error500"),
    byAnswer("… reset", "reset"),
    byAnswer("… never answered", "silent"),
  ];
}

function printRows(rows: Row[]): void {
  const columns = ["figure", "ours", "azure", "target"] as const;
  const header: Row = { figure: "figure", ours: "ours", azure: "@azure/communication-common", target: "target" };
  const all = [header, ...rows];
  const width = (column: (typeof columns)[number]) => Math.max(...all.map((row) => [...row[column]].length));
  const line = (row: Row) => {
    const cells = columns.map((column) => row[column] + " ".repeat(width(column) - [...row[column]].length));
    const mark = row.met === undefined ? "" : row.met ? " ✓" : " ✗ missed";
    return `| ${cells.join(" | ")} |${mark}`;
  };
  console.log(line(header));
  console.log(`|${columns.map((column) => "-".repeat(width(column) + 2)).join("|")}|`);
  rows.forEach((row) => console.log(line(row)));
}

function printReasons(title: string, phase: PhaseFigures, reasons: Map<string, number>): void {
  if (reasons.size === 0) return;
  const listed = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 5);
  console.log(`${phase.library}, ${title}: ${listed.map(([reason, n]) => `${reason} ×${n}`).join("; ")}`);
}

/** Prints the table and the reasons behind the failures; returns whether every target was met. */
export function printResult(ours: PhaseFigures, azure: PhaseFigures): boolean {
  const rows = rowsOf(ours, azure);
  printRows(rows);
  console.log("");
  for (const phase of [ours, azure]) {
    printReasons("failed otherwise", phase, phase.callers.otherReasons);
    printReasons("unhandled during the run", phase, phase.duringRun.reasons);
    printReasons("unhandled at teardown", phase, phase.atTeardown.reasons);
  }
  const met = rows.every((row) => row.met !== false);
  console.log(`targets met: ${met ? "yes" : "no"}`);
  return met;
}
