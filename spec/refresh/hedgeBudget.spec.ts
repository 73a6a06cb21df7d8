import { CommunicationTokenCredential } from "../../lib/index.js";
import { clockFor } from "../../lib/time/clock.js";
import { HedgeBudget } from "../../lib/refresh/hedgeBudget.js";
import { advance, track, useFakeTime } from "../support/fakeTime.js";
import { HOUR, MINUTE, SECOND, jwtValidFor } from "../support/tokens.js";

// C29: hedged calls come out of one allowance per process: at most a tenth of the refresher calls of
// the last minute (one a minute always), so that a token server slow for everyone does not see every
// refresh twice.

describe("C29: the hedge allowance", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  it("C29: one hedge a minute whatever the calls; beyond that, a tenth of the calls of the last minute", async () => {
    const budget = new HedgeBudget(clockFor(undefined));
    budget.callStarted();
    expect(budget.tryHedge()).toBe(true);
    expect(budget.tryHedge()).toBe(false);
    for (let call = 0; call < 29; call++) budget.callStarted(); // 30 calls: 3 hedges
    expect([budget.tryHedge(), budget.tryHedge(), budget.tryHedge()]).toEqual([true, true, false]);
    await advance(MINUTE - SECOND);
    expect(budget.tryHedge()).toBe(false); // the minute is not over
    await advance(SECOND);
    expect(budget.tryHedge()).toBe(true); // the calls and hedges of that minute have left the window
    expect(budget.tryHedge()).toBe(false);
  });

  it("C29: a clock that goes back a little counts into the latest second, never reopening older ones", async () => {
    const budget = new HedgeBudget(clockFor(undefined));
    budget.callStarted();
    expect(budget.tryHedge()).toBe(true);
    jest.setSystemTime(Date.now() - 10 * SECOND);
    expect(budget.tryHedge()).toBe(false);
    jest.setSystemTime(Date.now() + 10 * SECOND + MINUTE - SECOND);
    expect(budget.tryHedge()).toBe(false); // the hedge still counts until a minute after it was made
  });

  it("C29: a clock that goes back further than the window starts a new one: one hedge a minute still holds", async () => {
    const budget = new HedgeBudget(clockFor(undefined));
    budget.callStarted();
    expect(budget.tryHedge()).toBe(true);
    jest.setSystemTime(Date.now() - HOUR);
    expect(budget.tryHedge()).toBe(true);
    expect(budget.tryHedge()).toBe(false);
    await advance(MINUTE);
    expect(budget.tryHedge()).toBe(true);
  });

  it("C29: 100 credentials refreshing against a server that answers everyone after 5 s make at most 110 calls", async () => {
    const calls: number[] = [];
    const tokenRefresher = () => {
      calls.push(Date.now());
      return new Promise<string>((resolve) => setTimeout(() => resolve(jwtValidFor(HOUR)), 5 * SECOND));
    };
    const credentials = Array.from({ length: 100 }, () => new CommunicationTokenCredential({ tokenRefresher }));
    const callers = credentials.map((credential) => track(credential.getToken()));
    await advance(10 * SECOND);
    expect(callers.every(({ value }) => value !== undefined)).toBe(true);
    expect(calls.length).toBeGreaterThan(100); // hedging is on
    expect(calls.length).toBeLessThanOrEqual(110);
    credentials.forEach((credential) => credential.dispose());
  });
});
