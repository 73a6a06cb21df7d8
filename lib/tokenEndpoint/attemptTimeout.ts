import { abortReason } from "../support/abortReason.js";
import { MAX_TIMER_MS } from "../time/clock.js";

// tokenEndpoint's time limit on one attempt (C29). Without it, a request that never answers (a dead
// keep-alive socket, a stalled proxy) holds its refresher call until the credential's refreshTimeoutMs
// (30 s): undici alone waits 300 s for headers. The credential's hedge sends one second call; if that
// one hangs too, nothing more is sent and every caller fails. An attempt that has had no answer for
// attemptTimeoutMs is aborted instead and counts as a network failure, which withRetries retries.
//
// Only the wait for the answer's headers is timed. Once they have arrived the server is plainly alive,
// and a token's body is a few hundred bytes: a body that stalls after its headers is rare enough to be
// left to the hedge and to refreshTimeoutMs, and timing it would mean racing a body read that a custom
// fetch's Response may not cancel.
//
// The attempt has an AbortController of its own, linked to the refresh's signal, so that timing out
// one attempt does not abort the refresh, while an abort of the refresh (refreshTimeoutMs, dispose,
// nobody waiting) still reaches the request, with the refresh's reason, and is not retried.

/** One attempt's signal, and its limit on the wait for the answer's headers. */
export interface AttemptLimit {
  /** The signal to send with the request: aborted with the refresh's reason, or with the timeout's error. */
  readonly signal: AbortSignal;
  /**
   * Settles as `headers` does, or rejects, aborting the request, with the timeout's error once
   * `attemptTimeoutMs` has passed without them, or with the refresh's reason when its signal aborts
   * (even if the fetch ignores its signal). Each way the timer is cleared.
   */
  untilHeaders<T>(headers: Promise<T>): Promise<T>;
  /** Ends the attempt once its body is read: clears the timer and unlinks it from the refresh's signal. */
  end(): void;
}

/**
 * The error of an attempt that had no answer within `timeoutMs`: a DOMException named "TimeoutError",
 * what `fetch` rejects with under `AbortSignal.timeout()`, and so neither the AbortError of a refresh
 * nobody needs any more nor the credential's RefreshTimeoutError. It names the endpoint as `where`
 * says (its origin, or with `pathInMessages` its origin and path), never by its query.
 */
export function attemptTimeoutError(where: string, timeoutMs: number): DOMException {
  return new DOMException(
    `The token endpoint ${where} did not answer within ${timeoutMs} ms (options.retry.attemptTimeoutMs); ` +
      "the request was aborted.",
    "TimeoutError",
  );
}

// retry: false: one plain request, on the refresh's own signal, limited only by refreshTimeoutMs.
const UNLIMITED = (signal: AbortSignal): AttemptLimit => ({ signal, untilHeaders: (headers) => headers, end() {} });

/**
 * Starts the limit of one attempt within the refresh whose signal is `refreshSignal`: its headers must
 * arrive within `timeoutMs`, else it is aborted with `timeoutError(timeoutMs)`. Undefined `timeoutMs`: no limit
 * of its own, and the refresh's signal is the attempt's. The timer uses the global setTimeout, looked
 * up when the wait starts, and never outlives the attempt.
 */
export function limitAttempt(
  refreshSignal: AbortSignal,
  timeoutMs: number | undefined,
  timeoutError: (timeoutMs: number) => unknown,
): AttemptLimit {
  if (timeoutMs === undefined) return UNLIMITED(refreshSignal);
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The wait for headers still pending, so that an abort ends it even if the fetch ignores its signal.
  let failPending: ((error: unknown) => void) | undefined;
  const clearTimer = (): void => {
    if (timer !== undefined) globalThis.clearTimeout(timer);
    timer = undefined;
  };
  // The timer is cleared by end(), which follows the attempt's failure at once.
  const fail = (error: unknown): void => {
    failPending?.(error); // first, so that the attempt fails with it whatever the fetch then rejects with
    controller.abort(error);
  };
  const forwardAbort = (): void => fail(abortReason(refreshSignal));
  if (refreshSignal.aborted) forwardAbort();
  else refreshSignal.addEventListener("abort", forwardAbort, { once: true });
  return {
    signal: controller.signal,
    untilHeaders: (headers) =>
      new Promise((resolve, reject) => {
        const settle = (): void => {
          clearTimer();
          failPending = undefined;
        };
        if (controller.signal.aborted) {
          reject(controller.signal.reason);
        } else {
          failPending = reject;
          const ms = Math.min(timeoutMs, MAX_TIMER_MS);
          timer = globalThis.setTimeout(() => fail(timeoutError(timeoutMs)), ms);
        }
        headers.then(
          (value) => {
            settle();
            resolve(value);
          },
          (error: unknown) => {
            settle();
            reject(error);
          },
        );
      }),
    end() {
      clearTimer();
      refreshSignal.removeEventListener("abort", forwardAbort);
    },
  };
}
