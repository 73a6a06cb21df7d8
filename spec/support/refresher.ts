import type { AccessToken } from "../../lib/index.js";

type TokenResult = string | AccessToken;

interface PendingCall {
  readonly signal: AbortSignal;
  resolve(value: TokenResult): void;
  reject(error: unknown): void;
}

/**
 * A tokenRefresher whose calls stay pending until the test settles them, recording each call's
 * abort signal. `calls` counts every call, settled or not.
 */
export function manualRefresher() {
  const pending: PendingCall[] = [];
  const fn = jest.fn(
    (signal: AbortSignal) =>
      new Promise<TokenResult>((resolve, reject) => {
        pending.push({ signal, resolve, reject });
      }),
  );
  const last = (): PendingCall => {
    const call = pending.at(-1);
    if (call === undefined) throw new Error("the refresher has not been called");
    return call;
  };
  return {
    fn,
    get calls(): number {
      return fn.mock.calls.length;
    },
    get lastSignal(): AbortSignal {
      return last().signal;
    },
    resolveLast(value: TokenResult): void {
      last().resolve(value);
    },
    rejectLast(error: unknown): void {
      last().reject(error);
    },
  };
}
