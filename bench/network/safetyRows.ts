/**
 * What the default and the slow-server scenario's tables share: the row factory that puts the two
 * libraries side by side, and the rows that must be 0 (calls wedged, expired tokens handed out,
 * unhandled rejections, uncaught exceptions), each checked on ours.
 */
import type { CallerFigures } from "./callerTally.js";
import { count, type Check, type Row } from "./markdownTable.js";
import type { ProcessFailureFigures } from "./processFailures.js";

/** The fields of a phase's figures that the rows below read; both scenarios' figures have them. */
export interface SafetyFigures {
  callers: Pick<CallerFigures, "wedged" | "expired">;
  /** Until the count. */
  duringRun: ProcessFailureFigures;
  /** From the count until the teardown was over. */
  atTeardown: ProcessFailureFigures;
}

/** A count that must be 0. */
export const none = (figure: string, value: number): Check => ({
  met: value === 0,
  shortfall: `${figure}: ${count(value)} > 0`,
});

export const unhandledOf = (phase: SafetyFigures) =>
  phase.duringRun.unhandledRejections + phase.atTeardown.unhandledRejections;
export const uncaughtOf = (phase: SafetyFigures) =>
  phase.duringRun.uncaughtExceptions + phase.atTeardown.uncaughtExceptions;

/** A row of the table: `value` of each library's phase, and the target with its check, if any. */
export type RowOf<Phase> = (figure: string, value: (phase: Phase) => string, target?: string, check?: Check) => Row;

/** The row factory for the table of `ours` beside `azure`. */
export const rowsBeside =
  <Phase>(ours: Phase, azure: Phase): RowOf<Phase> =>
  (figure, value, target = "", check) => ({
    figure,
    ours: value(ours),
    azure: value(azure),
    target,
    ...(check === undefined ? {} : { check }),
  });

export interface SafetyRowOptions {
  /** A call still pending this long after its deadline was counted wedged. */
  wedgedAfterMs: number;
  /** Whether the unhandled rejections show those at teardown apart: "5 (3 at teardown)". */
  showUnhandledAtTeardown: boolean;
}

/** The rows that must be 0, in the tables' order; checked on ours. */
export function safetyRows<Phase extends SafetyFigures>(
  ours: Phase,
  azure: Phase,
  { wedgedAfterMs, showUnhandledAtTeardown }: SafetyRowOptions,
): Row[] {
  const both = rowsBeside<SafetyFigures>(ours, azure);
  const unhandled = (phase: SafetyFigures) => {
    const atTeardown = phase.atTeardown.unhandledRejections;
    const apart = showUnhandledAtTeardown && atTeardown > 0 ? ` (${count(atTeardown)} at teardown)` : "";
    return `${count(unhandledOf(phase))}${apart}`;
  };
  return [
    both(
      `wedged: pending ${wedgedAfterMs / 1000} s after the deadline`,
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
    both("unhandled rejections", unhandled, "0", none("unhandled rejections", unhandledOf(ours))),
    both(
      "uncaught exceptions",
      (phase) => count(uncaughtOf(phase)),
      "0",
      none("uncaught exceptions", uncaughtOf(ours)),
    ),
  ];
}
