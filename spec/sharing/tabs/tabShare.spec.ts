import { Observable, type Subscriber, type Subscription } from "rxjs";
import { createAccessToken } from "../../../lib/token/accessToken.js";
import { clockFor } from "../../../lib/time/clock.js";
import type { ReceivedToken } from "../../../lib/token/issuerClock.js";
import { tabRuntime } from "../../../lib/sharing/tabs/tabGlobals.js";
import { ANSWER_SPREAD_MS, ASK_WAIT_MS, HAND_OVER_MS, TabShare } from "../../../lib/sharing/tabs/tabShare.js";
import { ABSENT, FakeBroadcastChannel, FakeBrowser, replaceGlobals, type FakeTab } from "../../support/fakeTabs.js";
import { advance, settle, useFakeTime } from "../../support/fakeTime.js";
import { DAY, HOUR, jwtValidFor, MINUTE, SECOND } from "../../support/tokens.js";

const NAME = "acs-user-42";
// The lock and the channel of NAME.
const SHARED = `rx-communication-common:${NAME}`;
const REFRESH_TIMEOUT_MS = 30 * SECOND;
const clock = clockFor(undefined);

let browser: FakeBrowser;

beforeEach(() => {
  useFakeTime();
  browser = new FakeBrowser();
  // Jest runs in Node, where there is no sharing; these tabs are a browser's.
  jest.spyOn(tabRuntime, "isNode").mockReturnValue(false);
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

/**
 * A tab with a TabShare of NAME; it answers asks with `held`, which a test may change, `random` of
 * ANSWER_SPREAD_MS after the ask.
 */
function openTab(held?: ReceivedToken, random = 0.5): TabUnderTest {
  const tab = browser.openTab();
  const peerToken = jest.fn<void, [ReceivedToken]>();
  const under: TabUnderTest = { tab, peerToken, held, share: undefined as unknown as TabShare };
  const hooks = { current: () => under.held, peerToken, random: () => random };
  const share = tab.run(() => TabShare.create(NAME, clock, hooks));
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

  it("C26, C14: a channel that has Node's unref is unref'd, so that it could never keep a process alive", () => {
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

describe("in Node", () => {
  it("C26: there is no share, even with navigator.locks and BroadcastChannel (Node ≥ 24.5), and nothing is asked or locked", async () => {
    jest.mocked(tabRuntime.isNode).mockRestore();
    expect(tabRuntime.isNode()).toBe(true); // Jest runs in Node: the real check
    const tab = browser.openTab();
    const post = jest.spyOn(FakeBroadcastChannel.prototype, "postMessage");
    const share = tab.run(() => TabShare.create(NAME, clock, { current: () => undefined, peerToken: () => {} }));
    expect(share).toBeUndefined();
    await settle();
    expect([post.mock.calls.length, browser.channels.size]).toEqual([0, 0]);
  });

  it("C26: the check is process.versions.node, as Node, Deno and Bun set it; a browser has no process", () => {
    jest.mocked(tabRuntime.isNode).mockRestore();
    const restore = replaceGlobals({ process: ABSENT });
    try {
      expect(tabRuntime.isNode()).toBe(false);
    } finally {
      restore();
    }
    const versionless = replaceGlobals({ process: { versions: {} } });
    try {
      expect(tabRuntime.isNode()).toBe(false);
    } finally {
      versionless();
    }
  });
});

describe("asking the peers", () => {
  it("C26: a tab that opens asks; a peer holding a valid token answers, and the new tab's peerToken gets it", async () => {
    const held = receivedFor(HOUR, 4_000);
    const first = openTab(held);
    const second = openTab();
    await advance(ANSWER_SPREAD_MS);
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
    await advance(ANSWER_SPREAD_MS);
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
    await advance(ANSWER_SPREAD_MS);
    expect(plain(outcome.value)).toEqual(plain(held));
    expect(outcome.done).toBe(true);
    expect(own.counts.calls).toBe(0);
    expect(request).not.toHaveBeenCalled();
  });
  it("C26: once a peer has answered, a refresh right after (a 401) goes for the lock at once", async () => {
    const held = receivedFor(HOUR);
    openTab(held);
    const second = openTab();
    await advance(ANSWER_SPREAD_MS);
    second.held = second.peerToken.mock.calls[0]?.[0]; // the engine adopted the answer
    const own = manualCall();
    refresh(second, own.call$);
    await settle();
    expect(own.counts.calls).toBe(1);
  });
});

describe("answering an ask", () => {
  const tokenMessages = (post: jest.SpyInstance) =>
    post.mock.calls.filter(([message]) => (message as { type: string }).type === "rx-communication-common/token");

  it("C26: a tab answers at a random moment within ANSWER_SPREAD_MS, and not if a peer answered first with as fresh a token", async () => {
    const held = receivedFor(HOUR);
    const peers = [openTab(held, 0.5), openTab(held, 0.1), openTab(held, 0.9)];
    await advance(ANSWER_SPREAD_MS);
    peers.forEach((peer) => peer.peerToken.mockClear()); // the answers to each other's asks
    const post = jest.spyOn(FakeBroadcastChannel.prototype, "postMessage");
    const newcomer = openTab();
    await advance(0.1 * ANSWER_SPREAD_MS);
    expect(tokenMessages(post)).toHaveLength(1); // the second peer's, 2 ms after the ask
    await advance(ANSWER_SPREAD_MS);
    expect(tokenMessages(post)).toHaveLength(1);
    expect(plain(newcomer.peerToken.mock.calls[0]?.[0])).toEqual(plain(held));
    expect(newcomer.peerToken).toHaveBeenCalledTimes(1);
    // They heard it too, but it is the token they hold: nothing new is offered to their credentials.
    expect(peers.map((peer) => peer.peerToken.mock.calls.length)).toEqual([0, 0, 0]);
  });

  it("C26: a tab whose token is fresher than the answer it saw answers all the same", async () => {
    const older = receivedFor(HOUR);
    openTab(older, 0.1);
    const fresher = receivedFor(2 * HOUR);
    openTab(fresher, 0.9);
    await advance(ANSWER_SPREAD_MS);
    const newcomer = openTab();
    await advance(ANSWER_SPREAD_MS);
    expect(newcomer.peerToken.mock.calls.map(([received]) => plain(received))).toEqual([plain(older), plain(fresher)]);
  });

  it("C26: tokens seen before an ask do not keep a tab from answering it: they may never have reached the asking tab", async () => {
    const tabs = [openTab(undefined, 0.1), openTab(undefined, 0.9)];
    await advance(ASK_WAIT_MS);
    const refresher = browser.openTab(); // refreshes, posts its token, and closes
    const token = receivedFor(HOUR);
    new refresher.BroadcastChannel(SHARED).postMessage({
      type: "rx-communication-common/token",
      ...token.token,
      clockOffsetMs: 0,
    });
    await settle();
    tabs.forEach((under) => (under.held = under.peerToken.mock.calls[0]?.[0])); // adopted
    refresher.close();
    const newcomer = openTab();
    await advance(ANSWER_SPREAD_MS);
    expect(newcomer.peerToken).toHaveBeenCalledTimes(1);
    expect(plain(newcomer.peerToken.mock.calls[0]?.[0])).toEqual(plain(token));
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
    await advance(HAND_OVER_MS); // the holder keeps the lock a moment after posting its token
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
    await advance(HAND_OVER_MS); // the holder keeps the lock a moment after posting its token
    expect(browser.lockHolder(SHARED)).toBeUndefined();
  });

  it("C26: three tabs waiting behind a wedged holder: one steals and calls its refresher, and all three get its token", async () => {
    const wedged = openTab();
    const waiters = [openTab(), openTab(), openTab()];
    await advance(ASK_WAIT_MS);
    refresh(wedged, manualCall().call$);
    await settle();
    const calls = waiters.map(() => manualCall());
    const outcomes = waiters.map((under, index) => refresh(under, calls[index]!.call$));
    await advance(REFRESH_TIMEOUT_MS - 1);
    jest.advanceTimersByTime(1); // the three tabs' timers fire together, as tabs run in parallel
    await settle();
    expect(calls.map((call) => call.counts.calls)).toEqual([1, 0, 0]);
    await advance(2 * SECOND); // the thief's refresh takes a while; the others do not steal from it
    const token = receivedFor(HOUR);
    calls[0]!.resolve(token);
    await settle();
    expect(outcomes.map(({ value }) => plain(value))).toEqual(Array(3).fill(plain(token)));
    await advance(REFRESH_TIMEOUT_MS);
    expect(calls.map((call) => call.counts.calls)).toEqual([1, 0, 0]);
  });

  it("C26: a slow, failing token server: a waiting tab never steals from a holder that got the lock late, so one call runs at a time", async () => {
    const tabs = [openTab(), openTab(), openTab()];
    await advance(ASK_WAIT_MS);
    const calls = tabs.map(() => manualCall());
    const outcomes = tabs.map((under, index) => refresh(under, calls[index]!.call$));
    await settle();
    const made = () => calls.map((call) => call.counts.calls);
    expect(made()).toEqual([1, 0, 0]);
    await advance(25 * SECOND);
    calls[0]!.reject(new Error("503"));
    await advance(HAND_OVER_MS); // no token came: the second tab calls
    expect(made()).toEqual([1, 1, 0]);
    await advance(REFRESH_TIMEOUT_MS - 25 * SECOND); // the third tab has waited refreshTimeoutMs
    expect(made()).toEqual([1, 1, 0]);
    expect(browser.lockHolder(SHARED)).toBe(tabs[1]!.tab);
    await advance(20 * SECOND);
    calls[1]!.reject(new Error("503"));
    await advance(HAND_OVER_MS);
    expect(made()).toEqual([1, 1, 1]);
    expect(outcomes.map(({ error }) => (error as Error | undefined)?.message)).toEqual(["503", "503", undefined]);
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
      { ...valid, expiresOnTimestamp: Date.now() + 365 * DAY }, // longer than its JWT's exp allows
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
  it("C26: the holder keeps the lock HAND_OVER_MS after posting its token, so that the token reaches a waiting tab before the lock does", async () => {
    const [holder, waiter] = [openTab(), openTab()];
    await advance(ASK_WAIT_MS);
    const [holderCall, waiterCall] = [manualCall(), manualCall()];
    const held = refresh(holder, holderCall.call$);
    await settle();
    const waiting = refresh(waiter, waiterCall.call$);
    await advance(5 * SECOND);
    const token = receivedFor(HOUR);
    holderCall.resolve(token);
    await settle();
    expect(plain(held.value)).toEqual(plain(token));
    expect(browser.lockHolder(SHARED)).toBe(holder.tab); // still: the message is on its way
    expect(plain(waiting.value)).toEqual(plain(token));
    await advance(HAND_OVER_MS - 1);
    expect(browser.lockHolder(SHARED)).toBe(holder.tab);
    await advance(1);
    expect(browser.lockHolder(SHARED)).toBeUndefined();
    expect(waiterCall.counts.calls).toBe(0);
  });

  it("C26: a holder whose refresh fails lets go at once: the next tab refreshes without waiting", async () => {
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
    expect(waiterCall.counts.calls).toBe(1);
  });
});
