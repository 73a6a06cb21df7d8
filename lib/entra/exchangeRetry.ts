/** How many times a failed exchange is retried (so at most four attempts), as the Azure pipelines do. */
export const MAX_EXCHANGE_RETRIES = 3;
const BASE_DELAY_MS = 1_000;

/** True for the answers worth retrying: throttling (429) and server errors (5xx). */
export function isRetriableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * The wait before retry number `attempt` (1-based): what `Retry-After` asks for (seconds, or an HTTP
 * date relative to `now`), else 1 s doubling.
 */
export function exchangeRetryDelayMs(retryAfter: string | null, attempt: number, now: number): number {
  if (retryAfter !== null && retryAfter.trim() !== "") {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  return BASE_DELAY_MS * 2 ** (attempt - 1);
}
