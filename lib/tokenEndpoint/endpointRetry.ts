import { abortReason } from "../credential/abortable.js";
import type { RefreshProgress } from "../credential/options.js";
import type { RetryableFailure } from "./retryableFailure.js";

// tokenEndpoint's retries inside one refresh (C29), the way Azure's HTTP pipeline retries a request:
// exponential backoff with jitter, and at least the wait a throttling answer asks for. They are there
// for the blips a user should never see (a reset keep-alive socket, a 502 while a backend restarts, a
// brief 429); an endpoint that stays down is the credential's business, whose own retries (C13) space
// whole refreshes over minutes.
//
// The waits use the global setTimeout, looked up at each wait, not the credential's scheduler, which a
// refresher never sees: they are bounded by the refresh's signal instead, which the credential aborts
// at refreshTimeoutMs, on dispose, and when nobody waits for the token any more.

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

/**
 * Runs `attempt` until it gives a value, and up to `policy.maxRetries` more times after a retryable
 * failure; rejects with whatever it throws (a failure not worth retrying) at once. Each retry waits
 * {@link backoffMs}, or longer when the failure's `retryAfterMs` asks for more; a `retryAfterMs`
 * beyond `maxDelayMs` rejects with that failure at once, leaving the long wait to the credential,
 * whose background retry honours it. After the last retry it rejects with the last failure.
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
    progress?.backingOff(delayMs); // a wait on purpose, not a hung request: no hedge during it (C29)
    await waitUnlessAborted(delayMs, signal);
  }
}
