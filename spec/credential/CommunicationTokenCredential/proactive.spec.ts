import { CommunicationTokenCredential, type CredentialState } from "../../../lib/index.js";
import { credentialsOnFakeTime } from "../../support/credentials.js";
import { advance, settle } from "../../support/fakeTime.js";
import { manualRefresher } from "../../support/refresher.js";
import { DAY, HOUR, MINUTE, SECOND, START, jwtExpiringAt, jwtValidFor } from "../../support/tokens.js";

/** A refresher that records when it was called and answers with `answer()`. */
function timedRefresher(answer: () => string | Promise<string>) {
  const calledAt: number[] = [];
  const fn = jest.fn(() => {
    calledAt.push(Date.now() - START);
    return answer();
  });
  return { fn, calledAt };
}

function recordStates(credential: CommunicationTokenCredential): CredentialState[] {
  const states: CredentialState[] = [];
  credential.state$.subscribe((state) => states.push(state));
  return states;
}

describe("proactive refresh", () => {
  const create = credentialsOnFakeTime();

  describe("C11: the schedule", () => {
    it("C11: the first refresh is due 10 minutes before expiry, not a millisecond sooner", async () => {
      const refresher = timedRefresher(() => jwtValidFor(HOUR));
      create({ tokenRefresher: refresher.fn, token: jwtValidFor(HOUR), refreshProactively: true });
      await advance(50 * MINUTE - 1);
      expect(refresher.calledAt).toEqual([]);
      await advance(1);
      expect(refresher.calledAt).toEqual([50 * MINUTE]);
    });

    it("C11: after a refresh, the next one follows the new token's expiry", async () => {
      const refresher = timedRefresher(() => jwtValidFor(HOUR));
      create({ tokenRefresher: refresher.fn, token: jwtValidFor(HOUR), refreshProactively: true });
      await advance(3 * HOUR);
      expect(refresher.calledAt).toEqual([50 * MINUTE, 100 * MINUTE, 150 * MINUTE]);
    });

    // The Azure JS test ("proactively refreshes token when it is about to expire") counts one call in
    // 19 minutes only because its fake clock does not let the refresh settle inside the tick; with
    // refreshes settling on time, the fractional backoff's calls land at 10, 15, 17.5, 18.75 minutes.
    it("C11: a refresher that keeps returning the same 20-minute token is called at half the remaining lifetime", async () => {
      const sameToken = jwtExpiringAt(START + 20 * MINUTE);
      const refresher = timedRefresher(() => sameToken);
      create({ tokenRefresher: refresher.fn, token: sameToken, refreshProactively: true });
      await advance(19 * MINUTE);
      expect(refresher.calledAt).toEqual([10 * MINUTE, 15 * MINUTE, 17.5 * MINUTE, 18.75 * MINUTE]);
    });

    it("C11: no tight loop: calls stay at least a second apart while the token runs out", async () => {
      const sameToken = jwtExpiringAt(START + 20 * MINUTE);
      const refresher = timedRefresher(() => sameToken);
      create({ tokenRefresher: refresher.fn, token: sameToken, refreshProactively: true });
      await advance(20 * MINUTE);
      const gaps = refresher.calledAt.slice(1).map((at, i) => at - (refresher.calledAt[i] ?? 0));
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(SECOND);
      expect(refresher.calledAt.length).toBeLessThanOrEqual(13); // 1 + log2(600 s) + the last second
    });

    it("C11: a refresher that always returns a token with 1.5 s left is called at most once a second", async () => {
      const refresher = timedRefresher(() => jwtValidFor(1_500));
      create({ tokenRefresher: refresher.fn, refreshProactively: true });
      await advance(MINUTE);
      expect(refresher.calledAt.length).toBeLessThanOrEqual(61);
      expect(refresher.calledAt.length).toBeGreaterThanOrEqual(59);
    });

    it("C11: an opaque token with the 10-minute fallback lifetime is refreshed at half-life (5 minutes)", async () => {
      const refresher = timedRefresher(() => "opaque-token");
      create({ tokenRefresher: refresher.fn, token: "opaque-token", refreshProactively: true });
      await advance(4 * MINUTE);
      expect(refresher.calledAt).toEqual([]);
      await advance(61 * SECOND);
      expect(refresher.calledAt).toEqual([5 * MINUTE]);
    });

    it("C11: state$ shows when the next refresh is due, one state per step", async () => {
      const credential = create({
        tokenRefresher: async () => jwtValidFor(HOUR),
        token: jwtValidFor(HOUR),
        refreshProactively: true,
      });
      const states = recordStates(credential);
      await advance(50 * MINUTE);
      expect(states).toEqual([
        { status: "ready", token: expect.anything(), refreshAt: START + 50 * MINUTE },
        { status: "refreshing", token: expect.anything() },
        { status: "ready", token: expect.anything(), refreshAt: START + 100 * MINUTE },
      ]);
    });
  });

  describe("C12: starting without a usable token", () => {
    it.each([
      ["no initial token", () => undefined],
      ["an expired initial token", () => jwtValidFor(-MINUTE)],
    ])("C12: with %s, the refresh starts on the next tick, not synchronously", async (_, initial) => {
      const refresher = manualRefresher();
      create({ tokenRefresher: refresher.fn, token: initial(), refreshProactively: true });
      expect(refresher.calls).toBe(0);
      await advance(0);
      expect(refresher.calls).toBe(1);
    });
  });

  describe("C13: background failures", () => {
    it("C13: a failing background refresh is retried 1 s, 2 s, 4 s … apart, capped at 60 s, and shows on state$", async () => {
      const refresher = timedRefresher(() => Promise.reject(new Error("token server down")));
      const credential = create({ tokenRefresher: refresher.fn, refreshProactively: true, retry: { jitter: false } });
      const states = recordStates(credential);
      await advance(10 * MINUTE);
      expect(refresher.calledAt.slice(0, 9)).toEqual([0, 1, 3, 7, 15, 31, 63, 123, 183].map((s) => s * SECOND));
      expect(states.at(-1)).toMatchObject({ status: "failed", retryAt: expect.any(Number) });
      expect((states.at(-1) as { error: Error }).error.message).toBe("token server down");
    });

    it("C13: a failure never becomes an unhandled rejection or a thrown error", async () => {
      const unhandled = jest.fn();
      process.on("unhandledRejection", unhandled);
      try {
        create({ tokenRefresher: () => Promise.reject(new Error("nope")), refreshProactively: true });
        create({
          tokenRefresher: () => {
            throw new Error("sync nope");
          },
          refreshProactively: true,
          retry: { shouldRetry: () => false },
        });
        await advance(5 * MINUTE);
        await new Promise<void>((resolve) =>
          jest.requireActual<typeof import("node:timers")>("node:timers").setImmediate(resolve),
        );
        expect(unhandled).not.toHaveBeenCalled();
      } finally {
        process.off("unhandledRejection", unhandled);
      }
    });

    it("C13: jitter spreads retries between the initial delay and the doubling cap", async () => {
      const refresher = timedRefresher(() => Promise.reject(new Error("down")));
      create({ tokenRefresher: refresher.fn, refreshProactively: true, random: () => 0.5 });
      await advance(MINUTE);
      // caps 1, 2, 4, 8, 16 s → waits 1, 1.5, 2.5, 4.5, 8.5 s
      expect(refresher.calledAt.slice(0, 6)).toEqual([0, 1_000, 2_500, 5_000, 9_500, 18_000]);
    });

    it("C13: with the default random source, Math.random (looked up at each call) draws the jitter", async () => {
      const random = jest.spyOn(Math, "random").mockReturnValue(0.5);
      try {
        const refresher = timedRefresher(() => Promise.reject(new Error("down")));
        const credential = new CommunicationTokenCredential({ tokenRefresher: refresher.fn, refreshProactively: true });
        await advance(10 * SECOND);
        expect(refresher.calledAt.slice(0, 4)).toEqual([0, 1_000, 2_500, 5_000]);
        credential.dispose();
      } finally {
        random.mockRestore();
      }
    });

    it("C13: shouldRetry(error, attempt) can stop the retries", async () => {
      const shouldRetry = jest.fn((_error: unknown, attempt: number) => attempt < 3);
      const refresher = timedRefresher(() => Promise.reject(new Error("revoked")));
      const credential = create({
        tokenRefresher: refresher.fn,
        refreshProactively: true,
        retry: { shouldRetry, jitter: false },
      });
      const states = recordStates(credential);
      await advance(HOUR);
      expect(refresher.calledAt).toEqual([0, 1_000, 3_000]);
      expect(shouldRetry.mock.calls.map(([, attempt]) => attempt)).toEqual([1, 2, 3]);
      expect(states.at(-1)).toMatchObject({ status: "failed" });
      expect(states.at(-1)).not.toHaveProperty("retryAt");
    });

    it("C13: a throwing shouldRetry stops the retries instead of escaping", async () => {
      const refresher = timedRefresher(() => Promise.reject(new Error("down")));
      create({
        tokenRefresher: refresher.fn,
        refreshProactively: true,
        retry: {
          shouldRetry: () => {
            throw new Error("bug in shouldRetry");
          },
        },
      });
      await advance(HOUR);
      expect(refresher.calledAt).toEqual([0]);
    });

    it("C13: a success after failures resumes the normal schedule", async () => {
      let failuresLeft = 2;
      const refresher = timedRefresher(() =>
        failuresLeft-- > 0 ? Promise.reject(new Error("blip")) : jwtValidFor(HOUR),
      );
      const credential = create({ tokenRefresher: refresher.fn, refreshProactively: true, retry: { jitter: false } });
      const states = recordStates(credential);
      await advance(2 * HOUR);
      expect(refresher.calledAt).toEqual([0, 1_000, 3_000, 3_000 + 50 * MINUTE, 3_000 + 100 * MINUTE]);
      expect(states.at(-1)).toMatchObject({ status: "ready" });
    });

    it("C13: after a success the backoff starts again from 1 s", async () => {
      const outcomes = ["fail", "fail", "ok", "fail", "ok"];
      const refresher = timedRefresher(() =>
        outcomes.shift() === "fail" ? Promise.reject(new Error("blip")) : jwtValidFor(HOUR),
      );
      create({ tokenRefresher: refresher.fn, refreshProactively: true, retry: { jitter: false } });
      await advance(HOUR);
      const renewedAt = 3_000 + 50 * MINUTE;
      expect(refresher.calledAt).toEqual([0, 1_000, 3_000, renewedAt, renewedAt + 1_000]);
    });

    it("C13: retries stop when the demand goes (the last token$ subscriber leaves)", async () => {
      const refresher = timedRefresher(() => Promise.reject(new Error("down")));
      const credential = create({ tokenRefresher: refresher.fn, retry: { jitter: false } });
      const subscription = credential.token$.subscribe();
      await advance(2 * SECOND);
      expect(refresher.calledAt).toEqual([0, 1_000]);
      subscription.unsubscribe();
      await advance(HOUR);
      expect(refresher.calledAt).toEqual([0, 1_000]);
    });
  });

  describe("C14: long waits, clock jumps and wake-ups", () => {
    it("C14: with a 30-day token, no timer exceeds 2^31−1 ms, nothing is refreshed for a day, and the refresh comes 10 minutes before expiry", async () => {
      const setTimeoutSpy = jest.spyOn(globalThis, "setTimeout");
      const refresher = timedRefresher(() => jwtValidFor(30 * DAY));
      create({ tokenRefresher: refresher.fn, token: jwtValidFor(30 * DAY), refreshProactively: true });
      await advance(DAY);
      expect(refresher.calledAt).toEqual([]);
      await advance(29 * DAY - 10 * MINUTE);
      expect(refresher.calledAt).toEqual([30 * DAY - 10 * MINUTE]);
      const delays = setTimeoutSpy.mock.calls.map(([, delay]) => delay ?? 0);
      expect(Math.max(...delays)).toBeLessThanOrEqual(2 ** 31 - 1);
      setTimeoutSpy.mockRestore();
    });

    it("C14: after a wall-clock jump past the due time (sleep and resume), the refresh happens within 60 s", async () => {
      const refresher = timedRefresher(() => jwtValidFor(HOUR));
      create({ tokenRefresher: refresher.fn, token: jwtValidFor(HOUR), refreshProactively: true });
      await advance(MINUTE);
      jest.setSystemTime(Date.now() + 2 * HOUR); // the wall clock jumps; no timer fires
      await advance(60 * SECOND);
      expect(refresher.fn).toHaveBeenCalledTimes(1);
    });

    it("C14: in a browser, the page becoming visible and the network coming back trigger an immediate re-check", async () => {
      const page = Object.assign(new EventTarget(), { visibilityState: "visible" });
      const window = new EventTarget();
      const globals = globalThis as unknown as Record<string, unknown>;
      globals["document"] = page;
      globals["addEventListener"] = window.addEventListener.bind(window);
      globals["removeEventListener"] = window.removeEventListener.bind(window);
      try {
        const refresher = timedRefresher(() => jwtValidFor(HOUR));
        create({ tokenRefresher: refresher.fn, token: jwtValidFor(HOUR), refreshProactively: true });
        await advance(SECOND);
        jest.setSystemTime(Date.now() + 2 * HOUR);
        page.dispatchEvent(new Event("visibilitychange"));
        await settle();
        expect(refresher.fn).toHaveBeenCalledTimes(1);

        jest.setSystemTime(Date.now() + 2 * HOUR);
        window.dispatchEvent(new Event("online"));
        await settle();
        expect(refresher.fn).toHaveBeenCalledTimes(2);
      } finally {
        delete globals["document"];
        delete globals["addEventListener"];
        delete globals["removeEventListener"];
      }
    });
  });

  describe("C15: token$ subscribers keep the token fresh", () => {
    it("C15: while token$ has subscribers the credential refreshes as if refreshProactively were set, and stops when the last leaves", async () => {
      const refresher = timedRefresher(() => jwtValidFor(HOUR));
      const credential = create({ tokenRefresher: refresher.fn, token: jwtValidFor(HOUR) });
      await advance(2 * HOUR);
      expect(refresher.calledAt).toEqual([]); // on demand only: nobody asked

      const first = credential.token$.subscribe();
      const second = credential.token$.subscribe();
      await advance(0);
      expect(refresher.calledAt).toEqual([2 * HOUR]); // the held token had expired: fetched at once
      await advance(50 * MINUTE);
      expect(refresher.calledAt).toEqual([2 * HOUR, 2 * HOUR + 50 * MINUTE]);

      first.unsubscribe();
      await advance(50 * MINUTE);
      expect(refresher.calledAt).toHaveLength(3);
      second.unsubscribe();
      await advance(3 * HOUR);
      expect(refresher.calledAt).toHaveLength(3);
    });
  });
});
