import {
  CommunicationTokenCredential,
  CredentialDisposedError,
  type CommunicationTokenRefreshOptions,
  type CredentialState,
} from "../../../lib/index.js";
import { latestInSpread } from "../../support/credentials.js";
import { errorOf } from "../../support/errorOf.js";
import {
  ABSENT,
  acsJwt,
  FakeBroadcastChannel,
  FakeBrowser,
  replaceGlobals,
  tokenMessageFor,
  type FakeTab,
} from "../../support/fakeTabs.js";
import { advance, settle, track, useFakeTime } from "../../support/fakeTime.js";
import { tabRuntime } from "../../../lib/sharing/tabs/tabGlobals.js";
import { ANSWER_SPREAD_MS } from "../../../lib/sharing/tabs/tabShare.js";
import { HOUR, MINUTE, SECOND, START, jwtValidFor } from "../../support/tokens.js";

// C26 through the public class: several credentials, each in a tab of its own of one fake browser.

const NAME = "acs-user-42";
// Long enough for an ask, its wait for answers, a lock's grant and hand-over and a broadcast; far
// shorter than any refresh timeout or token lifetime here, so that the specs do not pin those hops.
const MOMENT = SECOND;
// The wait before a first retry, by default.
const RETRY_DELAY_MS = SECOND;

let browser: FakeBrowser;
const credentials: CommunicationTokenCredential[] = [];

beforeEach(() => {
  useFakeTime();
  browser = new FakeBrowser();
  jest.spyOn(tabRuntime, "isNode").mockReturnValue(false); // Jest runs in Node, where sharing is off
});

afterEach(() => {
  credentials.splice(0).forEach((credential) => credential.dispose());
  expect(browser.errors).toEqual([]); // no message handler threw
  jest.restoreAllMocks();
  jest.useRealTimers();
});

/**
 * The app's token endpoint, as every tab's refresher reaches it: each token lives `lifetimeMs` from the
 * moment it is issued, so that tokens issued at different moments differ. `wedgeNextCaller` makes the
 * next tab to call hang for good: that call and every later one of its refresher (a hedged one too)
 * never settle and ignore their abort signal, as in a tab whose network is stuck.
 */
function tokenServer(lifetimeMs = HOUR) {
  const refreshers: jest.Mock<string | Promise<string>, [AbortSignal]>[] = [];
  const issued: string[] = [];
  const server = {
    issued,
    /** The refresher that hangs, once wedgeNextCaller has found its caller. */
    wedged: undefined as jest.Mock<string | Promise<string>, [AbortSignal]> | undefined,
    wedging: false,
    refresher() {
      const refresher = jest.fn((_signal: AbortSignal): string | Promise<string> => {
        if (server.wedging) [server.wedging, server.wedged] = [false, refresher];
        if (server.wedged === refresher) return new Promise<string>(() => {});
        const token = jwtValidFor(lifetimeMs);
        issued.push(token);
        return token;
      });
      refreshers.push(refresher);
      return refresher;
    },
    wedgeNextCaller(): void {
      server.wedging = true;
    },
    /** Refresher calls of every tab together. */
    get calls(): number {
      return refreshers.reduce((sum, refresher) => sum + refresher.mock.calls.length, 0);
    },
  };
  return server;
}

type TokenServer = ReturnType<typeof tokenServer>;

interface SharingTab {
  readonly tab: FakeTab;
  readonly credential: CommunicationTokenCredential;
  readonly refresher: jest.Mock<string | Promise<string>, [AbortSignal]>;
  /** Every token string token$ emitted, in order. */
  readonly tokens: string[];
  readonly states: CredentialState[];
}

/**
 * A new tab with a credential sharing `shareAcrossTabs` (NAME unless the options say otherwise), built
 * while the tab's navigator.locks and BroadcastChannel are the globals, as a page builds it; its app
 * watches token$ and state$.
 */
function openTab(server: TokenServer, options: Partial<CommunicationTokenRefreshOptions> = {}): SharingTab {
  const tab = browser.openTab();
  const refresher = server.refresher();
  const credential = tab.run(
    () =>
      new CommunicationTokenCredential({
        tokenRefresher: refresher,
        shareAcrossTabs: NAME,
        random: latestInSpread,
        ...options,
      }),
  );
  credentials.push(credential);
  const tokens: string[] = [];
  const states: CredentialState[] = [];
  credential.token$.subscribe(({ token }) => tokens.push(token));
  credential.state$.subscribe((state) => states.push(state));
  return { tab, credential, refresher, tokens, states };
}

/** What getToken() resolves with now, or the error it rejects with. */
async function getTokenNow(credential: CommunicationTokenCredential) {
  const outcome = track(credential.getToken());
  await settle();
  return outcome;
}

/** Every tab shows `token` (default: the first tab's last) on token$, state$ (ready) and getToken(), still valid. */
async function expectAllShow(tabs: readonly SharingTab[], token = tabs[0]?.tokens.at(-1)): Promise<void> {
  expect(token).toBeDefined();
  for (const { credential, tokens, states } of tabs) {
    expect(tokens.at(-1)).toBe(token);
    const state = states.at(-1);
    expect(state?.status).toBe("ready");
    expect(state !== undefined && "token" in state ? state.token?.token : undefined).toBe(token);
    const got = await getTokenNow(credential);
    expect(got.value?.token).toBe(token);
    expect(got.value?.expiresOnTimestamp).toBeGreaterThan(Date.now());
  }
}

/** Every tab's getToken() resolves at once with a token still valid. */
async function expectValidTokenIn(tabs: readonly SharingTab[]): Promise<void> {
  for (const { credential } of tabs) {
    const got = await getTokenNow(credential);
    expect(got.error).toBeUndefined();
    expect(got.value?.expiresOnTimestamp).toBeGreaterThan(Date.now());
  }
}

const callsOf = (tabs: readonly SharingTab[]) => tabs.map(({ refresher }) => refresher.mock.calls.length);

describe("C26: shareAcrossTabs", () => {
  describe("one refresh for all tabs", () => {
    it("C26: five tabs refreshing proactively for six hours make about one refresher call per period between them, and all show the same token", async () => {
      const server = tokenServer(HOUR);
      // Spread over the whole window: the earliest tab (0) refreshes 20 minutes before expiry, for all.
      const tabs = [0, 0.25, 0.5, 0.75, 1].map((spread) =>
        openTab(server, { refreshProactively: true, random: () => spread }),
      );
      await advance(MOMENT);
      expect(server.calls).toBe(1);
      await expectAllShow(tabs, server.issued[0]);
      for (let hour = 1; hour <= 6; hour++) {
        await advance(HOUR - (hour === 1 ? MOMENT : 0));
        await expectAllShow(tabs, server.issued.at(-1));
      }
      const periods = (6 * HOUR) / (40 * MINUTE);
      expect(server.calls).toBeGreaterThanOrEqual(periods);
      expect(server.calls).toBeLessThanOrEqual(periods + 1); // five tabs on their own: five times as many
      // Each token a tab holds came from one call, in whichever tab made it: each peer saw it as its own.
      for (const { tokens } of tabs) expect(tokens).toEqual(server.issued);
    });

    it("C26: a tab that opens later takes its peers' token without calling its refresher, and getToken() resolves with it", async () => {
      const server = tokenServer();
      const peers = [openTab(server, { refreshProactively: true }), openTab(server, { refreshProactively: true })];
      await advance(2 * HOUR);
      const callsBefore = server.calls;
      const current = server.issued.at(-1);
      const late = openTab(server);
      const first = track(late.credential.getToken()); // before any peer could answer
      await advance(ANSWER_SPREAD_MS);
      expect(first.value?.token).toBe(current);
      expect(late.refresher).not.toHaveBeenCalled();
      expect(server.calls).toBe(callsBefore); // answering an ask is no refresh
      await expectAllShow([...peers, late], current);
      await advance(MOMENT + MINUTE);
      expect(late.refresher).not.toHaveBeenCalled();
    });

    it("C26: refresh() in one tab (after a 401) makes one refresher call, and every tab's token$ emits its token", async () => {
      const server = tokenServer();
      const tabs = [openTab(server), openTab(server), openTab(server), openTab(server)];
      await advance(MOMENT);
      expect(server.calls).toBe(1);
      const rejected = server.issued[0];
      await advance(5 * MINUTE);
      const renewed = track(tabs[2]!.credential.refresh());
      await advance(MOMENT);
      expect(server.calls).toBe(2);
      const fresh = server.issued[1];
      expect(fresh).not.toBe(rejected);
      expect(renewed.value?.token).toBe(fresh);
      for (const { tokens } of tabs) expect(tokens).toEqual([rejected, fresh]);
      await expectAllShow(tabs, fresh);
    });

    it("C26: refresh() in three tabs at once still makes one refresher call, and all three resolve with its token", async () => {
      const server = tokenServer();
      const tabs = [openTab(server), openTab(server), openTab(server), openTab(server)];
      await advance(MOMENT + 5 * MINUTE);
      expect(server.calls).toBe(1);
      const renewed = tabs.slice(0, 3).map(({ credential }) => track(credential.refresh()));
      await advance(MOMENT);
      expect(server.calls).toBe(2);
      const fresh = server.issued[1];
      expect(renewed.map(({ value }) => value?.token)).toEqual([fresh, fresh, fresh]);
      await expectAllShow(tabs, fresh);
    });
  });

  describe("when the refreshing tab is gone or stuck", () => {
    it("C26: the refreshing tab closes mid-refresh: another tab's refresher is called, and no tab is ever without a valid token", async () => {
      const server = tokenServer();
      const tabs = [0, 1, 2].map(() => openTab(server, { refreshProactively: true }));
      await advance(MOMENT);
      expect(server.calls).toBe(1);
      server.wedgeNextCaller();
      await advance(50 * MINUTE); // every tab's proactive refresh is due now; one holds the lock, and hangs
      const refreshing = tabs.find(({ refresher }) => refresher === server.wedged);
      const remaining = tabs.filter((tab) => tab !== refreshing);
      expect(remaining).toHaveLength(2);
      const callsBefore = callsOf(remaining);
      await advance(5 * SECOND);
      await expectValidTokenIn(remaining);
      expect(callsOf(remaining)).toEqual(callsBefore); // the others wait their turn

      refreshing!.tab.close(); // its lock goes, its channel closes
      refreshing!.credential.dispose();
      await expectValidTokenIn(remaining);
      await advance(MOMENT); // far sooner than the 30 s after which a waiting tab steals the lock
      const calls = callsOf(remaining).map((count, index) => count - callsBefore[index]!);
      expect(calls.sort()).toEqual([0, 1]);
      await expectAllShow(remaining, server.issued.at(-1));
      for (let hour = 1; hour <= 3; hour++) {
        await advance(HOUR);
        await expectAllShow(remaining, server.issued.at(-1));
      }
    });

    it("C26: a refresher that hangs in the tab holding the lock: within refreshTimeoutMs plus the retry delay another tab refreshes, and all get its token", async () => {
      const refreshTimeoutMs = 20 * SECOND;
      const server = tokenServer();
      const options = { refreshProactively: true, refreshTimeoutMs, retry: { initialDelayMs: RETRY_DELAY_MS } };
      const tabs = [0, 1, 2].map(() => openTab(server, options));
      await advance(MOMENT);
      server.wedgeNextCaller();
      await advance(50 * MINUTE);
      const stuck = tabs.find(({ refresher }) => refresher === server.wedged);
      const others = tabs.filter((tab) => tab !== stuck);
      expect(others).toHaveLength(2);
      const callsBefore = callsOf(others);
      // The refreshes fell due within the last moment: until refreshTimeoutMs after, the others wait.
      await advance(refreshTimeoutMs - 2 * MOMENT);
      expect(callsOf(others)).toEqual(callsBefore);
      await advance(2 * MOMENT + RETRY_DELAY_MS);
      const calls = callsOf(others).map((count, index) => count - callsBefore[index]!);
      expect(calls.sort()).toEqual([0, 1]);
      const token = server.issued.at(-1);
      await expectAllShow(others, token);
      // The stuck tab shows the token too; its state is left out: its own timed-out refresh is retried.
      expect(stuck?.tokens.at(-1)).toBe(token);
      expect((await getTokenNow(stuck!.credential)).value?.token).toBe(token);
    });

    it("C26: tabs waiting behind a hung refresher for their first token get one within refreshTimeoutMs plus the retry delay", async () => {
      const refreshTimeoutMs = 20 * SECOND;
      const server = tokenServer();
      server.wedgeNextCaller();
      const tabs = [0, 1, 2].map(() => openTab(server, { refreshTimeoutMs }));
      const waiting = tabs.map(({ credential }) => track(credential.getToken()));
      await advance(MOMENT);
      const others = tabs.filter(({ refresher }) => refresher !== server.wedged);
      expect(others).toHaveLength(2);
      await advance(refreshTimeoutMs - 2 * MOMENT);
      expect(callsOf(others)).toEqual([0, 0]); // waiting for the lock, not refreshing alone
      expect(waiting.map(({ settled }) => settled)).toEqual([false, false, false]);
      await advance(2 * MOMENT + RETRY_DELAY_MS);
      expect(callsOf(others).sort()).toEqual([0, 1]);
      const token = server.issued[0];
      // The hung tab's own getToken() times out as without sharing; the others resolve with the token.
      expect(waiting.filter(({ value }) => value?.token === token)).toHaveLength(2);
      await expectAllShow(tabs, token);
    });
  });

  describe("who shares", () => {
    it("C26: different names do not share: two users' tabs call their own refreshers and hold different tokens", async () => {
      const [alice, bob] = [tokenServer(HOUR), tokenServer(HOUR + MINUTE)];
      const aliceTabs = [
        openTab(alice, { shareAcrossTabs: "acs-alice" }),
        openTab(alice, { shareAcrossTabs: "acs-alice" }),
      ];
      const bobTab = openTab(bob, { shareAcrossTabs: "acs-bob" });
      await advance(MOMENT);
      expect([alice.calls, bob.calls]).toEqual([1, 1]);
      await expectAllShow(aliceTabs, alice.issued[0]);
      await expectAllShow([bobTab], bob.issued[0]);
      expect(alice.issued[0]).not.toBe(bob.issued[0]);
      await advance(5 * MINUTE);
      const renewed = track(bobTab.credential.refresh());
      await advance(MOMENT);
      expect(renewed.value?.token).toBe(bob.issued[1]);
      expect([alice.calls, bob.calls]).toEqual([1, 2]);
      await expectAllShow(aliceTabs, alice.issued[0]);
      expect(bobTab.tokens).toEqual(bob.issued);
    });

    it("C26: without navigator.locks, or without BroadcastChannel, or with this Node's own globals, each credential refreshes on its own", async () => {
      const tab = browser.openTab();
      const environments: Record<string, Record<string, unknown>> = {
        "no navigator.locks": { navigator: { userAgent: "old" }, BroadcastChannel: tab.BroadcastChannel },
        "no navigator": { navigator: ABSENT, BroadcastChannel: tab.BroadcastChannel },
        "no BroadcastChannel": { navigator: { locks: tab.locks }, BroadcastChannel: ABSENT },
        "this Node's BroadcastChannel, no navigator": { navigator: ABSENT },
        "this Node's globals as they are": {},
        "both, the control": { navigator: { locks: tab.locks }, BroadcastChannel: tab.BroadcastChannel },
      };
      const callsIn: Record<string, number> = {};
      for (const [environment, globals] of Object.entries(environments)) {
        const server = tokenServer();
        const restore = replaceGlobals(globals);
        const refreshers = [0, 1, 2].map(() => server.refresher());
        let built: CommunicationTokenCredential[];
        try {
          built = refreshers.map(
            (tokenRefresher) => new CommunicationTokenCredential({ tokenRefresher, shareAcrossTabs: NAME }),
          );
        } finally {
          restore();
        }
        credentials.push(...built);
        const got = built.map((credential) => track(credential.getToken()));
        await advance(MOMENT);
        expect(got.every(({ value }) => value !== undefined && value.expiresOnTimestamp > Date.now())).toBe(true);
        callsIn[environment] = server.calls;
        built.forEach((credential) => credential.dispose());
      }
      // The premise of the last two rows: Node 20 has a BroadcastChannel of its own, and no Web Locks.
      expect(typeof globalThis.BroadcastChannel).toBe("function");
      expect(typeof (globalThis as { navigator?: { locks?: unknown } }).navigator?.locks).toBe("undefined");
      expect(callsIn).toEqual({
        "no navigator.locks": 3,
        "no navigator": 3,
        "no BroadcastChannel": 3,
        "this Node's BroadcastChannel, no navigator": 3,
        "this Node's globals as they are": 3,
        "both, the control": 1, // the fallback above is the missing API's doing
      });
    });
  });

  describe("the option", () => {
    it.each([[""], [42], ["  "], [null]])("C26: shareAcrossTabs %p is a TypeError naming the option", (value) => {
      const error = errorOf(
        () =>
          new CommunicationTokenCredential({
            tokenRefresher: () => jwtValidFor(HOUR),
            shareAcrossTabs: value as string,
          }),
      );
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain("options.shareAcrossTabs must be a non-empty string");
    });

    it("C26: a misspelt shareAccrossTabs is met with a did-you-mean", () => {
      const error = errorOf(
        () =>
          new CommunicationTokenCredential({
            tokenRefresher: () => jwtValidFor(HOUR),
            shareAccrossTabs: NAME,
          } as CommunicationTokenRefreshOptions),
      );
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain("did you mean shareAcrossTabs?");
    });
  });

  describe("dispose and what travels", () => {
    it("C26: a disposed tab neither answers asks nor posts, and ignores the tokens its peers send after", async () => {
      const server = tokenServer();
      const disposed = openTab(server);
      await advance(MOMENT);
      expect(disposed.tokens).toEqual(server.issued);
      disposed.credential.dispose();
      const post = jest.spyOn(FakeBroadcastChannel.prototype, "postMessage");
      const newcomer = openTab(server); // nobody answers its ask: it refreshes on its own
      await advance(MOMENT);
      expect(newcomer.refresher).toHaveBeenCalledTimes(1);
      await advance(5 * MINUTE);
      void newcomer.credential.refresh(); // another token posted to the peers
      await advance(MOMENT);
      const later = openTab(server); // a live peer answers: this one takes the token (the control)
      await advance(MOMENT);
      expect(later.refresher).not.toHaveBeenCalled();
      await expectAllShow([newcomer, later], server.issued.at(-1));
      const senders = post.mock.contexts.map((channel) => (channel as FakeBroadcastChannel).tab);
      expect(senders).not.toContain(disposed.tab);
      expect(senders).toContain(newcomer.tab);
      expect(disposed.tokens).toEqual([server.issued[0]]);
      expect(disposed.states.at(-1)?.status).toBe("disposed");
      await expect(disposed.credential.getToken()).rejects.toBeInstanceOf(CredentialDisposedError);
    });

    it("C26: the channel carries only { type } or { type, token, expiresOnTimestamp, clockOffsetMs }, and storage is never touched", async () => {
      const touched: string[] = [];
      const storages = ["localStorage", "sessionStorage", "indexedDB"];
      const restore = replaceGlobals(Object.fromEntries(storages.map((name) => [name, ABSENT])));
      for (const name of storages) {
        const touch = (): never => {
          touched.push(name);
          throw new DOMException(`${name} is off limits`, "SecurityError");
        };
        Object.defineProperty(globalThis, name, { get: touch, set: touch, configurable: true });
      }
      const post = jest.spyOn(FakeBroadcastChannel.prototype, "postMessage");
      const server = tokenServer();
      try {
        const first = openTab(server, { refreshProactively: true });
        await advance(MOMENT);
        const second = openTab(server, { refreshProactively: true }); // asks; the first answers
        await advance(5 * MINUTE);
        void second.credential.refresh(); // posts its token
        await advance(MOMENT);
        await advance(2 * HOUR); // proactive refreshes, posted
        await expectAllShow([first, second], server.issued.at(-1));
      } finally {
        restore();
      }
      expect(touched).toEqual([]);
      const messages = post.mock.calls.map(([message]) => message as Record<string, unknown>);
      const asks = messages.filter((message) => Object.keys(message).length === 1);
      const tokens = messages.filter((message) => Object.keys(message).length !== 1);
      expect(asks).toEqual([{ type: "rx-communication-common/ask" }, { type: "rx-communication-common/ask" }]);
      expect(tokens.length).toBeGreaterThanOrEqual(4); // the answer, the refresh, two proactive ones
      for (const message of tokens) {
        expect(Object.keys(message).sort()).toEqual(["clockOffsetMs", "expiresOnTimestamp", "token", "type"]);
        expect(message).toEqual({
          type: "rx-communication-common/token",
          token: expect.any(String),
          expiresOnTimestamp: expect.any(Number),
          clockOffsetMs: 0,
        });
        expect(server.issued).toContain(message["token"]);
      }
    });
  });

  describe("whose tokens a tab takes", () => {
    /** A tab whose refresher returns `user`'s ACS-shaped tokens, issued now, living an hour. */
    function acsTab(user = "acs:alice") {
      const issued: string[] = [];
      const tokenRefresher = jest.fn((_signal: AbortSignal) => {
        const token = acsJwt({ user, expiresAt: Date.now() + HOUR });
        issued.push(token);
        return token;
      });
      return { ...openTab(tokenServer(), { tokenRefresher }), tokenRefresher, issued };
    }
    /** A same-origin script's own channel of NAME, in a tab of its own. */
    const hostileChannel = () => new (browser.openTab().BroadcastChannel)(`rx-communication-common:${NAME}`);
    /** A same-origin script holding the lock of NAME until `release()`: every refresh waits for it. */
    async function holdTheLock(): Promise<() => void> {
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      void browser.openTab().locks.request(`rx-communication-common:${NAME}`, () => held);
      await settle();
      return release;
    }
    const later = (hours: number) => Date.now() + hours * HOUR;

    it("C26: a tab holding alice's token ignores a token for another user or another resource, however late it expires", async () => {
      const alice = acsTab();
      await advance(MOMENT);
      const hostile = hostileChannel();
      await advance(MINUTE);
      hostile.postMessage(tokenMessageFor(acsJwt({ user: "acs:mallory", expiresAt: later(2) })));
      hostile.postMessage(tokenMessageFor(acsJwt({ resourceId: "resource-2", expiresAt: later(2) })));
      await settle();
      expect(alice.tokens).toEqual(alice.issued);
      expect((await getTokenNow(alice.credential)).value?.token).toBe(alice.issued[0]);
    });

    it("C26: another user's token does not end alice's refresh while it waits for the lock: her own refresher is called", async () => {
      const alice = acsTab();
      await advance(MOMENT);
      const hostile = hostileChannel();
      const release = await holdTheLock();
      await advance(MINUTE);
      const refreshed = track(alice.credential.refresh());
      await settle();
      hostile.postMessage(tokenMessageFor(acsJwt({ user: "acs:mallory", expiresAt: later(2) })));
      await settle();
      expect(refreshed.settled).toBe(false);
      release();
      await advance(MOMENT);
      expect(alice.tokenRefresher).toHaveBeenCalledTimes(2);
      expect(refreshed.value?.token).toBe(alice.issued[1]);
      expect(alice.tokens).toEqual(alice.issued);
    });

    it("C26: a tab that holds no token yet takes a peer's, whoever it is for (every script of the origin is trusted)", async () => {
      const mallory = acsTab("acs:mallory");
      await advance(MOMENT);
      const newcomer = acsTab();
      await advance(MOMENT);
      expect(newcomer.tokenRefresher).not.toHaveBeenCalled();
      expect(newcomer.tokens).toEqual(mallory.issued);
    });

    it("C26: a token whose clock offset lies more than 5 minutes from the tab's own is ignored; within 5 minutes it is taken", async () => {
      const alice = acsTab();
      await advance(MOMENT);
      const hostile = hostileChannel();
      await advance(15 * MINUTE);
      // An issuer 10 min behind (its iat says so too) would let this token live 10 min longer here.
      const skewed = acsJwt({ issuedAt: Date.now() - 10 * MINUTE, expiresAt: later(1) });
      hostile.postMessage(
        tokenMessageFor(skewed, { clockOffsetMs: -10 * MINUTE, expiresOnTimestamp: later(1) + 10 * MINUTE }),
      );
      await settle();
      expect(alice.tokens).toEqual(alice.issued);
      const close = acsJwt({ issuedAt: Date.now() - 4 * MINUTE, expiresAt: later(1) });
      hostile.postMessage(
        tokenMessageFor(close, { clockOffsetMs: -4 * MINUTE, expiresOnTimestamp: later(1) + 4 * MINUTE }),
      );
      await settle();
      expect(alice.tokens).toEqual([...alice.issued, close]);
    });

    it("C26: a JWT claimed valid beyond 24 hours from now (exp in 2100) is ignored", async () => {
      const alice = acsTab();
      await advance(MOMENT);
      const hostile = hostileChannel();
      await advance(MINUTE);
      hostile.postMessage(tokenMessageFor(acsJwt({ expiresAt: Date.UTC(2100, 0, 1) })));
      hostile.postMessage(tokenMessageFor(acsJwt({ expiresAt: later(25) })));
      await settle();
      expect(alice.tokens).toEqual(alice.issued);
    });

    it("C26: a planted token with a later expiry never keeps out a newer token of the same user, waiting or refreshing", async () => {
      const alice = acsTab();
      await advance(MOMENT);
      const hostile = hostileChannel();
      await advance(MINUTE);
      const planted = acsJwt({ expiresAt: later(23) });
      hostile.postMessage(tokenMessageFor(planted));
      await settle();
      expect(alice.tokens.at(-1)).toBe(planted); // alice's identity, issued later: nothing in a tab can tell
      await advance(MINUTE);
      const newer = acsJwt({ expiresAt: later(1) }); // issued later, expiring 22 hours sooner
      hostile.postMessage(tokenMessageFor(newer));
      await settle();
      expect(alice.tokens.at(-1)).toBe(newer);
      // The same while alice refreshes (a 401 for the planted token): a peer's newer token ends her wait.
      hostile.postMessage(tokenMessageFor(acsJwt({ issuedAt: Date.now() + SECOND, expiresAt: later(23) })));
      await settle();
      const release = await holdTheLock();
      await advance(MINUTE);
      const refreshed = track(alice.credential.refresh());
      await settle();
      const peers = acsJwt({ expiresAt: later(1) });
      hostile.postMessage(tokenMessageFor(peers));
      await settle();
      expect(refreshed.value?.token).toBe(peers);
      release();
      await advance(MOMENT);
      expect(alice.tokenRefresher).toHaveBeenCalledTimes(1);
    });

    it("C26: forged tokens each 4 minutes further off cannot walk the 5-minute offset cap away: a real token is still taken", async () => {
      const alice = acsTab();
      await advance(MOMENT);
      const hostile = hostileChannel();
      await advance(MINUTE);
      // Each alone lies within 5 minutes of the one before: 30 of them would walk a cap judged against
      // the last token taken to 120 minutes.
      for (let step = 1; step <= 30; step += 1) {
        const offset = step * 4 * MINUTE;
        const forged = acsJwt({ issuedAt: Date.now() + offset, expiresAt: later(1) + offset });
        hostile.postMessage(tokenMessageFor(forged, { clockOffsetMs: offset, expiresOnTimestamp: later(1) }));
        await settle();
      }
      expect(alice.tokens).toEqual(alice.issued);
      await advance(MINUTE);
      const real = acsJwt({ expiresAt: later(1) }); // a peer's refresh, issued now on a good clock
      hostile.postMessage(tokenMessageFor(real));
      await settle();
      expect(alice.tokens).toEqual([...alice.issued, real]);
    });

    it("C26: an iat planted ahead, with an offset claimed to match, is ignored and never keeps out a later real token", async () => {
      const alice = acsTab();
      await advance(MOMENT);
      const hostile = hostileChannel();
      await advance(MINUTE);
      const offset = 4 * MINUTE; // within the cap, so only the iat check stands in the way
      const planted = acsJwt({ issuedAt: Date.now() + offset, expiresAt: later(1) + offset });
      hostile.postMessage(tokenMessageFor(planted, { clockOffsetMs: offset, expiresOnTimestamp: later(1) }));
      await settle();
      expect(alice.tokens).toEqual(alice.issued);
      await advance(MINUTE);
      const real = acsJwt({ expiresAt: later(1) }); // issued now: before the planted iat
      hostile.postMessage(tokenMessageFor(real));
      await settle();
      expect(alice.tokens).toEqual([...alice.issued, real]);
    });

    it("C26: a JWT whose exp is in 2100 is ignored even when the message claims it expires in an hour", async () => {
      const alice = acsTab();
      await advance(MOMENT);
      const hostile = hostileChannel();
      await advance(MINUTE);
      const forever = acsJwt({ expiresAt: Date.UTC(2100, 0, 1) });
      hostile.postMessage(tokenMessageFor(forever, { expiresOnTimestamp: later(1) }));
      await settle();
      expect(alice.tokens).toEqual(alice.issued);
    });

    it("C26: an older token a script answers an ask with, claiming 20 hours, does not silence a tab's answer with its newer one", async () => {
      const alice = acsTab();
      await advance(MOMENT);
      const older = acsJwt({ issuedAt: Date.now() - HOUR, expiresAt: later(20) });
      const hostile = hostileChannel();
      hostile.addEventListener("message", ({ data }: { data: unknown }) => {
        if ((data as { type?: unknown }).type === "rx-communication-common/ask")
          hostile.postMessage(tokenMessageFor(older));
      });
      await advance(MINUTE);
      const newcomer = acsTab();
      await advance(MOMENT);
      expect(alice.tokens).toEqual(alice.issued); // alice does not take the older token
      // The newcomer, holding nothing, took the first answer; alice's newer token, answered after, replaces it.
      expect(newcomer.tokens.at(-1)).toBe(alice.issued[0]);
      expect(newcomer.tokenRefresher).not.toHaveBeenCalled();
    });

    it("C26: the tab's own refresher result wins over a peer's token issued no later, however late that expires", async () => {
      const alice = acsTab();
      await advance(MOMENT);
      const own = alice.issued[0] as string;
      const hostile = hostileChannel();
      await advance(MINUTE);
      const issuedAt = START; // when alice's own token was issued
      hostile.postMessage(tokenMessageFor(acsJwt({ issuedAt, expiresAt: later(3) })));
      hostile.postMessage(tokenMessageFor(acsJwt({ issuedAt: issuedAt - MINUTE, expiresAt: later(3) })));
      await settle();
      expect(alice.tokens).toEqual([own]);
    });
  });
});
