import fc from "fast-check";
import { exchangeBackoffMs, isRetriableStatus, retryAfterMs } from "../../lib/entra/exchangeRetry.js";

describe("A5: exchange retries", () => {
  it.each([
    [429, true],
    [500, true],
    [503, true],
    [400, false],
    [401, false],
    [404, false],
  ])("status %i is retried: %p", (status, retried) => {
    expect(isRetriableStatus(status)).toBe(retried);
  });

  it("reads what Retry-After asks, in seconds or as an HTTP date; nothing for an absent or unreadable header", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterMs("0", now)).toBe(0);
    expect(retryAfterMs("2", now)).toBe(2_000);
    expect(retryAfterMs("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5_000);
    expect(retryAfterMs("Wed, 31 Dec 2025 23:00:00 GMT", now)).toBe(0);
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs(" ", now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });

  // Issue 10: without jitter, every credential refused at once retried at 1, 2 and 4 s, together.
  it("backs off 1 s doubling, drawn between half of it and all of it", () => {
    expect([1, 2, 3].map((attempt) => exchangeBackoffMs(attempt, () => 0))).toEqual([500, 1_000, 2_000]);
    expect([1, 2, 3].map((attempt) => exchangeBackoffMs(attempt, () => 0.5))).toEqual([750, 1_500, 3_000]);
    expect([1, 2, 3].map((attempt) => exchangeBackoffMs(attempt, () => 0.999_999))).toEqual([999, 1_999, 3_999]);
  });

  it("keeps every backoff within its documented bounds, whatever the draw", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, draw) => {
          const ceiling = 1_000 * 2 ** (attempt - 1);
          const delay = exchangeBackoffMs(attempt, () => draw);
          return Number.isInteger(delay) && delay >= ceiling / 2 && delay <= ceiling;
        },
      ),
    );
  });
});
