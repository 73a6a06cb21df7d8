/** How many times a failed exchange is retried (so at most four attempts), as the Azure pipelines do. */
export const MAX_EXCHANGE_RETRIES = 3;
const BASE_DELAY_MS = 1_000;

/** True for the answers worth retrying: throttling (429) and server errors (5xx). */
export function isRetriableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * The wait, in milliseconds, that a `Retry-After` header asks for: seconds, or an HTTP date relative
 * to `now` (a date in the past asks for no wait). Undefined when there is no header or it cannot be
 * read, so that the computed backoff applies.
 */
export function retryAfterMs(retryAfter: string | null, now: number): number | undefined {
  if (retryAfter === null || retryAfter.trim() === "") return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/**
 * The wait before retry number `attempt` (1-based) when the service did not say how long: 1 s
 * doubling, drawn uniformly from half of that up to all of it (0.5–1 s, 1–2 s, 2–4 s) with
 * `random()` in [0, 1). Without the draw, credentials refused together (a throttled resource, a
 * service restart) would come back together at 1, 2 and 4 s, and be refused together again. Waits
 * only get shorter than without jitter, so three retries still take at most 7 s.
 */
export function exchangeBackoffMs(attempt: number, random: () => number): number {
  const ceiling = BASE_DELAY_MS * 2 ** (attempt - 1);
  return Math.floor(ceiling / 2 + random() * (ceiling / 2));
}
