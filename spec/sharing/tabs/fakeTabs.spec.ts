import { ABSENT, FakeBroadcastChannel, FakeBrowser, replaceGlobals } from "../../support/fakeTabs.js";
import { settle, track, useFakeTime } from "../../support/fakeTime.js";

// The fake browser stands in for Web Locks and BroadcastChannel in the C26 specs: these tests pin down
// that it behaves as the specifications say, so that what passes against it means something.

beforeEach(() => useFakeTime());
afterEach(() => jest.useRealTimers());

/** A lock callback that holds the lock until the test lets go. */
function holder() {
  let release = (): void => {};
  const callback = jest.fn(() => new Promise<void>((resolve) => (release = resolve)));
  return { callback, release: () => release() };
}

describe("the fake Web Locks", () => {
  it("grants an exclusive lock to one request at a time, first come first served, until the callback's promise settles", async () => {
    const browser = new FakeBrowser();
    const [a, b] = [browser.openTab(), browser.openTab()];
    const [first, second] = [holder(), holder()];
    const firstDone = track(a.locks.request("L", { mode: "exclusive" }, first.callback));
    void b.locks.request("L", second.callback);
    expect(first.callback).not.toHaveBeenCalled(); // the grant is a task, never synchronous
    await settle();
    expect(browser.lockHolder("L")).toBe(a);
    expect(second.callback).not.toHaveBeenCalled();
    first.release();
    await settle();
    expect(firstDone.settled).toBe(true);
    expect(second.callback).toHaveBeenCalledTimes(1);
    expect(browser.lockHolder("L")).toBe(b);
  });

  it("drops a queued request whose signal aborts, rejecting it with the signal's reason; a granted one ignores the signal", async () => {
    const browser = new FakeBrowser();
    const tab = browser.openTab();
    const first = holder();
    const firstSignal = new AbortController();
    void tab.locks.request("L", { signal: firstSignal.signal }, first.callback);
    const queued = new AbortController();
    const second = jest.fn();
    const secondDone = track(tab.locks.request("L", { signal: queued.signal }, second));
    await settle();
    queued.abort("no longer needed");
    firstSignal.abort();
    await settle();
    expect(secondDone.error).toBe("no longer needed");
    expect(browser.queuedRequests("L")).toBe(0);
    expect(browser.lockHolder("L")).toBe(tab);
    first.release();
    await settle();
    expect(second).not.toHaveBeenCalled();
  });

  it("steal releases the holder (its request rejects with AbortError) and goes first; the holder's code runs on", async () => {
    const browser = new FakeBrowser();
    const [a, b, c] = [browser.openTab(), browser.openTab(), browser.openTab()];
    const wedged = holder();
    const wedgedDone = track(a.locks.request("L", wedged.callback));
    const waiting = jest.fn();
    void b.locks.request("L", waiting);
    const thief = holder();
    await settle();
    void c.locks.request("L", { steal: true }, thief.callback);
    await settle();
    expect((wedgedDone.error as DOMException).name).toBe("AbortError");
    expect(browser.lockHolder("L")).toBe(c);
    expect(waiting).not.toHaveBeenCalled();
    wedged.release(); // the stolen holder finishing later changes nothing
    await settle();
    expect(browser.lockHolder("L")).toBe(c);
    thief.release();
    await settle();
    expect(waiting).toHaveBeenCalledTimes(1);
  });

  it("ifAvailable gets the lock when it is free, and null at once (no wait, no rejection) when it is not", async () => {
    const browser = new FakeBrowser();
    const tab = browser.openTab();
    const free = jest.fn(() => new Promise(() => {}));
    void tab.locks.request("L", { ifAvailable: true }, free);
    await settle();
    expect(free).toHaveBeenCalledWith({ name: "L", mode: "exclusive" });
    const busy = jest.fn(() => "not granted");
    const outcome = track(tab.locks.request("L", { ifAvailable: true }, busy));
    await settle();
    expect(busy).toHaveBeenCalledWith(null);
    expect(outcome.value).toBe("not granted");
  });

  it("rejects the combinations the specification rejects, and any request from a closed tab", async () => {
    const tab = new FakeBrowser().openTab();
    const noop = () => undefined;
    const signal = new AbortController().signal;
    const names = async (promise: Promise<unknown>) => ((await promise.catch((e: unknown) => e)) as DOMException).name;
    expect(await names(tab.locks.request("L", { steal: true, ifAvailable: true }, noop))).toBe("NotSupportedError");
    expect(await names(tab.locks.request("L", { steal: true, signal }, noop))).toBe("NotSupportedError");
    expect(await names(tab.locks.request("-reserved", noop))).toBe("NotSupportedError");
    tab.close();
    expect(await names(tab.locks.request("L", noop))).toBe("InvalidStateError");
  });

  it("closing a tab releases its locks and drops its queued requests, whose promises never settle", async () => {
    const browser = new FakeBrowser();
    const [a, b] = [browser.openTab(), browser.openTab()];
    const held = holder();
    const heldDone = track(a.locks.request("L", held.callback));
    const queuedDone = track(a.locks.request("M", () => new Promise(() => {})));
    void a.locks.request("M", jest.fn());
    const next = jest.fn();
    void b.locks.request("L", next);
    await settle();
    a.close();
    await settle();
    expect(next).toHaveBeenCalledTimes(1);
    expect(browser.queuedRequests("M")).toBe(0);
    held.release();
    await settle();
    expect([heldDone.settled, queuedDone.settled]).toEqual([false, false]);
  });

  it("query() tells, later, who held and who waited when it was called, each tab by a clientId of its own", async () => {
    const browser = new FakeBrowser();
    const [a, b, c] = [browser.openTab(), browser.openTab(), browser.openTab()];
    expect(new Set([a.clientId, b.clientId, c.clientId]).size).toBe(3);
    const held = holder();
    track(a.locks.request("L", held.callback)); // stolen below: it rejects
    void b.locks.request("L", jest.fn());
    void c.locks.request("M", () => new Promise(() => {}));
    const before = track(c.locks.query());
    expect(before.settled).toBe(false); // an answer is a task, never synchronous
    void c.locks.request("L", { steal: true }, () => new Promise(() => {}));
    const after = track(c.locks.query());
    await settle();
    const info = (name: string, tab: { clientId: string }) => ({ name, mode: "exclusive", clientId: tab.clientId });
    expect(before.value).toEqual({ held: [info("L", a), info("M", c)], pending: [info("L", b)] });
    expect(after.value).toEqual({ held: [info("M", c), info("L", c)], pending: [info("L", b)] });
    a.close();
    await expect(a.locks.query()).rejects.toMatchObject({ name: "InvalidStateError" });
  });
});

describe("the fake BroadcastChannel", () => {
  it("delivers a clone of each message, as a task, to every other open channel of that name, never to itself", async () => {
    const browser = new FakeBrowser();
    const [a, b] = [browser.openTab(), browser.openTab()];
    const sender = new a.BroadcastChannel("C");
    const sameTab = new a.BroadcastChannel("C");
    const otherTab = new b.BroadcastChannel("C");
    const otherName = new b.BroadcastChannel("D");
    const closed = new b.BroadcastChannel("C");
    closed.close();
    const received = new Map<FakeBroadcastChannel, unknown[]>();
    for (const channel of [sender, sameTab, otherTab, otherName, closed]) {
      received.set(channel, []);
      channel.addEventListener("message", ({ data }) => received.get(channel)?.push(data));
    }
    const message = { n: 1 };
    sender.postMessage(message);
    message.n = 2;
    expect(received.get(otherTab)).toEqual([]);
    await settle();
    expect(received.get(sameTab)).toEqual([{ n: 1 }]);
    expect(received.get(otherTab)).toEqual([{ n: 1 }]);
    expect(received.get(otherTab)?.[0]).not.toBe(message);
    expect([received.get(sender), received.get(otherName), received.get(closed)]).toEqual([[], [], []]);
  });

  it("throws InvalidStateError when posting on a closed channel, and DataCloneError for what cannot be cloned", () => {
    const tab = new FakeBrowser().openTab();
    const channel = new tab.BroadcastChannel("C");
    const nameOf = (action: () => void): string => {
      try {
        action();
      } catch (error) {
        return (error as DOMException).name;
      }
      return "no error";
    };
    expect(nameOf(() => channel.postMessage({ f: () => 1 }))).toBe("DataCloneError");
    channel.close();
    expect(nameOf(() => channel.postMessage({}))).toBe("InvalidStateError");
  });

  it("a closed tab's channels are closed and receive nothing", async () => {
    const browser = new FakeBrowser();
    const [a, b] = [browser.openTab(), browser.openTab()];
    const listener = jest.fn();
    new b.BroadcastChannel("C").addEventListener("message", listener);
    const sender = new a.BroadcastChannel("C");
    sender.postMessage("before close");
    b.close();
    await settle();
    expect(listener).not.toHaveBeenCalled();
    expect(browser.channels.size).toBe(1);
  });
});

describe("replaceGlobals", () => {
  it("puts globals in place, removes them with ABSENT, and restores what was there", () => {
    const had = (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel;
    expect(had).toBeDefined();
    const navigatorWasThere = "navigator" in globalThis;
    const restore = replaceGlobals({ BroadcastChannel: ABSENT, navigator: { locks: "fake" } });
    expect("BroadcastChannel" in globalThis).toBe(false);
    expect((globalThis as { navigator?: unknown }).navigator).toEqual({ locks: "fake" });
    restore();
    expect((globalThis as { BroadcastChannel?: unknown }).BroadcastChannel).toBe(had);
    expect("navigator" in globalThis).toBe(navigatorWasThere);
  });
});
