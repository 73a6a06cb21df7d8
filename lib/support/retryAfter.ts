import { serverTimeIn, type HeaderReader } from "./serverDate.js";

// The one reader of "come back later" headers, for tokenEndpoint (C27, C29) and the Entra exchange
// (A5). It reads them as Azure's HTTP pipeline does: `retry-after-ms`, then `x-ms-retry-after-ms`
// (milliseconds), then `Retry-After` (seconds or an HTTP date). Which statuses such a header counts on
// (a 429 or 503; for the exchange, any 5xx too) is each caller's rule, not this reader's.

// Whole numbers only, as RFC 9110 writes delay-seconds: "1.5" or "-5" say nothing usable.
const WHOLE_NUMBER = /^\d+$/;
// Every HTTP-date form (IMF-fixdate, RFC 850, asctime) has a time of day; Date.parse alone would also
// read "1.5" or "2026" as dates.
const TIME_OF_DAY = /\b\d{2}:\d{2}:\d{2}\b/;
// Azure's services also say the wait in milliseconds; Azure's pipeline reads these first, in this
// order, and Retry-After only when neither holds a number.
const MILLISECOND_HEADERS = ["retry-after-ms", "x-ms-retry-after-ms"];

function millisecondHeaderMs(headers: HeaderReader): number | undefined {
  for (const name of MILLISECOND_HEADERS) {
    const value = headers.get(name)?.trim() ?? "";
    const ms = WHOLE_NUMBER.test(value) ? Number(value) : Number.NaN;
    if (Number.isSafeInteger(ms)) return ms;
  }
  return undefined;
}

function retryAfterHeaderMs(headers: HeaderReader, now: number): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (value === undefined || value === "") return undefined;
  if (WHOLE_NUMBER.test(value)) {
    const ms = Number(value) * 1000;
    return Number.isSafeInteger(ms) ? ms : undefined; // "99999999999999999999" says nothing usable
  }
  const retryAt = TIME_OF_DAY.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(retryAt)) return undefined;
  // Measured against the server's own now, so that a server clock minutes off from ours asks for the
  // wait it means; a cached answer's Date (with an Age) is no such now.
  return Math.max(0, retryAt - (serverTimeIn(headers) ?? now));
}

/**
 * The wait, in whole milliseconds, that an answer's headers ask for before the next request:
 * `retry-after-ms`, else `x-ms-retry-after-ms` (whole milliseconds), else `Retry-After` as whole
 * seconds or as an HTTP date. A date is measured from the answer's own `Date` header (IMF-fixdate,
 * and none with an `Age` header), else from `now`, this machine's time; a date already past asks for 0.
 * Undefined when no header says anything usable (a fraction, a negative number, text, a number too
 * large to be a wait).
 *
 * @example
 * ```ts
 * retryAfterMs(new Headers({ "retry-after": "3" }), Date.now()); // 3 000
 * retryAfterMs(new Headers({ "retry-after-ms": "250", "retry-after": "3" }), Date.now()); // 250
 * retryAfterMs(
 *   new Headers({ "retry-after": "Thu, 01 Jan 2026 09:00:20 GMT", date: "Thu, 01 Jan 2026 09:00:00 GMT" }),
 *   Date.now(),
 * ); // 20 000, whatever this machine's clock says
 * ```
 */
export function retryAfterMs(headers: HeaderReader, now: number): number | undefined {
  return millisecondHeaderMs(headers) ?? retryAfterHeaderMs(headers, now);
}
