import { onDemandWindowMs, proactiveRefreshAt, retryAfterMsOf, retryDelayMs } from "../../lib/refresh/refreshPolicy.js";
import { isUnexpired } from "../../lib/token/validity.js";
import type { RetryPolicy } from "../../lib/options/options.js";
import { HOUR, MINUTE, SECOND } from "../support/tokens.js";

const token = (expiresOnTimestamp: number) => ({ token: "t", expiresOnTimestamp });
const policy: RetryPolicy = { initialDelayMs: 1_000, maxDelayMs: 60_000, jitter: false, shouldRetry: () => true };

describe("refresh policy", () => {
  it("C7: a token is unexpired strictly before its expiry", () => {
    expect(isUnexpired(token(1_000), 999)).toBe(true);
    expect(isUnexpired(token(1_000), 1_000)).toBe(false);
  });

  it("C3: a token is fresh for callers until 2 minutes before its expiry (the on-demand window)", () => {
    expect(onDemandWindowMs(token(60 * MINUTE), 0)).toBe(2 * MINUTE);
    expect(onDemandWindowMs(token(60 * MINUTE), 30 * MINUTE)).toBe(2 * MINUTE);
  });

  it("C3: a token that lived less than 4 minutes when it arrived is fresh for the first half of that life", () => {
    expect(onDemandWindowMs(token(90 * SECOND), 0)).toBe(45 * SECOND);
    expect(onDemandWindowMs(token(8 * SECOND), 0)).toBe(4 * SECOND);
    expect(onDemandWindowMs(token(4 * MINUTE), 0)).toBe(2 * MINUTE);
    expect(onDemandWindowMs(token(3), 0)).toBe(2); // whole milliseconds, rounded towards refreshing sooner
  });

  it("C3: an initial token, whose life before it reached us is unknown, gets the 2 minutes", () => {
    expect(onDemandWindowMs(token(90 * SECOND), undefined)).toBe(2 * MINUTE);
    expect(onDemandWindowMs(token(60 * MINUTE), undefined)).toBe(2 * MINUTE);
  });

  it("C3: a token that arrived expired has no window: it is not fresh either way", () => {
    expect(onDemandWindowMs(token(1_000), 5_000)).toBe(0);
  });

  it("C11: a long-lived token is refreshed at a moment drawn between 20 and 10 minutes before its expiry", () => {
    expect(proactiveRefreshAt(token(60 * MINUTE), 0, () => 0)).toBe(40 * MINUTE);
    expect(proactiveRefreshAt(token(60 * MINUTE), 0, () => 0.25)).toBe(42.5 * MINUTE);
    expect(proactiveRefreshAt(token(60 * MINUTE), 0, () => 0.999_999)).toBeCloseTo(50 * MINUTE, -1);
  });

  it("C11: never later than 10 minutes before expiry, even with a random source out of range", () => {
    const throwing = () => {
      throw new Error("random broke");
    };
    for (const random of [() => 1, () => 7, () => -3, () => Number.NaN, throwing]) {
      const at = proactiveRefreshAt(token(60 * MINUTE), 0, random);
      expect(at).toBeGreaterThanOrEqual(40 * MINUTE);
      expect(at).toBeLessThanOrEqual(50 * MINUTE);
    }
  });

  it("C11: a token with 10 to 20 minutes left is refreshed between a second from now and 10 minutes before expiry", () => {
    expect(proactiveRefreshAt(token(15 * MINUTE), 0, () => 0)).toBe(SECOND);
    expect(proactiveRefreshAt(token(15 * MINUTE), 0, () => 0.999_999)).toBeCloseTo(5 * MINUTE, -1);
  });

  it("C11: a token inside the 10-minute window is refreshed at half its remaining lifetime", () => {
    expect(proactiveRefreshAt(token(10 * MINUTE), 0, Math.random)).toBe(5 * MINUTE);
    expect(proactiveRefreshAt(token(20 * MINUTE), 15 * MINUTE, Math.random)).toBe(17.5 * MINUTE);
  });

  it("C11: never sooner than one second, however little lifetime remains", () => {
    expect(proactiveRefreshAt(token(1_500), 0, Math.random)).toBe(SECOND);
    expect(proactiveRefreshAt(token(1), 0, Math.random)).toBe(SECOND);
  });

  it("C12: no token, or an expired one, is due at once", () => {
    expect(proactiveRefreshAt(undefined, 42, Math.random)).toBe(42);
    expect(proactiveRefreshAt(token(10), 42, Math.random)).toBe(42);
  });

  it("C13: retries wait 1 s doubling to a 60 s cap", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((attempt) => retryDelayMs(attempt, policy, Math.random))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
  });

  it("C13: a refresher error's numeric retryAfterMs is the wait it asks for; anything else asks for none", () => {
    expect(retryAfterMsOf({ retryAfterMs: 30_000 })).toBe(30_000);
    // C32: a broken Retry-After (a proxy's, in the wrong unit) holds the background retry an hour at most.
    expect(retryAfterMsOf({ retryAfterMs: 99_999_999_000 })).toBe(HOUR);
    for (const error of [
      new Error("x"),
      { retryAfterMs: "30" },
      { retryAfterMs: -1 },
      { retryAfterMs: Infinity },
      null,
      "x",
    ]) {
      expect(retryAfterMsOf(error)).toBe(0);
    }
  });

  it("C13: a throwing random source leaves the retry wait within its bounds instead of escaping", () => {
    const wait = retryDelayMs(3, { ...policy, jitter: true }, () => {
      throw new Error("random broke");
    });
    expect(wait).toBeGreaterThanOrEqual(1_000);
    expect(wait).toBeLessThanOrEqual(4_000);
  });

  it("C13: jitter spreads a wait between initialDelayMs and the cap", () => {
    const jittered = { ...policy, jitter: true };
    expect(retryDelayMs(4, jittered, () => 0)).toBe(1_000);
    expect(retryDelayMs(4, jittered, () => 0.5)).toBe(4_500);
    expect(retryDelayMs(4, jittered, () => 0.999_999)).toBeCloseTo(8_000, 0);
    expect(retryDelayMs(1, jittered, () => 0.7)).toBe(1_000);
  });
});
