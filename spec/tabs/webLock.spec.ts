import { clockFor } from "../../lib/credential/clock.js";
import { exclusiveTurn, heldLock, type LockManagerLike, type ReleaseLock } from "../../lib/tabs/webLock.js";
import { FakeBrowser } from "../support/fakeTabs.js";
import { advance, settle, useFakeTime } from "../support/fakeTime.js";

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

describe("exclusiveTurn", () => {
  it("C26: steals after stealAfterMs, having left the queue first, so it is granted once", async () => {
    const browser = new FakeBrowser();
    const [wedged, waiter] = [browser.openTab(), browser.openTab()];
    take(heldLock(wedged.locks, "L", false));
    await settle();
    const request = jest.spyOn(waiter.locks, "request");
    const turn = take(exclusiveTurn(waiter.locks, "L", clock, 5_000));
    await advance(4_999);
    expect([turn.release, browser.queuedRequests("L")]).toEqual([undefined, 1]);
    await advance(1);
    expect(browser.lockHolder("L")).toBe(waiter);
    expect(browser.queuedRequests("L")).toBe(0);
    expect(request.mock.calls.map(([, options]) => options)).toEqual([
      { mode: "exclusive", signal: expect.any(AbortSignal) },
      { mode: "exclusive", steal: true },
    ]);
    turn.release?.();
    await settle();
    expect(browser.lockHolder("L")).toBeUndefined();
  });

  it("C26: granted in time, it never steals", async () => {
    const browser = new FakeBrowser();
    const [holder, waiter] = [browser.openTab(), browser.openTab()];
    const held = take(heldLock(holder.locks, "L", false));
    await settle();
    const request = jest.spyOn(waiter.locks, "request");
    const turn = take(exclusiveTurn(waiter.locks, "L", clock, 5_000));
    await advance(4_000);
    held.release?.();
    await advance(10_000);
    expect(turn.release).toBeDefined();
    expect(request).toHaveBeenCalledTimes(1);
    expect(browser.lockHolder("L")).toBe(waiter);
  });
});
