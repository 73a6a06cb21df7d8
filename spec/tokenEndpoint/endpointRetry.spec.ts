import { InvalidTokenError, RefreshTimeoutError, TokenEndpointError, tokenEndpoint } from "../../lib/index.js";
import { credentialsOnFakeTime } from "../support/credentials.js";
import { advance, settle, track, useFakeTime } from "../support/fakeTime.js";
import { HOUR, jwtValidFor, MINUTE, OPAQUE_TOKEN, SECOND, START } from "../support/tokens.js";
import { ENDPOINT, fetchFailed, refresh, scriptedEndpoint, tokenAsText, type Step } from "./scriptedEndpoint.js";

const httpDate = (at: number): string => new Date(at).toUTCString();

/**
 * Moves fake time through `times` (ms since START), checking that call k starts exactly at times[k]:
 * not a millisecond before, and at that moment.
 */
async function expectCallsAt(calledAt: readonly number[], times: readonly number[]): Promise<void> {
  await settle();
  expect(calledAt).toEqual(times.slice(0, 1));
  for (let k = 1; k < times.length; k++) {
    await advance((times[k] ?? 0) - 1 - (Date.now() - START));
    expect(calledAt).toHaveLength(k);
    await advance(1);
    expect(calledAt).toEqual(times.slice(0, k + 1));
  }
}

describe("C29: tokenEndpoint retries within one refresh (scripted fetch, fake time)", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  describe("C29: when the attempts start: retry n after [½, 1] × min(1000 × 2^(n−1), maxDelayMs)", () => {
    it.each([
      [0, [0, 500, 1_500, 3_500]],
      [0.5, [0, 750, 2_250, 5_250]],
      [1, [0, 1_000, 3_000, 7_000]],
    ])("C29: random %d: attempts at %j ms, then it gives up with the last answer", async (draw, times) => {
      const { fetch, calledAt } = scriptedEndpoint({ status: 503 });
      const outcome = refresh({ fetch, random: () => draw });
      await expectCallsAt(calledAt, times);
      await settle();
      expect(outcome.error).toMatchObject({ name: "TokenEndpointError", status: 503 });
      await advance(MINUTE);
      expect(calledAt).toHaveLength(4);
    });

    it("C29: maxDelayMs caps the doubling: initialDelayMs 4 000, maxDelayMs 6 000 wait 4 000, 6 000, 6 000", async () => {
      const { fetch, calledAt } = scriptedEndpoint({ status: 502 });
      refresh({ fetch, random: () => 1, retry: { initialDelayMs: 4_000, maxDelayMs: 6_000 } });
      await expectCallsAt(calledAt, [0, 4_000, 10_000, 16_000]);
    });

    it("C29: a larger initialDelayMs alone raises the default ceiling with it: 20 000, then 20 000", async () => {
      const { fetch, calledAt } = scriptedEndpoint({ status: 502 });
      refresh({ fetch, random: () => 1, retry: { initialDelayMs: 20_000, maxRetries: 2 } });
      await expectCallsAt(calledAt, [0, 20_000, 40_000]);
    });

    it("C29: the first token ends the retries: 503, 502, then a token at 2 250 ms", async () => {
      const { fetch, calledAt } = scriptedEndpoint({ status: 503 }, { status: 502 }, tokenAsText);
      const outcome = refresh({ fetch, random: () => 0.5 });
      await expectCallsAt(calledAt, [0, 750, 2_250]);
      await settle();
      expect(outcome.value).toBe(OPAQUE_TOKEN);
      await advance(MINUTE);
      expect(calledAt).toHaveLength(3);
    });
  });

  describe("C29: what is retried", () => {
    it.each([408, 429, 500, 502, 503, 504])("C29: a %d, then a token", async (status) => {
      const { fetch, calledAt } = scriptedEndpoint({ status }, tokenAsText);
      const outcome = refresh({ fetch, random: () => 0.5 });
      await expectCallsAt(calledAt, [0, 750]);
      await settle();
      expect(outcome.value).toBe(OPAQUE_TOKEN);
    });

    it.each<[string, unknown]>([
      ["undici's fetch failed, caused by ECONNRESET", fetchFailed("ECONNRESET")],
      ["undici's fetch failed, caused by a closed socket", fetchFailed("UND_ERR_SOCKET")],
      ["a socket hang up from a custom fetch", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })],
      ["a bare string from a custom fetch", "offline"],
    ])("C29: a network error (%s), then a token", async (_, error) => {
      const { fetch, calledAt } = scriptedEndpoint({ rejectWith: error }, tokenAsText);
      const outcome = refresh({ fetch, random: () => 0.5 });
      await expectCallsAt(calledAt, [0, 750]);
      await settle();
      expect(outcome.value).toBe(OPAQUE_TOKEN);
    });

    it("C29: a connection dropped while the token's body was on its way, then a token", async () => {
      const broken = { ...tokenAsText, bodyBreaksWith: new TypeError("terminated") };
      const { fetch, calledAt } = scriptedEndpoint(broken, tokenAsText);
      const outcome = refresh({ fetch, random: () => 0.5 });
      await expectCallsAt(calledAt, [0, 750]);
      await settle();
      expect(outcome.value).toBe(OPAQUE_TOKEN);
    });

    it.each([400, 401, 403, 404, 405, 501])("C29: a %d fails at once, with its status: one request", async (status) => {
      const { fetch, calledAt } = scriptedEndpoint({ status }, tokenAsText);
      const outcome = refresh({ fetch });
      await settle();
      expect(outcome.error).toBeInstanceOf(TokenEndpointError);
      expect(outcome.error).toMatchObject({ status });
      await advance(MINUTE);
      expect(calledAt).toEqual([0]);
    });

    it("C29: a 2xx with no token fails at once with InvalidTokenError: one request", async () => {
      const page = { status: 200, body: "<html></html>", headers: { "content-type": "text/html" } };
      const { fetch, calledAt } = scriptedEndpoint(page, tokenAsText);
      const outcome = refresh({ fetch });
      await settle();
      expect(outcome.error).toBeInstanceOf(InvalidTokenError);
      await advance(MINUTE);
      expect(calledAt).toEqual([0]);
    });

    it("C29: no global fetch is a TypeError at once, not a network error to retry", async () => {
      const original = globalThis.fetch;
      (globalThis as { fetch?: unknown }).fetch = undefined;
      try {
        const outcome = refresh({});
        await settle();
        expect(outcome.error).toBeInstanceOf(TypeError);
        expect(jest.getTimerCount()).toBe(0);
      } finally {
        globalThis.fetch = original;
      }
    });
  });

  describe("C29: a 429 or 503 is waited for at least as long as it asks", () => {
    it.each<[string, number, Record<string, string>, number]>([
      ["Retry-After in seconds", 429, { "retry-after": "3" }, 3_000],
      [
        "Retry-After as an HTTP date, without a Date header",
        503,
        { "retry-after": httpDate(START + 5 * SECOND) },
        5_000,
      ],
      [
        "Retry-After as an HTTP date, measured from the answer's Date (a server clock 1 h ahead)",
        503,
        { "retry-after": httpDate(START + HOUR + 4 * SECOND), date: httpDate(START + HOUR) },
        4_000,
      ],
      ["retry-after-ms", 429, { "retry-after-ms": "2500" }, 2_500],
      ["x-ms-retry-after-ms", 503, { "x-ms-retry-after-ms": "4000" }, 4_000],
      [
        "retry-after-ms before Retry-After, as Azure reads them",
        429,
        { "retry-after-ms": "1200", "retry-after": "9" },
        1_200,
      ],
      [
        "an unreadable retry-after-ms falls through to Retry-After",
        503,
        { "retry-after-ms": "soon", "retry-after": "2" },
        2_000,
      ],
      ["Retry-After 0: the backoff's own wait", 429, { "retry-after": "0" }, 750],
      ["a 500's Retry-After is no throttling answer: the backoff", 500, { "retry-after": "5" }, 750],
      ["Retry-After of exactly maxDelayMs is still waited for", 503, { "retry-after": "10" }, 10_000],
    ])("C29: %s", async (_, status, headers, secondAt) => {
      const { fetch, calledAt } = scriptedEndpoint({ status, headers }, tokenAsText);
      const outcome = refresh({ fetch, random: () => 0.5 });
      await expectCallsAt(calledAt, [0, secondAt]);
      await settle();
      expect(outcome.value).toBe(OPAQUE_TOKEN);
    });

    it.each<[string, Record<string, string>, number]>([
      ["Retry-After 11 s", { "retry-after": "11" }, 11_000],
      ["retry-after-ms 10 001", { "retry-after-ms": "10001" }, 10_001],
      ["an HTTP date 2 minutes ahead", { "retry-after": httpDate(START + 2 * MINUTE) }, 2 * MINUTE],
    ])(
      "C29: a wait beyond maxDelayMs (%s) fails at once, with retryAfterMs for the credential",
      async (_, headers, ms) => {
        const { fetch, calledAt } = scriptedEndpoint({ status: 429, headers }, tokenAsText);
        const outcome = refresh({ fetch });
        await settle();
        expect(outcome.error).toMatchObject({ name: "TokenEndpointError", status: 429, retryAfterMs: ms });
        await advance(5 * MINUTE);
        expect(calledAt).toEqual([0]);
      },
    );

    it("C29: with maxDelayMs 20 000, a Retry-After of 11 s is waited for", async () => {
      const { fetch, calledAt } = scriptedEndpoint({ status: 429, headers: { "retry-after": "11" } }, tokenAsText);
      const outcome = refresh({ fetch, random: () => 0.5, retry: { maxDelayMs: 20_000 } });
      await expectCallsAt(calledAt, [0, 11_000]);
      await settle();
      expect(outcome.value).toBe(OPAQUE_TOKEN);
    });
  });

  describe("C29: after the last retry, the last failure", () => {
    it("C29: four answers 500, 502, 503, 504: the 504's TokenEndpointError", async () => {
      const { fetch, calledAt } = scriptedEndpoint({ status: 500 }, { status: 502 }, { status: 503 }, { status: 504 });
      const outcome = refresh({ fetch, random: () => 0 });
      await advance(MINUTE);
      expect(calledAt).toHaveLength(4);
      expect(outcome.error).toBeInstanceOf(TokenEndpointError);
      expect(outcome.error).toMatchObject({ status: 504, message: expect.stringContaining("answered 504") });
    });

    it("C29: four network errors: the fourth, as fetch gave it", async () => {
      const errors = [1, 2, 3, 4].map(() => fetchFailed());
      const { fetch } = scriptedEndpoint(...errors.map((error) => ({ rejectWith: error })));
      const outcome = refresh({ fetch, random: () => 0 });
      await advance(MINUTE);
      expect(outcome.error).toBe(errors[3]);
    });

    it.each([
      [0, [0]],
      [1, [0, 750]],
      [5, [0, 750, 2_250, 5_250, 11_250, 18_750]], // the fifth wait capped at 10 000 × ¾
    ])("C29: maxRetries %d: attempts at %j ms", async (maxRetries, times) => {
      const { fetch, calledAt } = scriptedEndpoint({ rejectWith: fetchFailed() });
      const outcome = refresh({ fetch, random: () => 0.5, retry: { maxRetries } });
      await expectCallsAt(calledAt, times);
      await settle();
      expect(outcome.error).toBeInstanceOf(TypeError);
      await advance(5 * MINUTE);
      expect(calledAt).toEqual(times);
    });

    it.each<[string, Step]>([
      ["a 503", { status: 503 }],
      ["a network error", { rejectWith: fetchFailed() }],
    ])("C29: retry: false sends one request: %s fails at once", async (_, step) => {
      const { fetch, calledAt } = scriptedEndpoint(step, tokenAsText);
      const outcome = refresh({ fetch, retry: false });
      await settle();
      expect(outcome.settled).toBe(true);
      expect(outcome.value).toBeUndefined();
      await advance(MINUTE);
      expect(calledAt).toEqual([0]);
    });
  });

  describe("C29: all inside the caller's signal", () => {
    it("C29: an abort during a wait rejects at once with the signal's reason, clears the timer and sends nothing more", async () => {
      const { fetch, calledAt } = scriptedEndpoint({ status: 503 }, tokenAsText);
      const controller = new AbortController();
      const outcome = refresh({ fetch, random: () => 0.5 }, { signal: controller.signal });
      await advance(300);
      expect(jest.getTimerCount()).toBe(1);
      const reason = new Error("nobody waits any more");
      controller.abort(reason);
      await settle();
      expect(outcome.error).toBe(reason);
      expect(jest.getTimerCount()).toBe(0);
      await advance(MINUTE);
      expect(calledAt).toEqual([0]);
    });

    it("C29: an already aborted signal sends nothing and rejects with its reason", async () => {
      const { fetch } = scriptedEndpoint(tokenAsText);
      const controller = new AbortController();
      const reason = new Error("disposed");
      controller.abort(reason);
      const outcome = refresh({ fetch }, { signal: controller.signal });
      await settle();
      expect(outcome.error).toBe(reason);
      expect(fetch).not.toHaveBeenCalled();
    });

    it("C29: a request aborted in flight is not retried: the refresh rejects with what fetch rejected", async () => {
      const { fetch, calledAt } = scriptedEndpoint("hang", tokenAsText);
      const controller = new AbortController();
      const outcome = refresh({ fetch }, { signal: controller.signal });
      await advance(SECOND);
      const reason = new DOMException("The token refresh is no longer needed.", "AbortError");
      controller.abort(reason);
      await settle();
      expect(outcome.error).toBe(reason);
      await advance(MINUTE);
      expect(calledAt).toEqual([0]);
    });
  });

  describe("C29: each failed answer's body is cancelled unread, freeing the connection", () => {
    it("C29: a 503 and a 500 before the token: their bodies cancelled, the token's read", async () => {
      const { fetch, bodies } = scriptedEndpoint({ status: 503 }, { status: 500 }, tokenAsText);
      const outcome = refresh({ fetch, random: () => 0 });
      await advance(MINUTE);
      expect(outcome.value).toBe(OPAQUE_TOKEN);
      expect(bodies).toEqual([
        { cancelled: true, read: false },
        { cancelled: true, read: false },
        { cancelled: false, read: true },
      ]);
    });

    it("C29: a 401, not retried: its body cancelled too", async () => {
      const { fetch, bodies } = scriptedEndpoint({ status: 401 });
      refresh({ fetch });
      await settle();
      expect(bodies).toEqual([{ cancelled: true, read: false }]);
    });
  });

  describe("C25, C29: the Date header is read from the attempt that succeeded", () => {
    // A 503 at 0, the token 20 s later: an offset measured from the first request's start would be 10 s off.
    const afterOne503 = (dateAt: number) => {
      const token = { token: OPAQUE_TOKEN, expiresOnTimestamp: START + 2 * HOUR };
      const answer = { status: 200, body: JSON.stringify(token), headers: { date: httpDate(dateAt) } };
      const { fetch } = scriptedEndpoint({ status: 503, headers: { date: httpDate(START + 3 * HOUR) } }, answer);
      return { token, outcome: refresh({ fetch, random: () => 1, retry: { initialDelayMs: 20_000 } }) };
    };

    it("C29: a server clock agreeing with ours at the second attempt: no offset", async () => {
      const { token, outcome } = afterOne503(START + 20 * SECOND);
      await advance(20 * SECOND);
      expect(outcome.value).toEqual(token);
    });

    it("C29: a server clock 1 h ahead at the second attempt: that offset, to the millisecond", async () => {
      const { token, outcome } = afterOne503(START + 20 * SECOND + HOUR);
      await advance(20 * SECOND);
      // The Date's second is taken at its middle (+500 ms); the request took no time.
      expect(outcome.value).toEqual({ ...token, clockOffsetMs: HOUR + 500 });
    });
  });
});

describe("C29: through a CommunicationTokenCredential (scripted fetch, fake time)", () => {
  const create = credentialsOnFakeTime();
  const issued = (): Step => ({
    status: 200,
    body: JSON.stringify({ token: jwtValidFor(HOUR), expiresOnTimestamp: Date.now() + HOUR }),
  });

  it("C29: a 500 then a token: the caller's one getToken gets the token, 750 ms later", async () => {
    const { fetch, calledAt } = scriptedEndpoint({ status: 500 }, issued());
    const credential = create({ tokenRefresher: tokenEndpoint(ENDPOINT, { fetch, random: () => 0.5 }) });
    const call = track(credential.getToken());
    await advance(749);
    expect(call.settled).toBe(false);
    await advance(1);
    expect(call.value?.token).toBe(jwtValidFor(HOUR, START));
    expect(calledAt).toEqual([0, 750]);
  });

  it("C29: a Retry-After wait is no hung request: no hedged call during it, only the answers it asked for", async () => {
    const { fetch, calledAt } = scriptedEndpoint({ status: 503, headers: { "retry-after": "8" } }, issued());
    const credential = create({ tokenRefresher: tokenEndpoint(ENDPOINT, { fetch, random: () => 0.5 }) });
    const call = track(credential.getToken());
    await advance(8_000);
    expect(call.value?.token).toBe(jwtValidFor(HOUR, START));
    expect(calledAt).toEqual([0, 8_000]); // the default hedge (3 s) would have sent one at 3 000
  });

  it("C29: the hedge still covers a request that hangs after a backoff: hedgeAfterMs after it was sent", async () => {
    const { fetch, calledAt } = scriptedEndpoint({ status: 500 }, "hang", issued());
    const credential = create({ tokenRefresher: tokenEndpoint(ENDPOINT, { fetch, random: () => 0.5 }) });
    const call = track(credential.getToken());
    await advance(750 + 3_000);
    expect(calledAt).toEqual([0, 750, 3_750]); // the retry hung; the hedged call answers
    expect(call.value?.token).toBe(jwtValidFor(HOUR, START));
  });

  it("C29: the credential's refreshTimeoutMs aborts a retry in flight: RefreshTimeoutError, and no request after it", async () => {
    // The retry hangs: a 503 on it would not be waited for past the deadline (retryDeadline.spec.ts).
    const { fetch, calledAt } = scriptedEndpoint({ status: 503 }, "hang", { status: 503 });
    const credential = create({
      tokenRefresher: tokenEndpoint(ENDPOINT, { fetch, random: () => 0.5 }),
      refreshTimeoutMs: 2_000,
    });
    const call = track(credential.getToken());
    await advance(2_000);
    expect(call.error).toBeInstanceOf(RefreshTimeoutError);
    await advance(MINUTE);
    expect(calledAt).toEqual([0, 750]); // the hung retry is aborted; no attempt after it
  });

  it("C29: dispose during a wait: nothing more is sent", async () => {
    const { fetch, calledAt } = scriptedEndpoint({ status: 503 });
    const credential = create({ tokenRefresher: tokenEndpoint(ENDPOINT, { fetch, random: () => 0.5 }) });
    const call = track(credential.getToken());
    await advance(1_000);
    credential.dispose();
    await advance(MINUTE);
    expect(call.error).toBeInstanceOf(Error);
    expect(calledAt).toEqual([0, 750]);
  });

  it("C13, C29: a 429 asking for 30 s is left to the credential: one request, then its background retry at 30 s", async () => {
    const { fetch, calledAt } = scriptedEndpoint({ status: 429, headers: { "retry-after": "30" } }, issued());
    create({ tokenRefresher: tokenEndpoint(ENDPOINT, { fetch }), refreshProactively: true, retry: { jitter: false } });
    await advance(30 * SECOND - 1);
    expect(calledAt).toEqual([0]);
    await advance(1);
    expect(calledAt).toEqual([0, 30 * SECOND]);
  });
});
