import {
  CommunicationTokenCredential,
  CredentialDisposedError,
  createRefreshLimiter,
  type AccessToken,
  type CommunicationTokenRefreshOptions,
} from "../../../lib/index.js";
import { advance, settle, track, useFakeTime } from "../../support/fakeTime.js";
import { seededRandom } from "../../support/seededRandom.js";
import { DAY, HOUR, MINUTE, SECOND, START, jwtExpiringAt, jwtValidFor } from "../../support/tokens.js";

/** A token server on fake time: each call answers after `latencyMs` with a token living `lifetimeMs`. */
class TokenServer {
  readonly calls: number[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    private readonly lifetimeMs: number,
    private readonly latencyMs = 100,
  ) {}

  readonly refresher = (): Promise<string> => {
    this.calls.push(Date.now());
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    return new Promise((resolve) =>
      setTimeout(() => {
        this.inFlight--;
        resolve(jwtValidFor(this.lifetimeMs));
      }, this.latencyMs),
    );
  };

  /** The most calls started in any one second (a sliding window). */
  busiestSecond(from = 0): number {
    const times = this.calls.filter((at) => at >= from).sort((a, b) => a - b);
    let most = 0;
    for (let first = 0, last = 0; last < times.length; last++) {
      while ((times[last] as number) - (times[first] as number) >= SECOND) first++;
      most = Math.max(most, last - first + 1);
    }
    return most;
  }
}

// Thousands of credentials on virtual time take a few seconds of real time; a busy machine must not
// turn that into a failure, so these tests get a generous limit.
const MANY = 60_000;

describe("many credentials in one process", () => {
  let credentials: CommunicationTokenCredential[] = [];
  beforeEach(useFakeTime);
  afterEach(() => {
    credentials.forEach((credential) => credential.dispose());
    credentials = [];
    jest.useRealTimers();
  });
  const create = (options: CommunicationTokenRefreshOptions) => {
    const credential = new CommunicationTokenCredential(options);
    credentials.push(credential);
    return credential;
  };

  describe("C11: proactive refreshes of tokens that expire together are spread", () => {
    it(
      "C11: 5,000 credentials whose tokens expire together never make more than 50 refresher calls in a second",
      async () => {
        const server = new TokenServer(HOUR);
        const expiresAt = START + HOUR;
        const random = seededRandom(7);
        for (let i = 0; i < 5_000; i++) {
          create({
            tokenRefresher: server.refresher,
            token: jwtExpiringAt(expiresAt),
            refreshProactively: true,
            random,
          });
        }
        await advance(HOUR);
        const firstRound = server.calls.filter((at) => at < expiresAt);
        expect(firstRound).toHaveLength(5_000);
        expect(Math.min(...firstRound)).toBeGreaterThanOrEqual(expiresAt - 20 * MINUTE);
        expect(Math.max(...firstRound)).toBeLessThanOrEqual(expiresAt - 10 * MINUTE); // never later
        expect(server.busiestSecond()).toBeLessThanOrEqual(50);
      },
      MANY,
    );

    it("C11: without the spread (every draw the latest moment) they would all call in the same second", async () => {
      const server = new TokenServer(HOUR);
      for (let i = 0; i < 100; i++) {
        create({
          tokenRefresher: server.refresher,
          token: jwtExpiringAt(START + HOUR),
          refreshProactively: true,
          random: () => 1,
        });
      }
      await advance(HOUR);
      expect(server.busiestSecond()).toBe(100);
    });
  });

  describe("C13: a refresher error that says when to retry", () => {
    it("C13: a background retry waits at least retryAfterMs", async () => {
      const calledAt: number[] = [];
      const tokenRefresher = () => {
        calledAt.push(Date.now() - START);
        return calledAt.length === 1
          ? Promise.reject(Object.assign(new Error("429 Too Many Requests"), { retryAfterMs: 30 * SECOND }))
          : Promise.resolve(jwtValidFor(HOUR));
      };
      const credential = create({ tokenRefresher, refreshProactively: true, retry: { jitter: false } });
      const states: unknown[] = [];
      credential.state$.subscribe((state) => state.status === "failed" && states.push(state.retryAt));
      await advance(29 * SECOND);
      expect(calledAt).toEqual([0]); // not retried after the usual 1 s
      expect(states).toEqual([START + 30 * SECOND]);
      await advance(SECOND);
      expect(calledAt).toEqual([0, 30 * SECOND]);
    });
  });

  describe("C23: a refresh limiter shared by many credentials", () => {
    it(
      "C23: 20,000 credentials started together stay within the limits, now and a day later, and every caller gets a valid token",
      async () => {
        const limiter = createRefreshLimiter({ maxConcurrent: 50, perSecond: 100 });
        const server = new TokenServer(DAY, 250);
        const random = seededRandom(11);
        const held = Array.from({ length: 20_000 }, () =>
          create({ tokenRefresher: server.refresher, refreshProactively: true, refreshLimiter: limiter, random }),
        );
        const callers = held.slice(0, 1_000).map((credential) => track(credential.getToken()));
        await advance(5 * MINUTE);
        expect(server.calls).toHaveLength(20_000);
        expect(server.maxInFlight).toBeLessThanOrEqual(50);
        expect(server.busiestSecond()).toBeLessThanOrEqual(100);
        expect(callers.every((caller) => caller.settled && caller.error === undefined)).toBe(true);

        await advance(DAY);
        expect(server.calls.length).toBeGreaterThanOrEqual(40_000);
        expect(server.maxInFlight).toBeLessThanOrEqual(50);
        expect(server.busiestSecond(START + HOUR)).toBeLessThanOrEqual(100);
        const handedOut = await Promise.all(held.map((credential) => credential.getToken()));
        expect(handedOut.every((token: AccessToken) => token.expiresOnTimestamp > Date.now())).toBe(true);
        expect(limiter).toMatchObject({ running: 0, waiting: 0 });
      },
      MANY,
    );

    it("C23: a caller waiting for a token goes before background refreshes, and among those the earliest expiry first", async () => {
      const limiter = createRefreshLimiter({ maxConcurrent: 1, perSecond: 100 });
      const order: string[] = [];
      const named =
        (name: string, busyMs = SECOND) =>
        async () => {
          order.push(name);
          await new Promise((resolve) => setTimeout(resolve, busyMs));
          return jwtValidFor(HOUR);
        };
      // The first holds the only slot for 16 minutes; the next two fall due at 1 and 5 minutes and wait.
      create({
        tokenRefresher: named("first", 16 * MINUTE),
        refreshProactively: true,
        refreshLimiter: limiter,
        refreshTimeoutMs: HOUR,
        hedgeAfterMs: false, // slow on purpose: a hedged second call would only blur the order
      });
      const dueSoon = { refreshProactively: true, refreshLimiter: limiter, random: () => 0 };
      create({ tokenRefresher: named("later expiry"), token: jwtValidFor(25 * MINUTE), ...dueSoon });
      create({ tokenRefresher: named("earlier expiry"), token: jwtValidFor(21 * MINUTE), ...dueSoon });
      await advance(15 * MINUTE);
      expect(limiter.waiting).toBe(2);
      // A caller renewing a token that expires last of all (after a 401, say) still goes first.
      const waiting = create({ tokenRefresher: named("caller"), token: jwtValidFor(HOUR), refreshLimiter: limiter });
      const pending = track(waiting.refresh());
      await advance(MINUTE + 10 * SECOND);
      expect(order).toEqual(["first", "caller", "earlier expiry", "later expiry"]);
      expect(pending.value).toBeDefined();
    });

    it("C23: while waiting for a slot, a caller's abort, dispose and the refresh timeout all still work", async () => {
      const limiter = createRefreshLimiter({ maxConcurrent: 1, perSecond: 100 });
      const blocker = new TokenServer(HOUR, 20 * SECOND);
      create({ tokenRefresher: blocker.refresher, refreshProactively: true, refreshLimiter: limiter });
      await advance(0); // the blocker holds the only slot for 20 s

      const aborted = jest.fn(() => jwtValidFor(HOUR));
      const controller = new AbortController();
      const leaving = track(
        create({ tokenRefresher: aborted, refreshLimiter: limiter }).getToken({ abortSignal: controller.signal }),
      );
      const disposedCredential = create({ tokenRefresher: aborted, refreshLimiter: limiter });
      const disposing = track(disposedCredential.getToken());
      // 5 s timeout, counted from the actual call: 20 s in the queue do not count.
      const slow = new TokenServer(HOUR, 3 * SECOND);
      const patient = track(
        create({ tokenRefresher: slow.refresher, refreshLimiter: limiter, refreshTimeoutMs: 5 * SECOND }).getToken(),
      );
      await advance(SECOND);
      controller.abort();
      disposedCredential.dispose();
      await settle();
      expect(leaving.error).toMatchObject({ name: "AbortError" });
      expect(disposing.error).toBeInstanceOf(CredentialDisposedError);
      await advance(25 * SECOND);
      expect(aborted).not.toHaveBeenCalled();
      expect(patient.value?.expiresOnTimestamp).toBeGreaterThan(Date.now());
      expect(limiter).toMatchObject({ running: 0, waiting: 0 });
    });
  });

  describe("C24: idle credentials cost next to nothing", () => {
    it("C24: 1,000 proactive credentials waiting a day for their refresh share one timer, and state$ subscribers add none", async () => {
      const server = new TokenServer(DAY);
      const held = Array.from({ length: 1_000 }, () =>
        create({ tokenRefresher: server.refresher, token: jwtValidFor(DAY), refreshProactively: true }),
      );
      expect(jest.getTimerCount()).toBe(1);
      const subscriptions = held
        .slice(0, 100)
        .flatMap((credential) => [credential.state$.subscribe(), credential.state$.subscribe()]);
      expect(jest.getTimerCount()).toBe(1);
      await advance(HOUR);
      expect(server.calls).toEqual([]);
      expect(jest.getTimerCount()).toBe(1); // the one process-wide watcher, re-armed each minute
      subscriptions.forEach((subscription) => subscription.unsubscribe());
      held.forEach((credential) => credential.dispose());
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
