import { abortReason } from "../support/abortable.js";
import type { RefreshProgress } from "../options/tokenRefresher.js";
import type { RetryableFailure } from "./retryableFailure.js";

// tokenEndpoint's retries inside one refresh (C29), the way Azure's HTTP pipeline retries a request:
// exponential backoff with jitter, and at least the wait a throttling answer asks for. They are there
// for the blips a user should never see (a reset keep-alive socket, a 502 while a backend restarts, a
// brief 429); an endpoint that stays down is the credential's business, whose own retries (C13) space
// whole refreshes over minutes.
//
// The waits use the global setTimeout, looked up at each wait, not the credential's scheduler, which a
// refresher never sees: they are bounded by the refresh's signal instead, which the credential aborts
// at refreshTimeoutMs, on dispose, and when nobody waits for the token any more. A wait that would end
// after that deadline (progress.remainingMs()) is not started: the refresh would only end in a
// RefreshTimeoutError that has lost the server's answer, and its Retry-After with it, which the
// credential's background retry (C13) would have honoured.

/** How tokenEndpoint retries within one refresh, checked and with defaults applied. */
export interface EndpointRetryPolicy {
  /** Retries after the first attempt; 0 for none. */
  readonly maxRetries: number;
  /** The ceiling of the first retry's wait; each later one doubles it. */
  readonly initialDelayMs: number;
  /** The ceiling of every wait; a Retry-After beyond it ends the retries at once. */
  readonly maxDelayMs: number;
  /** A number in [0, 1), for the jitter. */
  readonly random: () => number;
  /**
   * The longest wait for one attempt's answer (its headers) before it is aborted and counts as a
   * network failure; undefined for none (`retry: false`), leaving the refresh's own timeout.
   */
  readonly attemptTimeoutMs: number | undefined;
  /**
   * Whether the request may be sent again after the server may have acted on it (a lost answer, a
   * timeout, a 500, 502 or 504); when false, only failures that show it did not are retried.
   */
  readonly idempotent: boolean;
}

/** What one attempt came to: a value, or a failure worth another attempt. Other failures are thrown. */
export type AttemptResult<T> = { readonly value: T } | RetryableFailure;

/**
 * The wait before retry number `retry` (from 1): a random value in [½, 1] of the ceiling
 * `min(initialDelayMs × 2^(retry − 1), maxDelayMs)`, in whole milliseconds, so that clients failing
 * together do not come back together. With the defaults: 500–1 000 ms, 1 000–2 000 ms, 2 000–4 000 ms.
 * Unlike Azure's, the ceiling does not compound the previous jittered wait: the same draw gives the
 * same wait, whatever came before.
 */
export function backoffMs(retry: number, policy: EndpointRetryPolicy): number {
  const ceiling = Math.min(policy.initialDelayMs * 2 ** (retry - 1), policy.maxDelayMs);
  const draw = Math.min(1, Math.max(0, policy.random()));
  return Math.round((ceiling * (1 + draw)) / 2);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts, clearing the timer. */
function waitUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      globalThis.clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = globalThis.setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** The time left until the refresh's deadline; unbounded without one (or from a progress that cannot tell). */
function timeLeftMs(progress: RefreshProgress | undefined): number {
  const left = typeof progress?.remainingMs === "function" ? progress.remainingMs() : Number.NaN;
  return Number.isNaN(left) ? Number.POSITIVE_INFINITY : left;
}

/**
 * Runs `attempt` until it gives a value, and up to `policy.maxRetries` more times after a retryable
 * failure; rejects with whatever it throws (a failure not worth retrying) at once. Each retry waits
 * {@link backoffMs}, or longer when the failure's `retryAfterMs` asks for more; a `retryAfterMs`
 * beyond `maxDelayMs`, or a wait that would not end before `progress.remainingMs()`, rejects with that
 * failure at once, leaving the wait to the credential, whose background retry honours `retryAfterMs`.
 * After the last retry it rejects with the last failure.
 *
 * Nothing is attempted once `signal` has aborted: a wait is cut short, rejecting with the signal's
 * reason, and a failure that comes after the abort is passed on as it is, never retried.
 */
export async function withRetries<T>(
  attempt: () => Promise<AttemptResult<T>>,
  policy: EndpointRetryPolicy,
  signal: AbortSignal,
  progress?: RefreshProgress,
): Promise<T> {
  for (let retries = 0; ; retries += 1) {
    if (signal.aborted) throw abortReason(signal);
    const result = await attempt();
    if ("value" in result) return result.value;
    const { failure, retryAfterMs = 0 } = result;
    if (signal.aborted || retries >= policy.maxRetries || retryAfterMs > policy.maxDelayMs) throw failure;
    const delayMs = Math.max(backoffMs(retries + 1, policy), retryAfterMs);
    // A wait ending at the deadline itself is as useless: the credential aborts the refresh then.
    if (delayMs >= timeLeftMs(progress)) throw failure;
    progress?.backingOff(delayMs); // a wait on purpose, not a hung request: no hedge during it (C29)
    await waitUnlessAborted(delayMs, signal);
  }
}
