import type { Observable, Subscription } from "rxjs";
import { RefreshTimeoutError } from "../../lib/index.js";
import { callRefresher } from "../../lib/refresh/callRefresher.js";
import { clockFor } from "../../lib/time/clock.js";
import { hedged, type HedgeSettings, type RefresherCall } from "../../lib/refresh/hedge.js";
import type { ReceivedToken } from "../../lib/token/issuerClock.js";
import { resolveRefreshOptions, tuningOf } from "../../lib/options/options.js";
import { UNHEARD_PROGRESS, type RefreshProgress } from "../../lib/options/tokenRefresher.js";
import { advance, settle, useFakeTime } from "../support/fakeTime.js";
import { HOUR, MINUTE, SECOND, jwtValidFor } from "../support/tokens.js";

const HEDGE_MS = 3 * SECOND;
const TIMEOUT_MS = 30 * SECOND;
const clock = clockFor(undefined); // the global clock: Jest's fake timers drive it

/** The hedge's settings on the global clock, without a limiter. */
function settings(hedgeAfterMs: number | undefined): HedgeSettings {
  return {
    clock,
    refreshTimeoutMs: TIMEOUT_MS,
    hedgeAfterMs,
    retryTurn: UNHEARD_PROGRESS.retryTurn,
    scheduler: undefined,
  };
}

/** A refresher whose every call stays pending until the test settles it by its index. */
function refresherCalls() {
  const calls: { signal: AbortSignal; resolve(token: string): void; reject(error: unknown): void }[] = [];
  const tokenRefresher = (signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => calls.push({ signal, resolve, reject }));
  const config = { tokenRefresher, clock, refreshTimeoutMs: TIMEOUT_MS, opaqueTokenLifetimeMs: MINUTE };
  const call: RefresherCall = (progress, deadline) => callRefresher(config, progress, deadline);
  return { calls, call };
}

/** Subscribes to `refresh` and records what it delivers. */
function watch(refresh: Observable<ReceivedToken>) {
  const seen: { tokens: string[]; error?: unknown; completed: boolean; subscription?: Subscription } = {
    tokens: [],
    error: undefined,
    completed: false,
  };
  seen.subscription = refresh.subscribe({
    next: ({ token }) => seen.tokens.push(token.token),
    error: (error: unknown) => (seen.error = error),
    complete: () => (seen.completed = true),
  });
  return seen;
}

describe("C29: hedged, one refresh with at most one hedged second refresher call", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  it("C29: the second call starts at exactly hedgeAfterMs and there is never a third", async () => {
    const { calls, call } = refresherCalls();
    watch(hedged(call, settings(HEDGE_MS)));
    expect(calls).toHaveLength(1);
    await advance(HEDGE_MS - 1);
    expect(calls).toHaveLength(1);
    await advance(1);
    expect(calls).toHaveLength(2);
    await advance(TIMEOUT_MS - HEDGE_MS - 1);
    expect(calls).toHaveLength(2);
  });

  it.each([
    ["the second call answers first", 1, 0],
    ["the first call answers first, after the hedge", 0, 1],
  ])("C29: %s: its token wins and the other call is unsubscribed, its signal aborted", async (_, winner, loser) => {
    const { calls, call } = refresherCalls();
    const seen = watch(hedged(call, settings(HEDGE_MS)));
    await advance(HEDGE_MS);
    const token = jwtValidFor(HOUR);
    calls[winner]?.resolve(token);
    await settle();
    expect(seen).toMatchObject({ tokens: [token], completed: true, error: undefined });
    expect(calls[loser]?.signal.aborted).toBe(true);
    expect(calls[loser]?.signal.reason).toMatchObject({ name: "AbortError" });
    expect(calls[winner]?.signal.aborted).toBe(false);
    calls[loser]?.resolve(jwtValidFor(2 * HOUR)); // a late answer of the loser changes nothing
    await settle();
    expect(seen.tokens).toEqual([token]);
  });

  it("C29: a first call that fails before the hedge fails the refresh at once, with no second call", async () => {
    const { calls, call } = refresherCalls();
    const seen = watch(hedged(call, settings(HEDGE_MS)));
    await advance(SECOND);
    const refused = Object.assign(new Error("503 from the token server"), { status: 503 });
    calls[0]?.reject(refused);
    await settle();
    expect(seen.error).toBe(refused);
    await advance(TIMEOUT_MS);
    expect(calls).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it.each([
    ["the first call fails, then the second answers", 0, 1],
    ["the second call fails, then the first answers", 1, 0],
  ])("C29: after the hedge, %s: the refresh gets the token", async (_, failing, answering) => {
    const { calls, call } = refresherCalls();
    const seen = watch(hedged(call, settings(HEDGE_MS)));
    await advance(HEDGE_MS + SECOND);
    calls[failing]?.reject(new Error("connection reset"));
    await settle();
    expect(seen).toMatchObject({ tokens: [], completed: false, error: undefined });
    await advance(SECOND);
    const token = jwtValidFor(HOUR);
    calls[answering]?.resolve(token);
    await settle();
    expect(seen).toMatchObject({ tokens: [token], completed: true, error: undefined });
  });

  it.each([
    ["first call first", [0, 1]],
    ["second call first", [1, 0]],
  ])("C29: both calls fail (%s): the refresh fails with the first call's error", async (_, order) => {
    const { calls, call } = refresherCalls();
    const seen = watch(hedged(call, settings(HEDGE_MS)));
    await advance(HEDGE_MS);
    const errors = [new Error("first call's error"), new Error("second call's error")];
    for (const index of order) {
      calls[index]?.reject(errors[index]);
      await advance(SECOND);
    }
    expect(seen.error).toBe(errors[0]);
  });

  it("C9, C29: a first call that fails after the hedge leaves the second until refreshTimeoutMs from the start, no longer", async () => {
    const { calls, call } = refresherCalls();
    const seen = watch(hedged(call, settings(HEDGE_MS)));
    await advance(5 * SECOND);
    const refused = new Error("socket hang up");
    calls[0]?.reject(refused);
    await advance(TIMEOUT_MS - 5 * SECOND - 1);
    expect(seen.error).toBeUndefined();
    expect(calls[1]?.signal.aborted).toBe(false);
    await advance(1);
    expect(seen.error).toBe(refused);
    expect(calls[1]?.signal.aborted).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("C9, C29: the first call's RefreshTimeoutError at refreshTimeoutMs ends the refresh and aborts the second call", async () => {
    const { calls, call } = refresherCalls();
    const seen = watch(hedged(call, settings(HEDGE_MS)));
    await advance(TIMEOUT_MS - 1);
    expect(seen.error).toBeUndefined();
    await advance(1);
    expect(seen.error).toBeInstanceOf(RefreshTimeoutError);
    expect(calls[0]?.signal.reason).toBeInstanceOf(RefreshTimeoutError);
    expect(calls[1]?.signal.aborted).toBe(true);
    expect(calls[1]?.signal.reason).toMatchObject({ name: "AbortError" });
    expect(jest.getTimerCount()).toBe(0);
  });

  it("C8, C29: unsubscribing before the hedge aborts the call and cancels the hedge", async () => {
    const { calls, call } = refresherCalls();
    const seen = watch(hedged(call, settings(HEDGE_MS)));
    await advance(SECOND);
    seen.subscription?.unsubscribe();
    expect(calls[0]?.signal.aborted).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
    await advance(TIMEOUT_MS);
    expect(calls).toHaveLength(1);
  });

  it("C8, C29: unsubscribing after the hedge aborts both calls", async () => {
    const { calls, call } = refresherCalls();
    const seen = watch(hedged(call, settings(HEDGE_MS)));
    await advance(HEDGE_MS + SECOND);
    seen.subscription?.unsubscribe();
    expect(calls.map(({ signal }) => signal.aborted)).toEqual([true, true]);
    expect(calls.map(({ signal }) => (signal.reason as Error).name)).toEqual(["AbortError", "AbortError"]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("C29: a refresher that answers synchronously leaves no hedge timer behind", () => {
    const tokenRefresher = jest.fn(() => jwtValidFor(HOUR));
    const config = { tokenRefresher, clock, refreshTimeoutMs: TIMEOUT_MS, opaqueTokenLifetimeMs: MINUTE };
    const seen = watch(hedged((progress, deadline) => callRefresher(config, progress, deadline), settings(HEDGE_MS)));
    expect(seen).toMatchObject({ tokens: [expect.any(String)], completed: true });
    expect(jest.getTimerCount()).toBe(0);
    expect(tokenRefresher).toHaveBeenCalledTimes(1);
  });

  it("C29: without hedgeAfterMs there is one call, which still learns the time left until the deadline", async () => {
    const seen: RefreshProgress[] = [];
    const { calls, call } = refresherCalls();
    watch(
      hedged((progress, deadline) => {
        seen.push(progress);
        return call(progress, deadline);
      }, settings(undefined)),
    );
    await advance(10 * SECOND);
    expect(calls).toHaveLength(1);
    expect(seen[0]?.remainingMs()).toBe(TIMEOUT_MS - 10 * SECOND);
  });

  it("C29: a backoff reported after the refresh ended, or during the first call's own start, starts no call", async () => {
    const calls: { resolve(token: string): void; progress: RefreshProgress | undefined }[] = [];
    const tokenRefresher = (_signal: AbortSignal, progress?: RefreshProgress) => {
      if (calls.length === 0) progress?.backingOff(1_000); // reported before the call returns
      return new Promise<string>((resolve) => calls.push({ resolve, progress }));
    };
    const config = { tokenRefresher, clock, refreshTimeoutMs: TIMEOUT_MS, opaqueTokenLifetimeMs: MINUTE };
    const seen = watch(hedged((progress, deadline) => callRefresher(config, progress, deadline), settings(HEDGE_MS)));
    await advance(1_000 + HEDGE_MS - 1);
    expect(calls).toHaveLength(1); // the backoff moved the hedge: one timer, not two
    calls[0]!.resolve(jwtValidFor(HOUR));
    await settle();
    expect(seen.tokens).toHaveLength(1);
    calls[0]!.progress!.backingOff(1_000); // late: the refresh is over
    await advance(TIMEOUT_MS);
    expect(calls).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("C24, C29: credentials with the default hedge still share the one default tuning; another hedge gets its own", () => {
    const tuning = (options: object) => tuningOf(resolveRefreshOptions({ tokenRefresher: () => "x", ...options }));
    expect(tuning({})).toBe(tuning({}));
    expect(tuning({ hedgeAfterMs: 3_000 })).toBe(tuning({}));
    expect(tuning({ hedgeAfterMs: false })).not.toBe(tuning({}));
    expect(tuning({ hedgeAfterMs: 800 })).toMatchObject({ hedgeAfterMs: 800 });
    expect(tuning({ hedgeAfterMs: false })).toMatchObject({ hedgeAfterMs: undefined });
  });
});

describe("C29: a first call that says it is backing off is not hedged during the wait", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  function backingOffRefresher() {
    const calls: { progress: RefreshProgress | undefined; resolve(token: string): void }[] = [];
    const tokenRefresher = (_signal: AbortSignal, progress?: RefreshProgress) =>
      new Promise<string>((resolve) => calls.push({ progress, resolve }));
    const config = { tokenRefresher, clock, refreshTimeoutMs: TIMEOUT_MS, opaqueTokenLifetimeMs: MINUTE };
    return { calls, call: ((progress, deadline) => callRefresher(config, progress, deadline)) as RefresherCall };
  }

  it("C29: the hedge waits for the backoff, then hedgeAfterMs more; the second call hears nothing", async () => {
    const { calls, call } = backingOffRefresher();
    watch(hedged(call, settings(HEDGE_MS)));
    await advance(2 * SECOND);
    calls[0]!.progress!.backingOff(4 * SECOND); // e.g. a 503 asked for 4 s
    await advance(4 * SECOND + HEDGE_MS - 1);
    expect(calls).toHaveLength(1);
    await advance(1);
    expect(calls).toHaveLength(2);
    calls[1]!.progress!.backingOff(60 * SECOND); // unheard: the refresh is hedged once only
    calls[0]!.progress!.backingOff(60 * SECOND); // too late: the hedge has started
    await advance(TIMEOUT_MS);
    expect(calls).toHaveLength(2);
  });

  it("C29: without hedging the refresher still gets a progress it may call", async () => {
    const { calls, call } = backingOffRefresher();
    watch(hedged(call, settings(undefined)));
    expect(() => calls[0]!.progress!.backingOff(1_000)).not.toThrow();
    await advance(TIMEOUT_MS - 1);
    expect(calls).toHaveLength(1);
  });
});
