import { RefreshTimeoutError, TokenEndpointError, tokenEndpoint, type RefreshProgress } from "../../lib/index.js";
import { UNHEARD_PROGRESS } from "../../lib/options/tokenRefresher.js";
import { credentialsOnFakeTime } from "../support/credentials.js";
import { advance, settle, track, useFakeTime } from "../support/fakeTime.js";
import { HOUR, jwtValidFor, MINUTE, OPAQUE_TOKEN, SECOND, START } from "../support/tokens.js";
import { ENDPOINT, fetchFailed, refresh, scriptedEndpoint, tokenAsText } from "./scriptedEndpoint.js";

// C29: tokenEndpoint does not start a wait (a backoff, a Retry-After) that would end at or after the
// refresh's deadline, progress.remainingMs(): it fails at once with the last failure, so that a
// TokenEndpointError's retryAfterMs reaches the credential's background retry (C13) instead of being
// lost in a RefreshTimeoutError.

/** Progress whose deadline is `deadlineMs` after START, recording the waits reported. */
function progressUntil(deadlineMs: number) {
  const backingOff = jest.fn<void, [number]>();
  const progress: RefreshProgress = {
    ...UNHEARD_PROGRESS,
    backingOff,
    remainingMs: () => START + deadlineMs - Date.now(),
  };
  return { progress, backingOff };
}

describe("C29: no wait past the refresh's deadline (scripted fetch, fake time)", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  it("C29: a Retry-After of 5 s with 4 s left: fails at once with its retryAfterMs, reports no wait, sets no timer", async () => {
    const { fetch, calledAt } = scriptedEndpoint({ status: 429, headers: { "retry-after": "5" } }, tokenAsText);
    const { progress, backingOff } = progressUntil(4_000);
    const outcome = refresh({ fetch }, { progress });
    await settle();
    expect(outcome.error).toBeInstanceOf(TokenEndpointError);
    expect(outcome.error).toMatchObject({ status: 429, retryAfterMs: 5_000 });
    expect(backingOff).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
    await advance(MINUTE);
    expect(calledAt).toEqual([0]);
  });

  it("C29: 503s with a deadline at 4 s: attempts at 0, 750 and 2 250 ms, then the 503 at once (the next wait would end at 5 250)", async () => {
    const { fetch, calledAt } = scriptedEndpoint({ status: 503 });
    const { progress, backingOff } = progressUntil(4_000);
    const outcome = refresh({ fetch, random: () => 0.5 }, { progress });
    await advance(2_250);
    expect(calledAt).toEqual([0, 750, 2_250]);
    expect(outcome.error).toMatchObject({ name: "TokenEndpointError", status: 503 });
    expect(backingOff.mock.calls).toEqual([[750], [1_500]]);
    await advance(MINUTE);
    expect(calledAt).toHaveLength(3);
  });

  it.each([
    [750, [0]],
    [751, [0, 750]],
  ])("C29: a 750 ms backoff with %d ms left: attempts at %j", async (deadlineMs, times) => {
    const { fetch, calledAt } = scriptedEndpoint({ status: 502 }, tokenAsText);
    const outcome = refresh({ fetch, random: () => 0.5 }, { progress: progressUntil(deadlineMs).progress });
    await advance(MINUTE);
    expect(calledAt).toEqual(times);
    expect(outcome.settled).toBe(true);
  });

  it("C29: a network error with no time left for the backoff: that error, as fetch gave it", async () => {
    const reset = fetchFailed("ECONNRESET");
    const { fetch } = scriptedEndpoint({ rejectWith: reset }, tokenAsText);
    const outcome = refresh({ fetch }, { progress: progressUntil(400).progress });
    await settle();
    expect(outcome.error).toBe(reset);
  });

  it("C29: a progress without remainingMs (written before it existed) bounds nothing: the retry is sent", async () => {
    const { fetch, calledAt } = scriptedEndpoint({ status: 503 }, tokenAsText);
    const olderProgress = { backingOff: () => {} } as unknown as RefreshProgress;
    const outcome = refresh({ fetch, random: () => 0.5 }, { progress: olderProgress });
    await advance(750);
    expect(calledAt).toEqual([0, 750]);
    expect(outcome.value).toBe(OPAQUE_TOKEN);
  });
});

describe("C13, C29: through a CommunicationTokenCredential (scripted fetch, fake time)", () => {
  const create = credentialsOnFakeTime();

  it("C13, C29: 429s asking for 10 s: the third fails at 20 s with retryAfterMs, not a RefreshTimeoutError at 30 s; the background retry waits the 10 s", async () => {
    const { fetch, calledAt } = scriptedEndpoint({ status: 429, headers: { "retry-after": "10" } });
    const credential = create({
      tokenRefresher: tokenEndpoint(ENDPOINT, { fetch, random: () => 0.5 }),
      refreshProactively: true,
      retry: { jitter: false },
    });
    const call = track(credential.getToken());
    await advance(20 * SECOND);
    expect(calledAt).toEqual([0, 10_000, 20_000]);
    expect(call.error).toBeInstanceOf(TokenEndpointError);
    expect(call.error).toMatchObject({ status: 429, retryAfterMs: 10_000 });
    await advance(10 * SECOND - 1);
    expect(calledAt).toHaveLength(3);
    await advance(1);
    expect(calledAt).toEqual([0, 10_000, 20_000, 30_000]);
  });

  it("C29: refreshTimeoutMs 2 000 and 503s: the 503 at 750 ms (the next wait would end at 2 250), not a RefreshTimeoutError", async () => {
    const { fetch, calledAt } = scriptedEndpoint({ status: 503 });
    const credential = create({
      tokenRefresher: tokenEndpoint(ENDPOINT, { fetch, random: () => 0.5 }),
      refreshTimeoutMs: 2_000,
    });
    const call = track(credential.getToken());
    await advance(750);
    expect(call.error).toBeInstanceOf(TokenEndpointError);
    expect(call.error).not.toBeInstanceOf(RefreshTimeoutError);
    await advance(MINUTE);
    expect(calledAt).toEqual([0, 750]);
  });

  it("C29: a wait that ends before the deadline is still waited for: a 503, then the token at 750 ms", async () => {
    const issued = {
      status: 200,
      body: JSON.stringify({ token: jwtValidFor(HOUR), expiresOnTimestamp: START + HOUR }),
    };
    const { fetch, calledAt } = scriptedEndpoint({ status: 503 }, issued);
    const credential = create({
      tokenRefresher: tokenEndpoint(ENDPOINT, { fetch, random: () => 0.5 }),
      refreshTimeoutMs: 2_000,
    });
    const call = track(credential.getToken());
    await advance(750);
    expect(call.value?.token).toBe(jwtValidFor(HOUR, START));
    expect(calledAt).toEqual([0, 750]);
  });
});
