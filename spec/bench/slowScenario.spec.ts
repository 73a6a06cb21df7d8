import { NO_FAULTS, startFaultyTokenServer, type FaultyTokenServer } from "../../bench/network/faultyTokenServer.js";
import { SessionRequests } from "../../bench/network/sessionRequests.js";
import { maxRequestsFor, perRefresh, requestsCheck } from "../../bench/network/slowResultTable.js";
import type { SlowPhaseFigures } from "../../bench/network/slowScenario.js";
import { expiryOfJwt } from "../../bench/network/unsignedJwt.js";

/** The pieces of the network soak's slow-server scenario (`npm run soak -- --network --scenario slow`). */
describe("network soak, slow server: counting refreshes and hedges at the server", () => {
  it("counts a request that finds another of its session open as a hedge, any other as a refresh", () => {
    const requests = new SessionRequests();
    const firstOfA = requests.opened("a");
    const hedgeOfA = requests.opened("a");
    const closeB = requests.opened("b");
    firstOfA();
    firstOfA(); // closing twice counts once: "a" still has its hedge open
    requests.opened("a")();
    hedgeOfA();
    closeB();
    requests.opened("a")();

    expect(requests.figures()).toEqual({
      sessions: 2,
      alone: 3,
      overlapping: 2,
      sentOnce: 1,
      sentTwice: 0,
      sentMore: 1,
    });
  });

  describe("the server without faults", () => {
    let server: FaultyTokenServer;
    beforeEach(async () => {
      server = await startFaultyTokenServer({
        seed: 7,
        odds: NO_FAULTS,
        minDelayMs: 150,
        maxDelayMs: 200,
        tokenLifetimeMs: 60 * 60 * 1000,
      });
    });
    afterEach(() => server.close());

    const ask = async (session: string) => {
      const startedAt = performance.now();
      const response = await fetch(`${server.url}?session=${session}`);
      const { token } = (await response.json()) as { token: string };
      return { status: response.status, token, tookMs: performance.now() - startedAt };
    };

    it("answers every request with a token, no sooner than minDelayMs, and counts them by session", async () => {
      const answers = await Promise.all([ask("1"), ask("1"), ask("2")]);
      answers.push(await ask("1"));

      for (const { status, token, tookMs } of answers) {
        expect(status).toBe(200);
        expect(expiryOfJwt(token)).toBeGreaterThan(server.now());
        expect(tookMs).toBeGreaterThanOrEqual(140); // timers may fire a millisecond early against performance.now()
      }
      expect(server.received).toEqual({ token: 4, error500: 0, reset: 0, silent: 0 });
      expect(server.sessionRequests()).toMatchObject({ sessions: 2, alone: 3, overlapping: 1 });
      expect(server.answersPending()).toBe(0);
    });

    it("counts no session for a URL that names none", async () => {
      await fetch(server.url).then((response) => response.text());

      expect(server.received.token).toBe(1);
      expect(server.sessionRequests().sessions).toBe(0);
    });
  });
});

describe("network soak, slow server: the target", () => {
  const phase = (requests: number, refreshes: number): SlowPhaseFigures =>
    ({ requests, bySession: { alone: refreshes } }) as unknown as SlowPhaseFigures;

  it("allows at most 1.1 requests per refresh, in whole requests", () => {
    expect(maxRequestsFor(250)).toBe(275);
    expect(maxRequestsFor(249)).toBe(273);
    expect(requestsCheck(phase(275, 250)).met).toBe(true);
    expect(requestsCheck(phase(276, 250))).toEqual({
      met: false,
      shortfall: "token requests received: 276 > 275 (1.1 × 250 refreshes)",
    });
  });

  it("is missed when no refresh reached the server", () => {
    expect(requestsCheck(phase(0, 0))).toEqual({
      met: false,
      shortfall: "token requests per refresh: no refresh reached the server",
    });
  });

  it("shows requests per refresh rounded down to thousandths", () => {
    expect(perRefresh(275, 250)).toBe("1.100×");
    expect(perRefresh(2_203, 2_000)).toBe("1.101×");
    expect(perRefresh(2_199, 2_000)).toBe("1.099×");
    expect(perRefresh(500, 250)).toBe("2.000×");
    expect(perRefresh(0, 0)).toBe("—");
  });
});
