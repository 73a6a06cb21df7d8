import {
  CommunicationTokenCredential,
  CredentialDisposedError,
  RefreshTimeoutError,
  createRefreshLimiter,
  type CommunicationTokenRefreshOptions,
} from "../../../lib/index.js";
import { advance, settle, track, useFakeTime } from "../../support/fakeTime.js";
import { HOUR, SECOND, jwtValidFor } from "../../support/tokens.js";

const LATENCY_MS = 200;

/**
 * A refresher whose calls follow a script, one entry per call: "hang" never answers (a dead
 * keep-alive socket), a number answers with a fresh token after that many milliseconds, an Error
 * rejects at once. Calls past the script hang.
 */
function scriptedRefresher(...script: ("hang" | number | Error)[]) {
  const signals: AbortSignal[] = [];
  const calledAt: number[] = [];
  const fn = jest.fn((signal: AbortSignal) => {
    const step = script[signals.length] ?? "hang";
    signals.push(signal);
    calledAt.push(Date.now());
    if (step instanceof Error) return Promise.reject(step);
    if (step === "hang") return new Promise<string>(() => {});
    return new Promise<string>((resolve) => setTimeout(() => resolve(jwtValidFor(HOUR)), step));
  });
  return { fn, signals, calledAt };
}

describe("C29: a hung refresher call gets one hedged second call", () => {
  const credentials: CommunicationTokenCredential[] = [];
  const create = (options: CommunicationTokenRefreshOptions) => {
    const credential = new CommunicationTokenCredential(options);
    credentials.push(credential);
    return credential;
  };
  beforeEach(useFakeTime);
  afterEach(() => {
    credentials.splice(0).forEach((credential) => credential.dispose());
    jest.useRealTimers();
  });

  it("C29: a first call that hangs forever: the caller gets a token at 3 s plus the second call's latency, from exactly 2 calls", async () => {
    const refresher = scriptedRefresher("hang", LATENCY_MS);
    const credential = create({ tokenRefresher: refresher.fn });
    const states: string[] = [];
    credential.state$.subscribe((state) => states.push(state.status));
    const start = Date.now();
    const pending = track(credential.getToken());
    await advance(3 * SECOND + LATENCY_MS - 1);
    expect(pending.settled).toBe(false);
    await advance(1);
    expect(pending.value?.expiresOnTimestamp).toBeGreaterThan(Date.now());
    expect(refresher.calledAt).toEqual([start, start + 3 * SECOND]);
    expect(refresher.signals[0]?.aborted).toBe(true);
    expect(states).toEqual(["idle", "refreshing", "ready"]);
    await advance(HOUR / 2);
    expect(refresher.fn).toHaveBeenCalledTimes(2);
  });

  it("C5, C29: callers, refresh(), token$ and the schedule share the one hedged refresh: 2 calls in all", async () => {
    const refresher = scriptedRefresher("hang", LATENCY_MS);
    const credential = create({ tokenRefresher: refresher.fn, refreshProactively: true });
    const fromToken$: string[] = [];
    credential.token$.subscribe(({ token }) => fromToken$.push(token));
    const pending = [track(credential.getToken()), track(credential.getToken()), track(credential.refresh())];
    await advance(3 * SECOND + LATENCY_MS);
    const tokens = new Set([...pending.map(({ value }) => value?.token), ...fromToken$]);
    expect(tokens.size).toBe(1);
    expect(tokens.has(undefined)).toBe(false);
    expect(refresher.fn).toHaveBeenCalledTimes(2);
  });

  it("C29: a first call that fails before the hedge fails the caller at once, with no second call", async () => {
    const refused = new Error("the token server said no");
    const refresher = scriptedRefresher(refused, LATENCY_MS);
    const credential = create({ tokenRefresher: refresher.fn });
    const pending = track(credential.getToken());
    await settle();
    expect(pending.error).toBe(refused);
    await advance(30 * SECOND);
    expect(refresher.fn).toHaveBeenCalledTimes(1);
  });

  it("C9, C29: both calls hang: RefreshTimeoutError at refreshTimeoutMs from the start, both signals aborted", async () => {
    const refresher = scriptedRefresher("hang", "hang");
    const credential = create({ tokenRefresher: refresher.fn, refreshTimeoutMs: 10 * SECOND });
    const pending = track(credential.getToken());
    await advance(10 * SECOND - 1);
    expect(pending.settled).toBe(false);
    await advance(1);
    expect(pending.error).toBeInstanceOf(RefreshTimeoutError);
    expect(refresher.signals.map((signal) => signal.aborted)).toEqual([true, true]);
    expect(refresher.signals[0]?.reason).toBeInstanceOf(RefreshTimeoutError);
  });

  it("C8, C29: the only caller aborts after the hedge: both calls are aborted, and the next caller starts afresh", async () => {
    const refresher = scriptedRefresher("hang", "hang", LATENCY_MS);
    const credential = create({ tokenRefresher: refresher.fn });
    const controller = new AbortController();
    const leaving = track(credential.getToken({ abortSignal: controller.signal }));
    await advance(4 * SECOND);
    controller.abort();
    await settle();
    expect(leaving.error).toMatchObject({ name: "AbortError" });
    expect(refresher.signals.map((signal) => signal.aborted)).toEqual([true, true]);
    expect(refresher.signals.map((signal) => (signal.reason as Error).name)).toEqual(["AbortError", "AbortError"]);
    const next = track(credential.getToken());
    await advance(LATENCY_MS);
    expect(next.value).toBeDefined();
    expect(refresher.fn).toHaveBeenCalledTimes(3);
  });

  it("C8, C29: one caller of two aborts after the hedge: the other still gets the hedged call's token", async () => {
    const refresher = scriptedRefresher("hang", 2 * SECOND);
    const credential = create({ tokenRefresher: refresher.fn });
    const controller = new AbortController();
    const leaving = track(credential.getToken({ abortSignal: controller.signal }));
    const staying = track(credential.getToken());
    await advance(4 * SECOND);
    controller.abort();
    await advance(SECOND);
    expect(leaving.error).toMatchObject({ name: "AbortError" });
    expect(staying.value).toBeDefined();
    expect(refresher.signals[1]?.aborted).toBe(false);
  });

  it("C19, C29: dispose after the hedge aborts both calls and rejects the caller with CredentialDisposedError", async () => {
    const refresher = scriptedRefresher("hang", "hang");
    const credential = create({ tokenRefresher: refresher.fn });
    const pending = track(credential.getToken());
    await advance(4 * SECOND);
    credential.dispose();
    await settle();
    expect(pending.error).toBeInstanceOf(CredentialDisposedError);
    expect(refresher.signals.map((signal) => signal.aborted)).toEqual([true, true]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("C29: hedgeAfterMs: false makes one call only, which may run until refreshTimeoutMs", async () => {
    const refresher = scriptedRefresher("hang", LATENCY_MS);
    const credential = create({ tokenRefresher: refresher.fn, hedgeAfterMs: false });
    const pending = track(credential.getToken());
    await advance(30 * SECOND);
    expect(pending.error).toBeInstanceOf(RefreshTimeoutError);
    expect(refresher.fn).toHaveBeenCalledTimes(1);
  });

  it("C29: hedgeAfterMs: 800 hedges at 800 ms", async () => {
    const refresher = scriptedRefresher("hang", LATENCY_MS);
    const credential = create({ tokenRefresher: refresher.fn, hedgeAfterMs: 800 });
    const pending = track(credential.getToken());
    await advance(799);
    expect(refresher.fn).toHaveBeenCalledTimes(1);
    await advance(1 + LATENCY_MS);
    expect(pending.value).toBeDefined();
    expect(refresher.fn).toHaveBeenCalledTimes(2);
  });

  it("C2, C29: a refreshTimeoutMs of 3 s or less with the default hedge is no error: one call, then RefreshTimeoutError", async () => {
    const refresher = scriptedRefresher("hang", LATENCY_MS);
    const credential = create({ tokenRefresher: refresher.fn, refreshTimeoutMs: 3 * SECOND });
    const pending = track(credential.getToken());
    await advance(3 * SECOND);
    expect(pending.error).toBeInstanceOf(RefreshTimeoutError);
    expect(refresher.fn).toHaveBeenCalledTimes(1);
  });

  it("C23, C29: with a refreshLimiter there is no hedge, which would be a call beyond the limiter's budget; asking for both is a TypeError", async () => {
    const limiter = createRefreshLimiter({ maxConcurrent: 1, perSecond: 100 });
    const hung = scriptedRefresher("hang", LATENCY_MS);
    const other = scriptedRefresher(LATENCY_MS);
    track(create({ tokenRefresher: hung.fn, refreshLimiter: limiter }).getToken());
    track(create({ tokenRefresher: other.fn, refreshLimiter: limiter }).getToken());
    await advance(10 * SECOND);
    expect(hung.fn).toHaveBeenCalledTimes(1);
    expect(limiter).toMatchObject({ running: 1, waiting: 1 });
    expect(() => create({ tokenRefresher: other.fn, refreshLimiter: limiter, hedgeAfterMs: 2_000 })).toThrow(
      /options\.hedgeAfterMs cannot be combined with options\.refreshLimiter/,
    );
  });

  describe("C2, C29: the option", () => {
    const refresher = () => jwtValidFor(HOUR);
    const construct = (options: object) => () =>
      new CommunicationTokenCredential({ tokenRefresher: refresher, ...options });

    it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, "3000", true, null])(
      "C2, C29: hedgeAfterMs %p is a TypeError naming the option and false",
      (hedgeAfterMs) => {
        expect(construct({ hedgeAfterMs })).toThrow(TypeError);
        expect(construct({ hedgeAfterMs })).toThrow(/options\.hedgeAfterMs .*or false/);
      },
    );

    it.each([
      [30_000, {}],
      [5_000, { refreshTimeoutMs: 5_000 }],
      [6_000, { refreshTimeoutMs: 5_000 }],
    ])(
      "C2, C29: an explicit hedgeAfterMs of %p, not below refreshTimeoutMs, is a TypeError naming both",
      (hedgeAfterMs, rest) => {
        expect(construct({ hedgeAfterMs, ...rest })).toThrow(
          /options\.hedgeAfterMs \(\d+\) must be less than options\.refreshTimeoutMs/,
        );
      },
    );

    it("C2, C29: false, a small number and one just below refreshTimeoutMs are accepted", () => {
      expect(construct({ hedgeAfterMs: false })).not.toThrow();
      expect(construct({ hedgeAfterMs: 1 })).not.toThrow();
      expect(construct({ hedgeAfterMs: 4_999, refreshTimeoutMs: 5_000 })).not.toThrow();
    });

    it("C2, C29: a misspelt hedgeAfterMS is met with a did-you-mean", () => {
      expect(construct({ hedgeAfterMS: 800 })).toThrow(/did you mean hedgeAfterMs\?/);
    });

    it("C2, C29: an Entra ID credential takes the option and checks it the same way", () => {
      const entra = (hedgeAfterMs: unknown) => () =>
        new CommunicationTokenCredential({
          resourceEndpoint: "https://contoso.communication.azure.com",
          tokenCredential: { getToken: async () => null },
          hedgeAfterMs: hedgeAfterMs as false,
        }).dispose();
      expect(entra(false)).not.toThrow();
      expect(entra(800)).not.toThrow();
      expect(entra(-1)).toThrow(/options\.hedgeAfterMs/);
    });
  });
});
