import { tokenEndpoint } from "../../lib/index.js";
import { advance, settle, useFakeTime } from "../support/fakeTime.js";
import { OPAQUE_TOKEN } from "../support/tokens.js";
import { ENDPOINT, refresh, scriptedEndpoint, tokenAsText } from "./scriptedEndpoint.js";

// C29: timers take delays up to 2^31−1 ms; a longer one fires at once in Node and wraps in browsers,
// so a long Retry-After that maxDelayMs let through would be answered by a burst of requests. The
// delays of retry are refused beyond that limit, when tokenEndpoint is called.

const MAX_TIMER_MS = 2 ** 31 - 1;

describe("C29: retry.initialDelayMs and retry.maxDelayMs are at most 2^31−1 ms", () => {
  it.each<[string, { initialDelayMs?: number; maxDelayMs?: number }, RegExp]>([
    [
      "maxDelayMs 10^10",
      { maxDelayMs: 1e10 },
      /options.retry.maxDelayMs must be at most 2147483647 ms \(about 24.8 days\), the longest wait timers take; got 10000000000\./,
    ],
    ["maxDelayMs 2^31", { maxDelayMs: 2 ** 31 }, /options.retry.maxDelayMs must be at most 2147483647 ms/],
    [
      "initialDelayMs 2^31",
      { initialDelayMs: 2 ** 31, maxDelayMs: 2 ** 31 },
      /options.retry.initialDelayMs must be at most 2147483647 ms/,
    ],
  ])("C29: %s is a TypeError, before anything is fetched", (_, retry, message) => {
    const fetch = jest.fn(async () => new Response("", { status: 429, headers: { "retry-after": "2592000" } }));
    expect(() => tokenEndpoint(ENDPOINT, { fetch, retry })).toThrow(message);
    expect(() => tokenEndpoint(ENDPOINT, { fetch, retry })).toThrow(TypeError);
    expect(fetch).not.toHaveBeenCalled();
  });

  describe("on fake time", () => {
    beforeEach(useFakeTime);
    afterEach(() => jest.useRealTimers());

    it("C29: maxDelayMs 2^31−1 is taken, and a Retry-After of 2 000 000 s is waited for to the millisecond", async () => {
      const { fetch, calledAt } = scriptedEndpoint({ status: 429, headers: { "retry-after": "2000000" } }, tokenAsText);
      const outcome = refresh({ fetch, retry: { maxDelayMs: MAX_TIMER_MS } });
      await settle();
      await advance(2e9 - 1);
      expect(calledAt).toEqual([0]);
      await advance(1);
      expect(calledAt).toEqual([0, 2e9]);
      expect(outcome.value).toBe(OPAQUE_TOKEN);
    });
  });
});
