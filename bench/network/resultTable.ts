/**
 * The soak's result: one markdown table, a row per figure, the two libraries side by side with the
 * target ours must meet and whether it did, then every target missed and by how much.
 */
import { SCENARIO, type PhaseFigures } from "./phase.js";

export const TARGETS = {
  tokenInTimePercent: 99.5,
  requestsPerAzureRequest: 1.5,
} as const;

/** A target ours must meet: whether it did, and if not, the line that says by how much. */
interface Check {
  met: boolean;
  shortfall: string;
}

interface Row {
  figure: string;
  ours: string;
  azure: string;
  target: string;
  check?: Check;
}

const count = (value: number) => value.toLocaleString("en-US");
const percentOf = (part: number, whole: number) => (whole === 0 ? 0 : (100 * part) / whole);
// Rounded down, so that a share just under a target never shows as the target itself.
// (The small addend keeps a share that is exactly 0.29 from showing as 0.28 after 0.29 * 100 = 28.999….)
const percent = (value: number) => `${(Math.floor(value * 100 + 1e-9) / 100).toFixed(2)} %`;
const share = (part: number, whole: number) => `${percent(percentOf(part, whole))} (${count(part)})`;
const requestsOf = (phase: PhaseFigures) => Object.values(phase.received).reduce((sum, value) => sum + value, 0);
const unhandledOf = (phase: PhaseFigures) => phase.duringRun.unhandledRejections + phase.atTeardown.unhandledRejections;
const uncaughtOf = (phase: PhaseFigures) => phase.duringRun.uncaughtExceptions + phase.atTeardown.uncaughtExceptions;

/** A count that must be 0. */
const none = (figure: string, value: number): Check => ({
  met: value === 0,
  shortfall: `${figure}: ${count(value)} > 0`,
});

function rowsOf(ours: PhaseFigures, azure: PhaseFigures): Row[] {
  const both = (figure: string, value: (phase: PhaseFigures) => string, target = "", check?: Check): Row => ({
    figure,
    ours: value(ours),
    azure: value(azure),
    target,
    ...(check === undefined ? {} : { check }),
  });
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
    both(
      `wedged: pending ${SCENARIO.wedgedAfterMs / 1000} s after the deadline`,
      (phase) => count(phase.callers.wedged),
      "0",
      none("wedged", ours.callers.wedged),
    ),
    both(
      "tokens handed out already expired",
      (phase) => count(phase.callers.expired),
      "0",
      none("tokens handed out already expired", ours.callers.expired),
    ),
    both(
      "unhandled rejections",
      (phase) =>
        `${count(unhandledOf(phase))}${phase.atTeardown.unhandledRejections > 0 ? ` (${count(phase.atTeardown.unhandledRejections)} at teardown)` : ""}`,
      "0",
      none("unhandled rejections", unhandledOf(ours)),
    ),
    both(
      "uncaught exceptions",
      (phase) => count(uncaughtOf(phase)),
      "0",
      none("uncaught exceptions", uncaughtOf(ours)),
    ),
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

const COLUMNS = ["figure", "ours", "azure", "target"] as const;
type Cells = Record<(typeof COLUMNS)[number], string>;

/** The cells of a row as printed: the target carries the mark of whether ours met it. */
const cellsOf = (row: Row): Cells => ({
  ...row,
  target: row.check === undefined ? row.target : `${row.target} ${row.check.met ? "✓" : "✗"}`,
});

function printRows(rows: Row[]): void {
  const header: Cells = { figure: "figure", ours: "ours", azure: "@azure/communication-common", target: "target" };
  const all = [header, ...rows.map(cellsOf)];
  const length = (text: string) => [...text].length;
  const widths = COLUMNS.map((column) => Math.max(...all.map((cells) => length(cells[column]))));
  const line = (cells: Cells) =>
    `| ${COLUMNS.map((column, i) => cells[column] + " ".repeat(widths[i]! - length(cells[column]))).join(" | ")} |`;
  console.log(line(header));
  console.log(`| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`);
  all.slice(1).forEach((cells) => console.log(line(cells)));
}

function printReasons(title: string, phase: PhaseFigures, reasons: Map<string, number>): void {
  if (reasons.size === 0) return;
  const listed = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 5);
  console.log(`${phase.library}, ${title}: ${listed.map(([reason, n]) => `${reason} ×${n}`).join("; ")}`);
}

/** Prints the table, the reasons behind the failures and the targets missed; returns whether every target was met. */
export function printResult(ours: PhaseFigures, azure: PhaseFigures): boolean {
  const rows = rowsOf(ours, azure);
  printRows(rows);
  console.log("");
  for (const phase of [ours, azure]) {
    printReasons("failed otherwise", phase, phase.callers.otherReasons);
    printReasons("unhandled during the run", phase, phase.duringRun.reasons);
    printReasons("unhandled at teardown", phase, phase.atTeardown.reasons);
  }
  const missed = rows.flatMap((row) => (row.check === undefined || row.check.met ? [] : [row.check.shortfall]));
  console.log(`targets met: ${missed.length === 0 ? "yes" : `no — ${missed.join("; ")}`}`);
  return missed.length === 0;
}
