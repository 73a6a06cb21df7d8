import { Observable, type Subscriber, type Subscription } from "rxjs";
import { createAccessToken } from "../../lib/credential/accessToken.js";
import { clockFor } from "../../lib/credential/clock.js";
import type { ReceivedToken } from "../../lib/credential/issuerClock.js";
import { ASK_WAIT_MS, HAND_OVER_MS, TabShare } from "../../lib/tabs/tabShare.js";
import { ABSENT, FakeBroadcastChannel, FakeBrowser, replaceGlobals, type FakeTab } from "../support/fakeTabs.js";
import { advance, settle, useFakeTime } from "../support/fakeTime.js";
import { HOUR, jwtValidFor, MINUTE, SECOND } from "../support/tokens.js";

const NAME = "acs-user-42";
// The lock and the channel of NAME.
const SHARED = `rx-communication-common:${NAME}`;
const REFRESH_TIMEOUT_MS = 30 * SECOND;
const clock = clockFor(undefined);

let browser: FakeBrowser;

beforeEach(() => {
  useFakeTime();
  browser = new FakeBrowser();
});

afterEach(() => {
  expect(browser.errors).toEqual([]); // no message handler threw
  jest.restoreAllMocks();
  jest.useRealTimers();
});

/** A token that lives `lifetimeMs` from now; different lifetimes give different token strings. */
function receivedFor(lifetimeMs: number, clockOffsetMs = 0): ReceivedToken {
  const now = Date.now();
  return { token: createAccessToken(jwtValidFor(lifetimeMs, now), now + lifetimeMs), clockOffsetMs };
}

/** What a test compares of a token: never the AccessToken object, which redacts itself. */
function plain(received: ReceivedToken | undefined) {
  return received && { ...received.token, clockOffsetMs: received.clockOffsetMs };
}

interface TabUnderTest {
  readonly tab: FakeTab;
  readonly share: TabShare;
  readonly peerToken: jest.Mock<void, [ReceivedToken]>;
  held: ReceivedToken | undefined;
}

/** A tab with a TabShare of NAME; it answers asks with `held`, which a test may change. */
function openTab(held?: ReceivedToken): TabUnderTest {
  const tab = browser.openTab();
  const peerToken = jest.fn<void, [ReceivedToken]>();
  const under: TabUnderTest = { tab, peerToken, held, share: undefined as unknown as TabShare };
  const share = tab.run(() => TabShare.create(NAME, clock, { current: () => under.held, peerToken }));
  if (share === undefined) throw new Error("TabShare.create gave nothing with both fakes in place");
  return Object.assign(under, { share });
}

/** A tab's own refresher call: counts its calls and cancellations; the test settles it. */
function manualCall() {
  const inFlight: Subscriber<ReceivedToken>[] = [];
  const counts = { calls: 0, cancelled: 0 };
  const call$ = new Observable<ReceivedToken>((subscriber) => {
    counts.calls += 1;
    inFlight.push(subscriber);
    return () => {
      const index = inFlight.indexOf(subscriber);
      if (index < 0) return;
      inFlight.splice(index, 1);
      counts.cancelled += 1;
    };
  });
  const next = (): Subscriber<ReceivedToken> => {
    const subscriber = inFlight.shift();
    if (subscriber === undefined) throw new Error("no call in flight");
    return subscriber;
  };
  return {
    call$,
    counts,
    resolve(received: ReceivedToken): void {
      const subscriber = next();
      subscriber.next(received);
      subscriber.complete();
    },
    reject(error: unknown): void {
      next().error(error);
    },
  };
}

/** Subscribes to one refresh, recording its outcome. */
function refresh(under: TabUnderTest, call$: Observable<ReceivedToken>, held = under.held) {
  const outcome: { value?: ReceivedToken; error?: unknown; done: boolean; subscription?: Subscription } = {
    done: false,
  };
  outcome.subscription = under.share.refreshOnce(call$, held, REFRESH_TIMEOUT_MS).subscribe({
    next: (value) => (outcome.value = value),
    error: (error: unknown) => Object.assign(outcome, { error, done: true }),
    complete: () => (outcome.done = true),
  });
  return outcome;
}

/** A channel of NAME in a tab of its own that posts whatever a test wants, as a hostile or buggy peer would. */
function rawPeer(): FakeBroadcastChannel {
  return new (browser.openTab().BroadcastChannel)(SHARED);
}

describe("TabShare.create", () => {
  it("C26: without Web Locks or BroadcastChannel, or when either refuses, there is no share, and nothing throws", () => {
    const tab = browser.openTab();
    const hooks = { current: () => undefined, peerToken: () => {} };
    const createWith = (globals: Record<string, unknown>) => {
      const restore = replaceGlobals(globals);
      try {
        return TabShare.create(NAME, clock, hooks);
      } finally {
        restore();
      }
    };
    const Channel = tab.BroadcastChannel;
    const throwingNavigator = Object.defineProperty({}, "locks", {
      get: () => {
        throw new DOMException("denied", "SecurityError");
      },
    });
    const ThrowingChannel = class {
      constructor() {
        throw new DOMException("opaque origin", "SecurityError");
      }
    };
    expect(createWith({ navigator: ABSENT, BroadcastChannel: Channel })).toBeUndefined();
    expect(createWith({ navigator: {}, BroadcastChannel: Channel })).toBeUndefined();
    expect(createWith({ navigator: { locks: { request: "no" } }, BroadcastChannel: Channel })).toBeUndefined();
    expect(createWith({ navigator: throwingNavigator, BroadcastChannel: Channel })).toBeUndefined();
    expect(createWith({ navigator: { locks: tab.locks }, BroadcastChannel: ABSENT })).toBeUndefined();
    expect(createWith({ navigator: { locks: tab.locks }, BroadcastChannel: ThrowingChannel })).toBeUndefined();
    // With both in place there is one: the cases above failed for the reason each names.
    expect(createWith({ navigator: { locks: tab.locks }, BroadcastChannel: Channel })).toBeInstanceOf(TabShare);
  });

  it("C26, C14: in Node its channel is unref'd, so that it never keeps the process alive", () => {
    const tab = browser.openTab();
    const unref = jest.fn();
    const NodeLikeChannel = class extends tab.BroadcastChannel {
      unref = unref;
    };
    const restore = replaceGlobals({ navigator: { locks: tab.locks }, BroadcastChannel: NodeLikeChannel });
    try {
      expect(TabShare.create(NAME, clock, { current: () => undefined, peerToken: () => {} })).toBeDefined();
    } finally {
      restore();
    }
    expect(unref).toHaveBeenCalledTimes(1);
  });
});

describe("asking the peers", () => {
  it("C26: a tab that opens asks; a peer holding a valid token answers, and the new tab's peerToken gets it", async () => {
    const held = receivedFor(HOUR, 4_000);
    const first = openTab(held);
    const second = openTab();
    await settle();
    expect(second.peerToken).toHaveBeenCalledTimes(1);
    expect(plain(second.peerToken.mock.calls[0]?.[0])).toEqual(plain(held));
    expect(first.peerToken).not.toHaveBeenCalled(); // the new tab had nothing to send back
  });

  it("C26: a peer without a token, or with an expired one, does not answer", async () => {
    const post = jest.spyOn(FakeBroadcastChannel.prototype, "postMessage");
    const expiring = receivedFor(MINUTE);
    openTab();
    openTab(expiring);
    await advance(MINUTE);
    openTab();
    await settle();
    expect(post.mock.calls.map(([message]) => message)).toEqual(Array(3).fill({ type: "rx-communication-common/ask" }));
  });

  it("C26: a tab's first refresh waits up to ASK_WAIT_MS after opening for its peers, then calls its refresher", async () => {
    const alone = openTab();
    const own = manualCall();
    const outcome = refresh(alone, own.call$);
    await advance(ASK_WAIT_MS - 1);
    expect(own.counts.calls).toBe(0);
    await advance(1);
    expect(own.counts.calls).toBe(1);
    own.resolve(receivedFor(HOUR));
    await settle();
    expect(outcome.done).toBe(true);
  });

  it("C26: a tab's first refresh takes a peer's answer to its ask, and neither locks nor calls its refresher", async () => {
    const held = receivedFor(HOUR);
    openTab(held);
    const second = openTab();
    const request = jest.spyOn(second.tab.locks, "request");
    const own = manualCall();
    const outcome = refresh(second, own.call$);
    await settle();
    expect(plain(outcome.value)).toEqual(plain(held));
    expect(outcome.done).toBe(true);
    expect(own.counts.calls).toBe(0);
    expect(request).not.toHaveBeenCalled();
  });
  it("C26: once a peer has answered, a refresh right after (a 401) goes for the lock at once", async () => {
    const held = receivedFor(HOUR);
    openTab(held);
    const second = openTab();
    await settle();
    second.held = second.peerToken.mock.calls[0]?.[0]; // the engine adopted the answer
    const own = manualCall();
    refresh(second, own.call$);
    await settle();
    expect(own.counts.calls).toBe(1);
  });
});

describe("one refresh for all tabs", () => {
  it("C26: when three tabs refresh at once, one calls its refresher and all three get its token", async () => {
    const tabs = [openTab(), openTab(), openTab()];
    const calls = tabs.map(() => manualCall());
    const outcomes = tabs.map((under, index) => refresh(under, calls[index]!.call$));
    await advance(ASK_WAIT_MS);
    expect(calls.map((call) => call.counts.calls)).toEqual([1, 0, 0]);
    expect(browser.queuedRequests(SHARED)).toBe(2);
    const token = receivedFor(HOUR);
    calls[0]!.resolve(token);
    await settle();
    expect(outcomes.map(({ value }) => plain(value))).toEqual(Array(3).fill(plain(token)));
    expect(calls.map((call) => call.counts.calls)).toEqual([1, 0, 0]);
    expect(tabs.map((under) => under.peerToken.mock.calls.length)).toEqual([0, 1, 1]);
    expect(browser.lockHolder(SHARED)).toBeUndefined();
    expect(browser.queuedRequests(SHARED)).toBe(0);
  });

  it("C26: a tab waiting for the lock completes with a peer's new token, leaving the queue, without calling its own", async () => {
    const [holder, waiter] = [openTab(), openTab()];
    await advance(ASK_WAIT_MS);
    const [holderCall, waiterCall] = [manualCall(), manualCall()];
    refresh(holder, holderCall.call$);
    await settle();
    const waiting = refresh(waiter, waiterCall.call$);
    await settle();
    expect(browser.queuedRequests(SHARED)).toBe(1);
    const token = receivedFor(HOUR);
    rawPeer().postMessage({ type: "rx-communication-common/token", ...token.token, clockOffsetMs: 0 });
    await settle();
    expect(plain(waiting.value)).toEqual(plain(token));
    expect(browser.queuedRequests(SHARED)).toBe(0);
    // The holder has that token too: its own call is no longer needed, and the lock is free.
    expect(browser.lockHolder(SHARED)).toBeUndefined();
    expect([holderCall.counts.cancelled, waiterCall.counts.calls]).toEqual([1, 0]);
  });

  it("C26: the token being replaced, or an older one, does not end the wait; the refreshing tab's token does", async () => {
    const condemned = receivedFor(HOUR); // a 401 came back for it in every tab
    const [holder, waiter] = [openTab(condemned), openTab(condemned)];
    await advance(ASK_WAIT_MS);
    const [holderCall, waiterCall] = [manualCall(), manualCall()];
    refresh(holder, holderCall.call$);
    await settle();
    const waiting = refresh(waiter, waiterCall.call$);
    const peer = rawPeer();
    for (const stale of [condemned, receivedFor(HOUR - MINUTE)]) {
      peer.postMessage({ type: "rx-communication-common/token", ...stale.token, clockOffsetMs: 0 });
    }
    await settle();
    expect(waiting.done).toBe(false);
    const renewed = receivedFor(HOUR + SECOND);
    holderCall.resolve(renewed);
    await settle();
    expect(plain(waiting.value)).toEqual(plain(renewed));
    expect(waiterCall.counts.calls).toBe(0);
  });

  it("C26: a refresh in one tab (after a 401) reaches every peer, and only that tab calls its refresher", async () => {
    const held = receivedFor(HOUR);
    const tabs = [openTab(held), openTab(held), openTab(held)];
    await advance(ASK_WAIT_MS);
    const own = manualCall();
    const outcome = refresh(tabs[1]!, own.call$);
    await settle();
    const renewed = receivedFor(HOUR + SECOND, -2_000);
    own.resolve(renewed);
    await settle();
    expect(plain(outcome.value)).toEqual(plain(renewed));
    for (const under of [tabs[0]!, tabs[2]!]) {
      expect(plain(under.peerToken.mock.calls.at(-1)?.[0])).toEqual(plain(renewed));
    }
  });
});

describe("when the refreshing tab is gone or stuck", () => {
  it("C26: when the lock holder's tab closes mid-refresh, the next waiting tab calls its own refresher", async () => {
    const [holder, waiter] = [openTab(), openTab()];
    await advance(ASK_WAIT_MS);
    const [holderCall, waiterCall] = [manualCall(), manualCall()];
    refresh(holder, holderCall.call$);
    await settle();
    const waiting = refresh(waiter, waiterCall.call$);
    await settle();
    expect(waiterCall.counts.calls).toBe(0);
    holder.tab.close();
    await settle();
    expect(waiterCall.counts.calls).toBe(1);
    expect(browser.lockHolder(SHARED)).toBe(waiter.tab);
    const token = receivedFor(HOUR);
    waiterCall.resolve(token);
    await settle();
    expect(plain(waiting.value)).toEqual(plain(token));
  });

  it("C26: a wedged holder (it never settles, and ignores abort) is stolen from after refreshTimeoutMs", async () => {
    const [wedged, waiter] = [openTab(), openTab()];
    await advance(ASK_WAIT_MS);
    const never = manualCall();
    const stuck = refresh(wedged, never.call$);
    await settle();
    const own = manualCall();
    const waiting = refresh(waiter, own.call$);
    await advance(REFRESH_TIMEOUT_MS - 1);
    expect(own.counts.calls).toBe(0);
    await advance(1);
    expect(own.counts.calls).toBe(1);
    expect(browser.lockHolder(SHARED)).toBe(waiter.tab);
    const token = receivedFor(HOUR);
    own.resolve(token);
    await settle();
    expect(plain(waiting.value)).toEqual(plain(token));
    expect(plain(wedged.peerToken.mock.calls[0]?.[0])).toEqual(plain(token));
    // The stolen-from tab's refresh ends with the stealer's token (its hung call cancelled), rather
    // than timing out and retrying while the others hold a fresh token.
    expect([stuck.done, stuck.error, plain(stuck.value)]).toEqual([true, undefined, plain(token)]);
    expect(never.counts.cancelled).toBe(1);
    expect(browser.lockHolder(SHARED)).toBeUndefined();
  });
});

describe("leaving, failing, and refreshing alone", () => {
  it("C26: unsubscribing while waiting drops the lock request; while calling, cancels the call and releases the lock", async () => {
    const [first, second, third] = [openTab(), openTab(), openTab()];
    await advance(ASK_WAIT_MS);
    const [firstCall, secondCall, thirdCall] = [manualCall(), manualCall(), manualCall()];
    const calling = refresh(first, firstCall.call$);
    await settle();
    const leaving = refresh(second, secondCall.call$);
    refresh(third, thirdCall.call$);
    await settle();
    expect(browser.queuedRequests(SHARED)).toBe(2);
    leaving.subscription?.unsubscribe();
    await settle();
    expect(browser.queuedRequests(SHARED)).toBe(1);
    calling.subscription?.unsubscribe();
    expect(firstCall.counts.cancelled).toBe(1);
    await settle();
    expect(browser.lockHolder(SHARED)).toBe(third.tab);
    expect([secondCall.counts.calls, thirdCall.counts.calls]).toEqual([0, 1]);
  });

  it("C26: an error of the refresher passes through unchanged, and the lock goes to the next tab", async () => {
    const [failing, next] = [openTab(), openTab()];
    await advance(ASK_WAIT_MS);
    const [failingCall, nextCall] = [manualCall(), manualCall()];
    const failed = refresh(failing, failingCall.call$);
    await settle();
    refresh(next, nextCall.call$);
    const error = new Error("token endpoint down");
    failingCall.reject(error);
    await settle();
    expect(failed.error).toBe(error);
    expect(browser.lockHolder(SHARED)).toBe(next.tab);
    expect(nextCall.counts.calls).toBe(1);
  });

  it.each([
    ["rejects", () => Promise.reject(new DOMException("not here", "SecurityError"))],
    [
      "throws",
      () => {
        throw new DOMException("not supported", "NotSupportedError");
      },
    ],
  ])("C26: when the Web Lock request %s, the tab calls its own refresher", async (_, failingRequest) => {
    const alone = openTab();
    jest.spyOn(alone.tab.locks, "request").mockImplementation(failingRequest);
    const own = manualCall();
    const outcome = refresh(alone, own.call$);
    await advance(ASK_WAIT_MS);
    expect(own.counts.calls).toBe(1);
    const token = receivedFor(HOUR);
    own.resolve(token);
    await settle();
    expect(plain(outcome.value)).toEqual(plain(token));
  });
});

describe("the messages", () => {
  it("C26: carry nothing but the ask, or the token, its expiry and the clock offset", async () => {
    const post = jest.spyOn(FakeBroadcastChannel.prototype, "postMessage");
    const withExtras = (received: ReceivedToken): ReceivedToken =>
      Object.assign(
        { ...received, userId: "8:acs:1" },
        { token: Object.assign({ refresh: "secret" }, received.token) },
      );
    const first = openTab(withExtras(receivedFor(HOUR)));
    const second = openTab();
    await advance(ASK_WAIT_MS);
    const own = manualCall();
    refresh(second, own.call$);
    await settle();
    own.resolve(withExtras(receivedFor(2 * HOUR, 1_000)));
    await settle();
    expect(first.peerToken).toHaveBeenCalledTimes(1);
    const messages = post.mock.calls.map(([message]) => message as Record<string, unknown>);
    expect(messages.map((message) => message["type"])).toEqual([
      "rx-communication-common/ask",
      "rx-communication-common/ask",
      "rx-communication-common/token", // the first tab's answer
      "rx-communication-common/token", // the second tab's refresh
    ]);
    expect(messages.slice(0, 2)).toEqual([
      { type: "rx-communication-common/ask" },
      { type: "rx-communication-common/ask" },
    ]);
    for (const message of messages.slice(2)) {
      expect(Object.keys(message).sort()).toEqual(["clockOffsetMs", "expiresOnTimestamp", "token", "type"]);
      expect(Object.getPrototypeOf(message)).toBe(Object.prototype);
    }
  });

  it("C26: malformed messages are ignored: no peerToken, no end to a wait, nothing thrown", async () => {
    const [holder, under] = [openTab(), openTab()];
    await advance(ASK_WAIT_MS);
    const [holderCall, own] = [manualCall(), manualCall()];
    refresh(holder, holderCall.call$);
    await settle();
    const waiting = refresh(under, own.call$);
    const good = receivedFor(HOUR);
    const valid = { type: "rx-communication-common/token", ...good.token, clockOffsetMs: 0 };
    const peer = rawPeer();
    for (const malformed of [
      { ...valid, type: "rx-communication-common/tokens" },
      { ...valid, userId: "8:acs:1" },
      { type: valid.type, token: valid.token, expiresOnTimestamp: valid.expiresOnTimestamp },
      { ...valid, token: 42 },
      { ...valid, token: `Bearer ${valid.token}` },
      { ...valid, expiresOnTimestamp: Date.now() - 1 },
      { ...valid, expiresOnTimestamp: Number.NaN },
      { ...valid, clockOffsetMs: Number.NaN },
      { type: "rx-communication-common/ask", token: valid.token },
      null,
      "rx-communication-common/ask",
      [valid],
    ]) {
      peer.postMessage(malformed);
    }
    await settle();
    expect(under.peerToken).not.toHaveBeenCalled();
    expect(waiting.done).toBe(false);
    peer.postMessage(valid);
    await settle();
    expect(under.peerToken).toHaveBeenCalledTimes(1);
    expect(plain(waiting.value)).toEqual(plain(good));
  });

  it("C26: a peerToken hook that throws neither escapes the message handler nor keeps the token from a waiting refresh", async () => {
    const under = openTab();
    under.peerToken.mockImplementation(() => {
      throw new Error("a bug in the credential");
    });
    const own = manualCall();
    const waiting = refresh(under, own.call$);
    const good = receivedFor(HOUR);
    rawPeer().postMessage({ type: "rx-communication-common/token", ...good.token, clockOffsetMs: 0 });
    await settle();
    expect(under.peerToken).toHaveBeenCalledTimes(1);
    expect(plain(waiting.value)).toEqual(plain(good));
  });

  it("C26: after dispose a tab neither answers nor listens, and its channel is closed", async () => {
    const disposed = openTab(receivedFor(HOUR));
    disposed.share.dispose();
    const newcomer = openTab();
    const peer = rawPeer();
    peer.postMessage({ type: "rx-communication-common/token", ...receivedFor(2 * HOUR).token, clockOffsetMs: 0 });
    await settle();
    expect(newcomer.peerToken).toHaveBeenCalledTimes(1); // the peer's token; the disposed tab sent nothing
    expect(disposed.peerToken).not.toHaveBeenCalled();
    expect([...browser.channels].filter((channel) => channel.tab === disposed.tab)).toEqual([]);
  });

  it("C26: nothing is read from or written to storage or cookies", async () => {
    const touched: string[] = [];
    const watch = (name: string) => ({
      get: () => touched.push(name),
      set: () => touched.push(name),
    });
    const restore = replaceGlobals({
      localStorage: ABSENT,
      sessionStorage: ABSENT,
      indexedDB: ABSENT,
      document: ABSENT,
    });
    for (const name of ["localStorage", "sessionStorage", "indexedDB", "document"]) {
      Object.defineProperty(globalThis, name, { ...watch(name), configurable: true });
    }
    try {
      const [first, second] = [openTab(receivedFor(HOUR)), openTab()];
      await advance(ASK_WAIT_MS);
      const own = manualCall();
      refresh(second, own.call$, first.held);
      await settle();
      own.resolve(receivedFor(2 * HOUR));
      await settle();
      expect(first.peerToken).toHaveBeenCalledTimes(1); // the scenario ran: ask, answer, refresh, broadcast
    } finally {
      restore();
    }
    expect(touched).toEqual([]);
  });
});

describe("the hand-over between holders", () => {
  // Chromium may grant the lock to the next tab before it delivers the message the holder posted just
  // before letting go: here each message is delivered 20 ms late.
  function deliverLate(delayMs: number): void {
    const post = FakeBroadcastChannel.prototype.postMessage;
    jest.spyOn(FakeBroadcastChannel.prototype, "postMessage").mockImplementation(function (
      this: FakeBroadcastChannel,
      message,
    ) {
      setTimeout(() => post.call(this, message), delayMs);
    });
  }

  it("C26: a tab granted the lock after waiting gives the previous holder's token HAND_OVER_MS to arrive, and calls nothing", async () => {
    const [holder, waiter] = [openTab(), openTab()];
    await advance(ASK_WAIT_MS);
    deliverLate(20);
    const [holderCall, waiterCall] = [manualCall(), manualCall()];
    refresh(holder, holderCall.call$);
    await settle();
    const waiting = refresh(waiter, waiterCall.call$);
    await advance(5 * SECOND); // the holder's refresh takes a while
    const token = receivedFor(HOUR);
    holderCall.resolve(token);
    await settle(); // the lock is the waiter's now; the token is still on its way
    expect(browser.lockHolder(SHARED)).toBeDefined();
    expect(waiterCall.counts.calls).toBe(0);
    await advance(20);
    expect(plain(waiting.value)).toEqual(plain(token));
    expect(waiterCall.counts.calls).toBe(0);
    expect(browser.lockHolder(SHARED)).toBeUndefined();
  });

  it("C26: when no token comes within HAND_OVER_MS (the holder failed), the tab refreshes itself", async () => {
    const [holder, waiter] = [openTab(), openTab()];
    await advance(ASK_WAIT_MS);
    const [holderCall, waiterCall] = [manualCall(), manualCall()];
    const failed = refresh(holder, holderCall.call$);
    await settle();
    refresh(waiter, waiterCall.call$);
    await advance(5 * SECOND);
    holderCall.reject(new Error("token server down"));
    await settle();
    expect(failed.error).toEqual(new Error("token server down"));
    await advance(HAND_OVER_MS - 1);
    expect(waiterCall.counts.calls).toBe(0);
    await advance(1);
    expect(waiterCall.counts.calls).toBe(1);
  });
});
