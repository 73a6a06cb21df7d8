import { MAX_TIMER_MS } from "../time/clock.js";
import type { RetryPlan } from "../support/retryPlan.js";

// How the Entra exchange retries inside one refresh (A5): as the Azure SDKs' pipelines do, up to three
// retries of a throttled or failing service, waiting what Retry-After asks, else 1 s doubling. The
// loop, the backoff and the Retry-After reader are the library's one of each (support/).

/** How many times a failed exchange is retried (so at most four attempts), as the Azure pipelines do. */
export const MAX_EXCHANGE_RETRIES = 3;

/** True for the answers worth retrying: throttling (429) and server errors (5xx). */
export function isRetriableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * The exchange's retries: 1 s doubling, each wait drawn from its upper half with `random()` (0.5–1 s,
 * 1–2 s, 2–4 s), so that credentials refused together (a throttled resource, a service restart) do not
 * come back together. A Retry-After is waited for as asked, with no ceiling but the refresh's deadline
 * and what timers take.
 */
export function exchangeRetryPlan(random: () => number): RetryPlan {
  return {
    maxRetries: MAX_EXCHANGE_RETRIES,
    initialDelayMs: 1_000,
    maxDelayMs: MAX_TIMER_MS,
    random,
    retryAfter: "asAsked",
  };
}
