// What an answer's `Date` header says about the server's clock now. Read by the issuer clock (C25),
// the Retry-After reader (a date is measured against the server's own now) and the access-key
// signer's clock (C25).

/**
 * Response headers, as fetch's `Headers` and Angular's `HttpHeaders` both read them.
 *
 * @example
 * ```ts
 * const headers: HeaderReader = new Headers({ date: "Thu, 01 Jan 2026 09:00:00 GMT" });
 * ```
 */
export interface HeaderReader {
  get(name: string): string | null;
}

// IMF-fixdate, the one form RFC 9110 lets a server send. Date.parse alone is far more lenient: it
// reads "1" as the year 2001, and a garbage header must not move a clock by decades.
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * The server's time an answer shows, in milliseconds since the epoch, or undefined when it is no
 * evidence of the server's clock now: no `Date` header (a 5xx may lack one, and a browser hides it on
 * a cross-origin answer unless the server exposes it), one not in IMF-fixdate form, or an `Age`
 * header (a cached answer's `Date` is when it was made).
 *
 * @example
 * ```ts
 * serverTimeIn(new Headers({ date: "Thu, 01 Jan 2026 09:00:00 GMT" })); // Date.UTC(2026, 0, 1, 9)
 * serverTimeIn(new Headers({ date: "Thu, 01 Jan 2026 09:00:00 GMT", age: "30" })); // undefined
 * ```
 */
export function serverTimeIn(headers: HeaderReader): number | undefined {
  if (headers.get("age") !== null) return undefined;
  const date = headers.get("date")?.trim();
  if (date === undefined || !IMF_FIXDATE.test(date)) return undefined;
  const time = Date.parse(date);
  return Number.isFinite(time) ? time : undefined;
}
