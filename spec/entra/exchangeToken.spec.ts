import { clockFor } from "../../lib/time/clock.js";
import { exchangeToken, type ExchangeRequest } from "../../lib/entra/exchangeToken.js";
import { Subject, VirtualTimeScheduler } from "rxjs";
import { UNHEARD_PROGRESS, type RefreshProgress } from "../../lib/options/tokenRefresher.js";
import { TokenExchangeError } from "../../lib/index.js";
import { exchanged, gapsBetween, scriptedFetch } from "../support/exchangeServer.js";
import { settle, track, useFakeTime } from "../support/fakeTime.js";
import { HOUR, START } from "../support/tokens.js";
import { startLoopbackServer, type LoopbackServer } from "../support/loopbackServer.js";

const EXCHANGE_URL =
  "https://contoso.communication.azure.com/access/entra/:exchangeAccessToken?api-version=2025-03-02-preview";

/** A refresh whose deadline is at `deadline` on Jest's fake clock. */
const refreshUntil = (deadline: number): RefreshProgress => ({
  ...UNHEARD_PROGRESS,
  remainingMs: () => deadline - Date.now(),
});

/** An exchange on Jest's fake clock, with the credential's default 30 s deadline unless told otherwise. */
function exchange(fetch: ExchangeRequest["fetch"], overrides: Partial<ExchangeRequest> = {}) {
  return exchangeToken({
    url: EXCHANGE_URL,
    entraToken: "secret-entra",
    signal: new AbortController().signal,
    clock: clockFor(undefined),
    progress: refreshUntil(Date.now() + 30_000),
    fetch,
    ...overrides,
  });
}

describe("A5: exchangeToken retries with jitter, inside the refresh's deadline (issue 10)", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  it("two exchanges with different random draws wait different times, each within 0.5–1 s, 1–2 s, 2–4 s", async () => {
    const waits: number[][] = [];
    for (const draw of [0.1, 0.9]) {
      const { fetch, calledAt } = scriptedFetch(
        { status: 503 },
        { status: 500 },
        { status: 502 },
        exchanged("acs", START + HOUR),
      );
      const outcome = track(exchange(fetch, { random: () => draw }));
      await jest.runAllTimersAsync();
      expect(outcome.value?.token).toBe("acs");
      waits.push(gapsBetween(calledAt));
    }
    expect(waits).toEqual([
      [550, 1_100, 2_200],
      [950, 1_900, 3_800],
    ]);
  });

  it("waits what Retry-After asks, as given: no jitter, whatever the draw", async () => {
    for (const draw of [0, 0.9]) {
      const { fetch, calledAt } = scriptedFetch(
        { status: 429, headers: { "retry-after": "2" } },
        exchanged("acs", START + HOUR),
      );
      const outcome = track(exchange(fetch, { random: () => draw }));
      await jest.runAllTimersAsync();
      expect(outcome.value?.token).toBe("acs");
      expect(gapsBetween(calledAt)).toEqual([2_000]);
    }
  });

  it.each([
    ["a 429 whose Retry-After (60 s) ends after the 30 s deadline", 429, "60", 60_000],
    ["a 503 whose Retry-After date is 45 s ahead", 503, new Date(START + 45_000).toUTCString(), 45_000],
    ["a 429 whose Retry-After ends exactly at the deadline", 429, "30", 30_000],
  ])(
    "%s: fails at once with TokenExchangeError carrying the status and retryAfterMs",
    async (_, status, retryAfter, asked) => {
      const { fetch } = scriptedFetch(
        { status, headers: { "retry-after": retryAfter } },
        exchanged("acs", START + HOUR),
      );
      const outcome = track(exchange(fetch));
      await settle();
      expect(outcome.error).toBeInstanceOf(TokenExchangeError);
      expect(outcome.error).toMatchObject({ status, retryAfterMs: asked });
      expect((outcome.error as Error).message).toContain(`Retry-After asks for ${asked} ms`);
      expect((outcome.error as Error).message).not.toContain("secret-entra");
      expect(fetch).toHaveBeenCalledTimes(1);
      expect(Date.now()).toBe(START);
    },
  );

  it("a Retry-After that ends before the deadline is waited", async () => {
    const { fetch, calledAt } = scriptedFetch(
      { status: 429, headers: { "retry-after": "29" } },
      exchanged("acs", START + HOUR),
    );
    const outcome = track(exchange(fetch));
    await jest.runAllTimersAsync();
    expect(outcome.value?.token).toBe("acs");
    expect(gapsBetween(calledAt)).toEqual([29_000]);
  });

  it("a computed backoff that would end past the deadline is not waited either: the status is reported", async () => {
    const { fetch, calledAt } = scriptedFetch({ status: 500 });
    const outcome = track(exchange(fetch, { progress: refreshUntil(START + 1_500), random: () => 0 }));
    await jest.runAllTimersAsync();
    expect(outcome.error).toBeInstanceOf(TokenExchangeError);
    expect(outcome.error).toMatchObject({ status: 500, retryAfterMs: undefined });
    expect(calledAt).toEqual([START, START + 500]); // the second backoff (1 s) would end at the deadline
  });

  it("sends nothing once the signal is aborted, even through a fetch that ignores signals", async () => {
    const { fetch } = scriptedFetch(exchanged("acs", START + HOUR));
    const reason = new Error("the refresh timed out");
    await expect(exchange(fetch, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(fetch).not.toHaveBeenCalled();
  });

  // No time passes between the abort and the checks: running the timers first would let a wait that
  // ignored the signal end by itself, and the check before the next attempt would then hide it.
  it("a signal aborted during a backoff ends the exchange at once, before the next attempt", async () => {
    const { fetch } = scriptedFetch({ status: 503 }, exchanged("acs", START + HOUR));
    const controller = new AbortController();
    const outcome = track(exchange(fetch, { signal: controller.signal, random: () => 0 }));
    await settle();
    expect(jest.getTimerCount()).toBe(1); // waiting out the backoff
    controller.abort();
    await settle();
    expect((outcome.error as Error | undefined)?.name).toBe("AbortError");
    expect(jest.getTimerCount()).toBe(0);
    await jest.runAllTimersAsync();
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("after the last retry, the error still carries what Retry-After asked", async () => {
    const { fetch } = scriptedFetch({ status: 429, headers: { "retry-after": "1" } });
    const outcome = track(exchange(fetch));
    await jest.runAllTimersAsync();
    expect(outcome.error).toMatchObject({ name: "TokenExchangeError", status: 429, retryAfterMs: 1_000 });
    expect(fetch).toHaveBeenCalledTimes(4);
  });

  it("C30: each retry waits for progress.retryTurn() after its wait, and goes when the turn comes", async () => {
    const turns = new Subject<void>();
    const { fetch, calledAt } = scriptedFetch({ status: 503 }, exchanged("acs", START + HOUR));
    const progress = { ...refreshUntil(START + 30_000), retryTurn: () => turns };
    const outcome = track(exchange(fetch, { progress, random: () => 0 }));
    await jest.advanceTimersByTimeAsync(5_000);
    expect(calledAt).toEqual([START]); // the 500 ms backoff is long over; the turn has not come
    turns.next();
    await settle();
    expect(calledAt).toEqual([START, START + 5_000]);
    expect(outcome.value?.token).toBe("acs");
  });

  it("C10: the waits run on progress.scheduler, so virtual time drives them", async () => {
    const scheduler = new VirtualTimeScheduler();
    const { fetch } = scriptedFetch({ status: 429, headers: { "retry-after": "2" } }, exchanged("acs", START + HOUR));
    const outcome = track(exchange(fetch, { progress: { ...UNHEARD_PROGRESS, scheduler } }));
    await settle();
    expect(jest.getTimerCount()).toBe(0);
    scheduler.flush();
    await settle();
    expect(scheduler.frame).toBe(2_000);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(outcome.value?.token).toBe("acs");
  });
});

describe("A5: the exchange follows no redirect, against servers on 127.0.0.1", () => {
  const servers: LoopbackServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function redirectingExchange() {
    const other = await startLoopbackServer(() => ({
      status: 200,
      body: {
        accessToken: { token: "the-other-server's-token", expiresOn: new Date(Date.now() + HOUR).toISOString() },
      },
    }));
    const exchangeServer = await startLoopbackServer(() => ({
      status: 307,
      headers: { location: `${other.origin}/steal?secret=LOCATION-SECRET` },
    }));
    servers.push(other, exchangeServer);
    return { other, url: `${exchangeServer.origin}/access/entra/:exchangeAccessToken` };
  }

  it("A5: a 307 to another origin is a TokenExchangeError with its status, not retried; nothing reaches the other", async () => {
    const { other, url } = await redirectingExchange();
    const call = exchange((target, init) => fetch(target, init), { url, progress: undefined });
    await expect(call).rejects.toThrow(TokenExchangeError);
    await expect(call).rejects.toHaveProperty("status", 307);
    await expect(call).rejects.not.toThrow(/LOCATION-SECRET|steal|127\.0\.0\.1/);
    expect(other.received).toHaveLength(0);
  });

  it("A5: an answer a custom fetch reached by following anyway is a TokenExchangeError, not the other's token", async () => {
    const { url } = await redirectingExchange();
    const follows: ExchangeRequest["fetch"] = (target, init) => fetch(target, { ...init, redirect: "follow" });
    const call = exchange(follows, { url, progress: undefined });
    await expect(call).rejects.toThrow(TokenExchangeError);
    await expect(call).rejects.toThrow(/answered from where a redirect led/);
    await expect(call).rejects.not.toThrow(/LOCATION-SECRET|steal|127\.0\.0\.1/);
  });
});
