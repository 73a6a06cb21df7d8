import {
  CommunicationTokenCredential,
  InvalidTokenError,
  RefreshTimeoutError,
  TokenExpiredError,
  type AccessToken,
} from "../../../lib/index.js";
import { advance, settle, track, useFakeTime } from "../../support/fakeTime.js";
import { manualRefresher } from "../../support/refresher.js";
import { HOUR, MINUTE, SECOND, jwtValidFor } from "../../support/tokens.js";

describe("getToken", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  describe("C3: the hot path", () => {
    it("C3: returns a token with more than 2 minutes left without calling the refresher", async () => {
      const refresher = manualRefresher();
      const initial = jwtValidFor(2 * MINUTE + SECOND);
      const credential = new CommunicationTokenCredential({ tokenRefresher: refresher.fn, token: initial });
      expect((await credential.getToken()).token).toBe(initial);
      expect(refresher.calls).toBe(0);
    });

    it("C3: is a plain resolved promise: it settles after a single microtask", async () => {
      const credential = new CommunicationTokenCredential({
        tokenRefresher: () => jwtValidFor(HOUR),
        token: jwtValidFor(HOUR),
      });
      const outcome = track(credential.getToken());
      await Promise.resolve();
      expect(outcome.settled).toBe(true);
    });
  });

  describe("C3: short-lived tokens", () => {
    it("C3: ten calls a second apart on 90-second tokens make one refresher call, not ten", async () => {
      const tokenRefresher = jest.fn(() => jwtValidFor(90 * SECOND));
      const credential = new CommunicationTokenCredential({ tokenRefresher });
      for (let call = 0; call < 10; call++) {
        expect((await credential.getToken()).expiresOnTimestamp).toBeGreaterThan(Date.now());
        await advance(SECOND);
      }
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
    });

    it("C3: a 90-second token is refreshed on demand once half its life has passed", async () => {
      const tokenRefresher = jest.fn(() => jwtValidFor(90 * SECOND));
      const credential = new CommunicationTokenCredential({ tokenRefresher });
      await credential.getToken();
      await advance(45 * SECOND - 1);
      await credential.getToken();
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
      await advance(1);
      await credential.getToken();
      expect(tokenRefresher).toHaveBeenCalledTimes(2);
    });
  });

  describe("C4: refreshing on demand", () => {
    // The JS SDK refreshes on demand only once the token has expired ("requests new token when token
    // is about to expire" gets the old token at 19 of 20 minutes). We follow .NET and Python: a token
    // with 2 minutes or less left is refreshed first, so no caller starts a call with seconds left.
    it("C4: refreshes a token within 2 minutes of expiry and waits for the new one", async () => {
      const refresher = manualRefresher();
      const credential = new CommunicationTokenCredential({
        tokenRefresher: refresher.fn,
        token: jwtValidFor(2 * MINUTE),
      });
      const pending = track(credential.getToken());
      expect(refresher.calls).toBe(1);
      await settle();
      expect(pending.settled).toBe(false);
      const renewed = jwtValidFor(HOUR);
      refresher.resolveLast(renewed);
      await settle();
      expect(pending.value?.token).toBe(renewed);
    });

    it.each([
      ["no token", () => undefined],
      ["an expired token", () => jwtValidFor(-SECOND)],
    ])("C4: with %s, fetches one", async (_, initialToken) => {
      const renewed = jwtValidFor(HOUR);
      const tokenRefresher = jest.fn(() => renewed);
      const credential = new CommunicationTokenCredential({ tokenRefresher, token: initialToken() });
      expect((await credential.getToken()).token).toBe(renewed);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
    });

    it("C4: while a refresh is in flight, a still-valid token is returned at once (as .NET does)", async () => {
      const refresher = manualRefresher();
      const current = jwtValidFor(90 * SECOND);
      const credential = new CommunicationTokenCredential({ tokenRefresher: refresher.fn, token: current });
      const first = track(credential.getToken());
      const second = track(credential.getToken());
      await settle();
      expect(first.settled).toBe(false);
      expect(second.value?.token).toBe(current);
      expect(refresher.calls).toBe(1);
    });
  });

  describe("C5: one shared refresher call", () => {
    it("C5: 1,000 concurrent getToken calls make exactly one refresher call and share its token", async () => {
      const refresher = manualRefresher();
      const credential = new CommunicationTokenCredential({ tokenRefresher: refresher.fn });
      const calls = Array.from({ length: 1_000 }, () => credential.getToken());
      refresher.resolveLast(jwtValidFor(HOUR));
      const tokens = await Promise.all(calls);
      expect(refresher.calls).toBe(1);
      expect(new Set(tokens.map((token) => token.token)).size).toBe(1);
    });

    it("C5: concurrent callers share one failure, and the next call tries again", async () => {
      const refresher = manualRefresher();
      const credential = new CommunicationTokenCredential({ tokenRefresher: refresher.fn });
      const failure = new Error("token server down");
      const calls = [credential.getToken(), credential.getToken(), credential.refresh()];
      refresher.rejectLast(failure);
      for (const call of calls) await expect(call).rejects.toBe(failure);
      expect(refresher.calls).toBe(1);
      const retry = credential.getToken();
      expect(refresher.calls).toBe(2);
      refresher.resolveLast(jwtValidFor(HOUR));
      await expect(retry).resolves.toBeDefined();
    });

    it("C5: getToken, refresh() and token$ join a proactive refresh in flight", async () => {
      const refresher = manualRefresher();
      const credential = new CommunicationTokenCredential({ tokenRefresher: refresher.fn, refreshProactively: true });
      await advance(0);
      expect(refresher.calls).toBe(1);
      const tokens: AccessToken[] = [];
      const subscription = credential.token$.subscribe((token) => tokens.push(token));
      const calls = [credential.getToken(), credential.refresh()];
      refresher.resolveLast(jwtValidFor(HOUR));
      await Promise.all(calls);
      expect(tokens).toHaveLength(1);
      expect(refresher.calls).toBe(1);
      subscription.unsubscribe();
      credential.dispose();
    });
  });

  describe("C6: what the refresher returns", () => {
    it("C6: an expired result fails with the Azure SDK's message, and the previous token is kept", async () => {
      const current = jwtValidFor(5 * MINUTE);
      const tokenRefresher = jest.fn(() => jwtValidFor(-MINUTE));
      const credential = new CommunicationTokenCredential({ tokenRefresher, token: current });
      const error = await credential.refresh().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenExpiredError);
      expect((error as Error).message).toBe("The token returned from the tokenRefresher is expired.");
      expect((await credential.getToken()).token).toBe(current);
    });

    it("C6: an invalid result fails with InvalidTokenError", async () => {
      const credential = new CommunicationTokenCredential({ tokenRefresher: () => "  " });
      await expect(credential.getToken()).rejects.toBeInstanceOf(InvalidTokenError);
    });

    it("C6: the refresher's own error reaches the caller unchanged, and the next call tries again", async () => {
      class ArithmeticError extends Error {}
      const failure = new ArithmeticError("Refresh token failed");
      const tokenRefresher = jest.fn<string, [AbortSignal]>().mockImplementationOnce(() => {
        throw failure;
      });
      tokenRefresher.mockImplementation(() => jwtValidFor(HOUR));
      const credential = new CommunicationTokenCredential({ tokenRefresher });
      await expect(credential.getToken()).rejects.toBe(failure);
      await expect(credential.getToken()).resolves.toBeDefined();
      expect(tokenRefresher).toHaveBeenCalledTimes(2);
    });
  });

  describe("C7: never an expired token", () => {
    // The JS SDK ("returns expired token when not using a lambda") and .NET
    // ("StaticToken_ReturnsExpiredToken") hand out an expired static token, which the service then
    // rejects with a 401 far from the cause. We reject at once, saying what to do.
    it("C7: an expired static token rejects with TokenExpiredError saying when and what renews tokens", async () => {
      const expiredAt = Date.now() - MINUTE;
      const credential = new CommunicationTokenCredential({ token: "static-secret", expiresOnTimestamp: expiredAt });
      const error = (await credential.getToken().catch((e: unknown) => e)) as TokenExpiredError;
      expect(error).toBeInstanceOf(TokenExpiredError);
      expect(error.message).toContain(new Date(expiredAt).toISOString());
      expect(error.message).toContain("tokenRefresher");
      expect(error.message).not.toContain("static-secret");
      expect(error.expiresOnTimestamp).toBe(expiredAt);
    });

    it("C7: a static token whose expiry was given in seconds is refused with a hint saying so", async () => {
      const inSeconds = Math.floor(Date.now() / 1000) + HOUR / 1000;
      const credential = new CommunicationTokenCredential({ token: "static-secret", expiresOnTimestamp: inSeconds });
      const error = (await credential.getToken().catch((e: unknown) => e)) as TokenExpiredError;
      expect(error).toBeInstanceOf(TokenExpiredError);
      expect(error.message).toMatch(/looks like seconds since the epoch; it must be milliseconds/);
    });

    it("C7: a static token is handed out until the moment it expires, then refused", async () => {
      const credential = new CommunicationTokenCredential(jwtValidFor(MINUTE));
      await advance(MINUTE - 1);
      await expect(credential.getToken()).resolves.toBeDefined();
      await advance(1);
      await expect(credential.getToken()).rejects.toBeInstanceOf(TokenExpiredError);
    });

    it("C7: over two hours of on-demand use with 20-minute tokens, every token handed out is unexpired", async () => {
      const credential = new CommunicationTokenCredential({ tokenRefresher: () => jwtValidFor(20 * MINUTE) });
      for (let elapsed = 0; elapsed < 2 * HOUR; elapsed += 17 * SECOND) {
        const token = await credential.getToken();
        expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());
        await advance(17 * SECOND);
      }
    });
  });

  describe("C8: aborting", () => {
    it("C8: an already-aborted signal rejects at once with its reason, without calling the refresher", async () => {
      const refresher = manualRefresher();
      const credential = new CommunicationTokenCredential({ tokenRefresher: refresher.fn });
      const reason = new Error("user navigated away");
      await expect(credential.getToken({ abortSignal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      expect(refresher.calls).toBe(0);
    });

    it("C8: a caller that aborts rejects at once with an AbortError; the other callers are unaffected", async () => {
      const refresher = manualRefresher();
      const credential = new CommunicationTokenCredential({ tokenRefresher: refresher.fn });
      const controller = new AbortController();
      const leaving = track(credential.getToken({ abortSignal: controller.signal }));
      const staying = track(credential.getToken());
      controller.abort();
      await settle();
      expect(leaving.error).toBeInstanceOf(DOMException);
      expect((leaving.error as DOMException).name).toBe("AbortError");
      expect(refresher.lastSignal.aborted).toBe(false);
      refresher.resolveLast(jwtValidFor(HOUR));
      await settle();
      expect(staying.value).toBeDefined();
      expect(refresher.calls).toBe(1);
    });

    // The JS SDK passes the first caller's signal to the refresher, so that caller's abort cancels
    // everybody's refresh. Ours gets its own signal, aborted only when nobody waits any more.
    it("C8: when the last caller leaves, the refresher's own signal is aborted; a later call starts afresh", async () => {
      const refresher = manualRefresher();
      const credential = new CommunicationTokenCredential({ tokenRefresher: refresher.fn });
      const controllers = [new AbortController(), new AbortController()];
      const calls = controllers.map((controller) => track(credential.getToken({ abortSignal: controller.signal })));
      const firstSignal = refresher.lastSignal;
      controllers[0]?.abort();
      expect(firstSignal.aborted).toBe(false);
      controllers[1]?.abort();
      expect(firstSignal.aborted).toBe(true);
      await settle();
      expect(calls.every((call) => call.error !== undefined)).toBe(true);

      const later = track(credential.getToken()); // the first refresher ignored its signal and still hangs
      expect(refresher.calls).toBe(2);
      refresher.resolveLast(jwtValidFor(HOUR));
      await settle();
      expect(later.value).toBeDefined();
    });

    it("C8: a caller's abort does not cancel a refresh the proactive schedule still wants", async () => {
      const refresher = manualRefresher();
      const credential = new CommunicationTokenCredential({ tokenRefresher: refresher.fn, refreshProactively: true });
      await advance(0);
      const controller = new AbortController();
      const leaving = track(credential.getToken({ abortSignal: controller.signal }));
      controller.abort();
      await settle();
      expect(leaving.error).toBeDefined();
      expect(refresher.lastSignal.aborted).toBe(false);
      refresher.resolveLast(jwtValidFor(HOUR));
      await expect(credential.getToken()).resolves.toBeDefined();
      expect(refresher.calls).toBe(1);
      credential.dispose();
    });
  });

  describe("C9: the refresh timeout", () => {
    it("C9: a refresher that hangs, ignoring its signal, fails with RefreshTimeoutError after refreshTimeoutMs", async () => {
      const refresher = manualRefresher();
      const credential = new CommunicationTokenCredential({
        tokenRefresher: refresher.fn,
        refreshTimeoutMs: 5 * SECOND,
        hedgeAfterMs: false, // one refresher call, whose signal and result the test follows
      });
      const pending = track(credential.getToken());
      await advance(5 * SECOND - 1);
      expect(pending.settled).toBe(false);
      await advance(1);
      expect(pending.error).toBeInstanceOf(RefreshTimeoutError);
      expect(refresher.lastSignal.aborted).toBe(true);
      expect(refresher.lastSignal.reason).toBeInstanceOf(RefreshTimeoutError);
    });

    it("C9: a result arriving after the timeout is ignored", async () => {
      const refresher = manualRefresher();
      const credential = new CommunicationTokenCredential({
        tokenRefresher: refresher.fn,
        refreshTimeoutMs: 5 * SECOND,
        hedgeAfterMs: false, // one refresher call, whose signal and result the test follows
      });
      const states: string[] = [];
      credential.state$.subscribe((state) => states.push(state.status));
      void credential.getToken().catch(() => {});
      await advance(5 * SECOND);
      refresher.resolveLast(jwtValidFor(HOUR));
      await settle();
      expect(states).toEqual(["idle", "refreshing", "failed"]);
      void credential.getToken().catch(() => {});
      expect(refresher.calls).toBe(2);
    });

    it("C9: the default timeout is 30 seconds", async () => {
      const refresher = manualRefresher();
      const credential = new CommunicationTokenCredential({ tokenRefresher: refresher.fn });
      const pending = track(credential.getToken());
      await advance(30 * SECOND);
      expect(pending.error).toBeInstanceOf(RefreshTimeoutError);
    });
  });

  describe("C18: refresh()", () => {
    it("C18: forces a new token even though the current one is valid", async () => {
      const renewed = jwtValidFor(2 * HOUR);
      const tokenRefresher = jest.fn(() => renewed);
      const credential = new CommunicationTokenCredential({ tokenRefresher, token: jwtValidFor(HOUR) });
      expect((await credential.refresh()).token).toBe(renewed);
      expect((await credential.getToken()).token).toBe(renewed);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
    });

    it("C18: joins a refresh already in flight", async () => {
      const refresher = manualRefresher();
      const credential = new CommunicationTokenCredential({ tokenRefresher: refresher.fn });
      const both = [credential.getToken(), credential.refresh()];
      refresher.resolveLast(jwtValidFor(HOUR));
      const [fromGetToken, fromRefresh] = await Promise.all(both);
      expect(fromRefresh).toBe(fromGetToken);
      expect(refresher.calls).toBe(1);
    });

    it("C18: fails like getToken, keeping the valid token", async () => {
      const current = jwtValidFor(HOUR);
      const failure = new Error("401 from the token server");
      const credential = new CommunicationTokenCredential({
        tokenRefresher: () => Promise.reject(failure),
        token: current,
      });
      await expect(credential.refresh()).rejects.toBe(failure);
      expect((await credential.getToken()).token).toBe(current);
    });

    it("C18: a static credential has nothing to renew: refresh() returns its token while valid", async () => {
      const token = jwtValidFor(HOUR);
      const credential = new CommunicationTokenCredential(token);
      expect((await credential.refresh()).token).toBe(token);
      await advance(HOUR);
      await expect(credential.refresh()).rejects.toBeInstanceOf(TokenExpiredError);
    });
  });
});
