import { map } from "rxjs";
import { CommunicationTokenCredential, type AccessToken, type CredentialState } from "../../../lib/index.js";
import { advance, settle, useFakeTime } from "../../support/fakeTime.js";
import { manualRefresher } from "../../support/refresher.js";
import { HOUR, MINUTE, jwtValidFor } from "../../support/tokens.js";

describe("token$ and state$", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  describe("C16: token$", () => {
    it("C16: emits the cached valid token synchronously on subscribe", () => {
      const token = jwtValidFor(HOUR);
      const credential = new CommunicationTokenCredential({ tokenRefresher: () => jwtValidFor(HOUR), token });
      let received: AccessToken | undefined;
      credential.token$.subscribe((value) => (received = value)).unsubscribe();
      expect(received?.token).toBe(token);
    });

    it("C16: fetches a token when there is none, then emits each new token", async () => {
      const refresher = manualRefresher();
      const credential = new CommunicationTokenCredential({ tokenRefresher: refresher.fn });
      const tokens: string[] = [];
      credential.token$.subscribe(({ token }) => tokens.push(token));
      await advance(0);
      expect(refresher.calls).toBe(1);
      const first = jwtValidFor(HOUR);
      refresher.resolveLast(first);
      await settle();
      const second = jwtValidFor(2 * HOUR);
      void credential.refresh();
      refresher.resolveLast(second);
      await settle();
      expect(tokens).toEqual([first, second]);
      credential.dispose();
    });

    it("C16: never emits an expired token: a held expired token is skipped", () => {
      const credential = new CommunicationTokenCredential({
        tokenRefresher: manualRefresher().fn,
        token: jwtValidFor(-MINUTE),
      });
      const tokens: AccessToken[] = [];
      const subscription = credential.token$.subscribe((token) => tokens.push(token));
      expect(tokens).toEqual([]);
      subscription.unsubscribe();
    });

    it("C16: never errors, however the refresher fails, and completes on dispose", async () => {
      const credential = new CommunicationTokenCredential({ tokenRefresher: () => Promise.reject(new Error("down")) });
      const observer = { next: jest.fn(), error: jest.fn(), complete: jest.fn() };
      credential.token$.subscribe(observer);
      await advance(10 * MINUTE);
      expect(observer.error).not.toHaveBeenCalled();
      credential.dispose();
      expect(observer.complete).toHaveBeenCalledTimes(1);
      expect(observer.error).not.toHaveBeenCalled();
    });

    it("C16: a subscriber after dispose completes at once", () => {
      const credential = new CommunicationTokenCredential(jwtValidFor(HOUR));
      credential.dispose();
      const complete = jest.fn();
      credential.token$.subscribe({ complete });
      expect(complete).toHaveBeenCalledTimes(1);
    });

    it("C16: a static credential's token$ emits its token while valid", () => {
      const token = jwtValidFor(HOUR);
      const credential = new CommunicationTokenCredential(token);
      const next = jest.fn();
      credential.token$.subscribe(next);
      expect(next).toHaveBeenCalledWith(expect.objectContaining({ token }));
      credential.dispose();
    });
  });

  describe("C17: state$", () => {
    it("C17: emits synchronously on subscribe (so Angular's toSignal requireSync works)", () => {
      const credential = new CommunicationTokenCredential({ tokenRefresher: () => jwtValidFor(HOUR) });
      let first: CredentialState | undefined;
      credential.state$.subscribe((state) => (first ??= state)).unsubscribe();
      expect(first).toEqual({ status: "idle" });
    });

    it("C17: goes idle → refreshing → ready, and failed with the error, keeping a valid token", async () => {
      const refresher = manualRefresher();
      const credential = new CommunicationTokenCredential({ tokenRefresher: refresher.fn });
      const states: CredentialState[] = [];
      credential.state$.subscribe((state) => states.push(state));
      const token = jwtValidFor(HOUR);
      const first = credential.getToken();
      refresher.resolveLast(token);
      await first;
      const failure = new Error("down");
      const second = credential.refresh();
      refresher.rejectLast(failure);
      await second.catch(() => {});
      expect(states.map((state) => state.status)).toEqual(["idle", "refreshing", "ready", "refreshing", "failed"]);
      expect(states[2]).toMatchObject({ status: "ready", token: { token } });
      expect(states[3]).toMatchObject({ status: "refreshing", token: { token } });
      expect(states[4]).toEqual({ status: "failed", error: failure, token: expect.objectContaining({ token }) });
    });

    it("C17: when a subscriber reacts to a state by causing the next, every subscriber sees the states in order", async () => {
      const refresher = manualRefresher();
      const credential = new CommunicationTokenCredential({ tokenRefresher: refresher.fn });
      const first: string[] = [];
      const second: string[] = [];
      credential.state$.subscribe((state) => {
        first.push(state.status);
        if (state.status === "failed" && first.filter((status) => status === "failed").length === 1) {
          void credential.refresh().catch(() => {}); // retries at once, from inside the emission
        }
      });
      credential.state$.subscribe((state) => second.push(state.status));
      void credential.getToken().catch(() => {});
      refresher.rejectLast(new Error("down"));
      await settle();
      expect(first).toEqual(["idle", "refreshing", "failed", "refreshing"]);
      expect(second).toEqual(first);
      credential.dispose();
    });

    it("C16: a token$ subscriber that refreshes on each token leaves every subscriber holding the newest", async () => {
      let issued = 0;
      const credential = new CommunicationTokenCredential({ tokenRefresher: () => jwtValidFor(HOUR + ++issued) });
      const seenByA: AccessToken[] = [];
      const seenByB: AccessToken[] = [];
      credential.token$.subscribe((token) => {
        seenByA.push(token);
        if (seenByA.length === 1) void credential.refresh(); // rejects this token at once, say after a 401
      });
      credential.token$.subscribe((token) => seenByB.push(token));
      await settle();
      const newest = await credential.getToken();
      expect(seenByA.at(-1)).toBe(newest);
      expect(seenByB.at(-1)).toBe(newest);
      credential.dispose();
    });

    it("C17: a token appears in a state only while valid: at expiry, ready becomes idle", async () => {
      const credential = new CommunicationTokenCredential({
        tokenRefresher: manualRefresher().fn,
        token: jwtValidFor(HOUR),
      });
      const states: CredentialState[] = [];
      credential.state$.subscribe((state) => states.push(state));
      await advance(HOUR - 1);
      expect(states.map((state) => state.status)).toEqual(["ready"]);
      await advance(1);
      expect(states.map((state) => state.status)).toEqual(["ready", "idle"]);
      const late: CredentialState[] = [];
      credential.state$.subscribe((state) => late.push(state));
      expect(late).toEqual([{ status: "idle" }]);
    });

    it("C17: after dispose it emits disposed and completes", () => {
      const credential = new CommunicationTokenCredential(jwtValidFor(HOUR));
      const statuses: string[] = [];
      const complete = jest.fn();
      credential.state$.pipe(map((state) => state.status)).subscribe({ next: (s) => statuses.push(s), complete });
      credential.dispose();
      expect(statuses).toEqual(["ready", "disposed"]);
      expect(complete).toHaveBeenCalledTimes(1);
    });
  });
});
