import { clockFor } from "../../../lib/time/clock.js";
import { exclusiveTurn, heldLock, stealTicketName, type LockManagerLike } from "../../../lib/sharing/tabs/webLock.js";
import type { LockTurn, ReleaseLock } from "../../../lib/sharing/tabs/webLock.js";
import { FakeBrowser, type FakeTab } from "../../support/fakeTabs.js";
import { advance, settle, useFakeTime } from "../../support/fakeTime.js";

const clock = clockFor(undefined);

beforeEach(() => useFakeTime());
afterEach(() => jest.useRealTimers());

/** Subscribes, recording the release function and any error. */
function take(source: ReturnType<typeof heldLock>) {
  const outcome: { release?: ReleaseLock; error?: unknown; completed: boolean } = { completed: false };
  const subscription = source.subscribe({
    next: (release) => (outcome.release = release),
    error: (error: unknown) => (outcome.error = error),
    complete: () => (outcome.completed = true),
  });
  return Object.assign(outcome, { subscription });
}

describe("heldLock", () => {
  it("C26: emits a release function once granted and completes; the lock is held until that is called", async () => {
    const browser = new FakeBrowser();
    const tab = browser.openTab();
    const turn = take(heldLock(tab.locks, "L", false));
    expect(turn.release).toBeUndefined();
    await settle();
    expect(turn.completed).toBe(true);
    expect(browser.lockHolder("L")).toBe(tab);
    turn.release?.();
    await settle();
    expect(browser.lockHolder("L")).toBeUndefined();
  });

  it("C26: a stealing request left before its grant lets the lock go at once when granted", async () => {
    const browser = new FakeBrowser();
    const [thief, next] = [browser.openTab(), browser.openTab()];
    take(heldLock(thief.locks, "L", true)).subscription.unsubscribe();
    const waiting = take(heldLock(next.locks, "L", false));
    await settle();
    expect(waiting.release).toBeDefined();
    expect(browser.lockHolder("L")).toBe(next);
  });

  it("C26: losing the lock to a thief is no error; a request refused before its grant is", async () => {
    const browser = new FakeBrowser();
    const [robbed, thief] = [browser.openTab(), browser.openTab()];
    const robbedTurn = take(heldLock(robbed.locks, "L", false));
    await settle();
    take(heldLock(thief.locks, "L", true));
    await settle();
    expect(browser.lockHolder("L")).toBe(thief);
    expect(robbedTurn.error).toBeUndefined();
    const refusing: LockManagerLike = { request: () => Promise.reject(new DOMException("no", "SecurityError")) };
    const refused = take(heldLock(refusing, "L", false));
    await settle();
    expect((refused.error as DOMException).name).toBe("SecurityError");
  });
});

/** Subscribes to an exclusiveTurn, recording the turn and any error. */
function turnOf(source: ReturnType<typeof exclusiveTurn>) {
  const outcome: { turn?: LockTurn; error?: unknown } = {};
  const subscription = source.subscribe({
    next: (turn) => (outcome.turn = turn),
    error: (error: unknown) => (outcome.error = error),
  });
  return Object.assign(outcome, { subscription });
}

/** The options of a tab's requests of lock `name`, in order. */
function requestsOf(request: jest.SpyInstance, name = "L") {
  return request.mock.calls.filter(([requested]) => requested === name).map(([, options]) => options as object);
}

/** The tab's LockManager as a browser without query() has it. */
function withoutQuery(tab: FakeTab): LockManagerLike {
  return { request: (name, options, callback) => tab.locks.request(name, options, callback) };
}

describe("exclusiveTurn", () => {
  it("C26: steals after stealAfterMs from a holder that held on all along, having left the queue first, so it is granted once", async () => {
    const browser = new FakeBrowser();
    const [wedged, waiter] = [browser.openTab(), browser.openTab()];
    take(heldLock(wedged.locks, "L", false));
    await settle();
    const request = jest.spyOn(waiter.locks, "request");
    const turn = turnOf(exclusiveTurn(waiter.locks, "L", clock, 5_000));
    await advance(4_999);
    expect([turn.turn, browser.queuedRequests("L")]).toEqual([undefined, 1]);
    await advance(1);
    expect(browser.lockHolder("L")).toBe(waiter);
    expect(turn.turn?.stolen).toBe(true);
    expect(browser.queuedRequests("L")).toBe(0);
    expect(requestsOf(request)).toEqual([
      { mode: "exclusive", signal: expect.any(AbortSignal) },
      { mode: "exclusive", steal: true },
    ]);
    expect(browser.lockHolder(stealTicketName("L"))).toBeUndefined(); // the ticket is let go at once
    turn.turn?.release();
    await settle();
    expect(browser.lockHolder("L")).toBeUndefined();
  });

  it("C26: granted in time, it never steals", async () => {
    const browser = new FakeBrowser();
    const [holder, waiter] = [browser.openTab(), browser.openTab()];
    const held = take(heldLock(holder.locks, "L", false));
    await settle();
    const request = jest.spyOn(waiter.locks, "request");
    const turn = turnOf(exclusiveTurn(waiter.locks, "L", clock, 5_000));
    await advance(4_000);
    held.release?.();
    await advance(10_000);
    expect(turn.turn?.stolen).toBe(false);
    expect(request).toHaveBeenCalledTimes(1);
    expect(browser.lockHolder("L")).toBe(waiter);
  });

  it("C26: of three tabs waiting behind a wedged holder, one steals; the others see the thief hold the lock and wait", async () => {
    const browser = new FakeBrowser();
    const wedged = browser.openTab();
    take(heldLock(wedged.locks, "L", false));
    await settle();
    const waiters = [browser.openTab(), browser.openTab(), browser.openTab()];
    const requests = waiters.map((tab) => jest.spyOn(tab.locks, "request"));
    const turns = waiters.map((tab) => turnOf(exclusiveTurn(tab.locks, "L", clock, 5_000)));
    await advance(4_999);
    // The three timers fire together, each check starting before any other's query is answered, as in
    // tabs that run in parallel.
    jest.advanceTimersByTime(1);
    await settle();
    const steals = () => requests.flatMap((request) => requestsOf(request)).filter((options) => "steal" in options);
    expect(steals()).toHaveLength(1);
    expect(turns.map(({ turn }) => turn?.stolen)).toEqual([true, undefined, undefined]);
    expect(browser.lockHolder("L")).toBe(waiters[0]);
    expect(browser.queuedRequests("L")).toBe(2);
    await advance(4_999); // the thief has held the lock for 4,999 ms
    expect(steals()).toHaveLength(1);
    turns[0]?.turn?.release();
    await settle();
    expect(turns.map(({ turn }) => turn?.stolen)).toEqual([true, false, undefined]);
  });

  it("C26: a holder that got the lock after the wait began is not stolen from until it has held it for stealAfterMs", async () => {
    const browser = new FakeBrowser();
    const [first, second, waiter] = [browser.openTab(), browser.openTab(), browser.openTab()];
    const firstTurn = take(heldLock(first.locks, "L", false));
    await settle();
    take(heldLock(second.locks, "L", false)); // queued ahead of the waiter
    const turn = turnOf(exclusiveTurn(waiter.locks, "L", clock, 5_000));
    await advance(4_000);
    firstTurn.release?.(); // a slow refresh, not a wedged one: the lock passes on
    await settle();
    expect(browser.lockHolder("L")).toBe(second);
    await advance(1_000); // 5 s after the request: the holder has held the lock for 1 s
    expect([browser.lockHolder("L"), turn.turn]).toEqual([second, undefined]);
    await advance(4_999);
    expect(browser.lockHolder("L")).toBe(second);
    await advance(1); // seen holding it 5 s ago, and it holds it still
    expect(browser.lockHolder("L")).toBe(waiter);
    expect(turn.turn?.stolen).toBe(true);
  });

  it("C26: without query(), or when it fails, the wait runs from the request, as before", async () => {
    for (const locksOf of [withoutQuery, (tab: FakeTab) => failingQuery(tab)]) {
      const browser = new FakeBrowser();
      const [first, second, waiter] = [browser.openTab(), browser.openTab(), browser.openTab()];
      const firstTurn = take(heldLock(first.locks, "L", false));
      await settle();
      take(heldLock(second.locks, "L", false));
      const turn = turnOf(exclusiveTurn(locksOf(waiter), "L", clock, 5_000));
      await advance(4_000);
      firstTurn.release?.();
      await advance(1_000);
      expect(browser.lockHolder("L")).toBe(waiter);
      expect(turn.turn?.stolen).toBe(true);
    }
  });

  it("C26: a lock that nobody holds while this tab is not granted it, at the request and stealAfterMs later, is stolen", async () => {
    const options: object[] = [];
    const stuck: LockManagerLike = {
      // Grants the steal ticket and a stealing request; queues any other request of L for good.
      request: (name, requested, callback) => {
        if (name === "L") options.push(requested);
        const grants = name !== "L" || requested.steal === true;
        return grants ? Promise.resolve().then(() => callback({})) : new Promise(() => {});
      },
      query: () => Promise.resolve({ held: [] }),
    };
    const turn = turnOf(exclusiveTurn(stuck, "L", clock, 5_000));
    await advance(4_999);
    expect(options.filter((requested) => "steal" in requested)).toEqual([]);
    await advance(1);
    expect(turn.turn?.stolen).toBe(true);
  });

  it("C26: leaving while the steal is being decided lets the ticket go and requests nothing more", async () => {
    const browser = new FakeBrowser();
    const [wedged, waiter] = [browser.openTab(), browser.openTab()];
    take(heldLock(wedged.locks, "L", false));
    await settle();
    const request = jest.spyOn(waiter.locks, "request");
    const query = jest.spyOn(waiter.locks, "query");
    const turn = turnOf(exclusiveTurn(waiter.locks, "L", clock, 5_000));
    await advance(4_999);
    jest.advanceTimersByTime(1); // the check starts: the ticket is requested, not yet granted
    expect(requestsOf(request, stealTicketName("L"))).toHaveLength(1);
    turn.subscription.unsubscribe();
    await advance(10_000);
    expect(requestsOf(request)).toHaveLength(1); // never the steal
    expect(browser.lockHolder(stealTicketName("L"))).toBeUndefined();
    expect([browser.queuedRequests("L"), browser.queuedRequests(stealTicketName("L"))]).toEqual([0, 0]);
    expect(query).toHaveBeenCalledTimes(1); // at the request only
  });
});

/** The tab's LockManager, whose query() rejects. */
function failingQuery(tab: FakeTab): LockManagerLike {
  return {
    request: (name, options, callback) => tab.locks.request(name, options, callback),
    query: () => Promise.reject(new DOMException("no", "SecurityError")),
  };
}
