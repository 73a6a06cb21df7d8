import { START } from "./tokens.js";

/** Jest's modern fake timers, starting at START; each spec file calls this in beforeEach. */
export function useFakeTime(): void {
  jest.useFakeTimers({ now: START });
}

/** Advances fake time, running timers and the promise callbacks between them. */
export async function advance(ms: number): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
}

/** Lets pending promise callbacks run without moving the clock. */
export async function settle(): Promise<void> {
  await jest.advanceTimersByTimeAsync(0);
}

/** Records a promise's outcome so a test can look at it without awaiting (the promise may never settle). */
export function track<T>(promise: Promise<T>) {
  const outcome: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(outcome, { settled: true, value }),
    (error: unknown) => Object.assign(outcome, { settled: true, error }),
  );
  return outcome;
}
