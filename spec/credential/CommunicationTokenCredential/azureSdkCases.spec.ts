/**
 * The test cases of @azure/communication-common (JS, test/public/communicationTokenCredential.spec.ts)
 * and Azure.Communication.Common (.NET, CommunicationTokenCredentialTest.cs), re-expressed against
 * this library. Where our contract deliberately differs, the test asserts our behaviour and says why.
 *
 * The SDK suites tick their fake clocks synchronously, so a refresh started by a timer settles only
 * after the tick; ours advance with advanceTimersByTimeAsync, so refreshes settle on time and some
 * call counts differ for that reason alone (noted where it happens).
 */
import { CredentialDisposedError, TokenExpiredError, type CredentialState } from "../../../lib/index.js";
import { credentialsOnFakeTime } from "../../support/credentials.js";
import { advance, settle, track } from "../../support/fakeTime.js";
import { manualRefresher } from "../../support/refresher.js";
import { MINUTE, OPAQUE_TOKEN, START, jwtExpiringAt, jwtValidFor } from "../../support/tokens.js";

const EXPIRED_MESSAGE = "The token returned from the tokenRefresher is expired.";

describe("Azure SDK test cases", () => {
  const create = credentialsOnFakeTime();

  describe("JS: communicationTokenCredential.spec.ts", () => {
    it("#1 handles valid JWT strings", () => {
      expect(() => create(jwtValidFor(60 * MINUTE))).not.toThrow();
    });

    it("#2 'throws if non-JWT token' — differs: accepted as an opaque token with the 10-minute fallback (JS 2.4.3 work does this for encrypted tokens; we never reject a token format at construction)", async () => {
      const credential = create("IAmNotAToken");
      expect(await credential.getToken()).toEqual({ token: "IAmNotAToken", expiresOnTimestamp: START + 10 * MINUTE });
    });

    it("#3 'throws if non-JWT passed as lambda' — differs: the opaque result is accepted the same way", async () => {
      const credential = create({ tokenRefresher: async () => "IAmNotAToken" });
      expect((await credential.getToken()).expiresOnTimestamp).toBe(START + 10 * MINUTE);
    });

    it("#4 returns token as expected", async () => {
      const token = jwtValidFor(60 * MINUTE);
      expect((await create(token).getToken()).token).toBe(token);
    });

    it("#5 returns token as expected when using lambda (one refresher call)", async () => {
      const token = jwtValidFor(60 * MINUTE);
      const tokenRefresher = jest.fn(async () => token);
      expect((await create({ tokenRefresher }).getToken()).token).toBe(token);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
    });

    it("#6 uses initial token as expected", async () => {
      const initial = jwtValidFor(60 * MINUTE);
      const tokenRefresher = jest.fn(async () => jwtValidFor(120 * MINUTE));
      const credential = create({ tokenRefresher, token: initial, refreshProactively: true });
      expect((await credential.getToken()).token).toBe(initial);
      expect(tokenRefresher).not.toHaveBeenCalled();
    });

    it("#7 no proactive refresh, accepts expired token: nothing is eager", async () => {
      const tokenRefresher = jest.fn(async () => jwtValidFor(-MINUTE));
      create({ tokenRefresher });
      await advance(5 * MINUTE);
      expect(tokenRefresher).not.toHaveBeenCalled();
    });

    it("#8 with proactive refresh, passing an expired token to constructor triggers immediate refresh", async () => {
      const tokenRefresher = jest.fn(async () => jwtValidFor(30 * MINUTE));
      create({ tokenRefresher, token: jwtValidFor(-MINUTE), refreshProactively: true });
      await advance(5 * MINUTE);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
    });

    it("#9 throws if tokenRefresher returns an expired token", async () => {
      const tokenRefresher = jest.fn(async () => jwtValidFor(-MINUTE));
      const credential = create({ tokenRefresher });
      await advance(5 * MINUTE);
      const error = await credential.getToken().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenExpiredError);
      expect((error as Error).message).toBe(EXPIRED_MESSAGE);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
    });

    it("#10 'returns expired token when not using a lambda' — differs: rejects with TokenExpiredError, so the caller learns why instead of getting a 401 later", async () => {
      await expect(create(jwtValidFor(-MINUTE)).getToken()).rejects.toBeInstanceOf(TokenExpiredError);
    });

    it("#11 'passes abortSignal through to tokenRefresher' — differs: the refresher gets the shared refresh's own signal, which aborts when the last caller aborts, so one caller cannot cancel another's refresh", async () => {
      const refresher = manualRefresher();
      const credential = create({ tokenRefresher: refresher.fn });
      const controller = new AbortController();
      void credential.getToken({ abortSignal: controller.signal }).catch(() => {});
      expect(refresher.calls).toBe(1);
      expect(refresher.lastSignal).toBeInstanceOf(AbortSignal);
      expect(refresher.lastSignal).not.toBe(controller.signal);
      controller.abort();
      expect(refresher.lastSignal.aborted).toBe(true);
    });

    it("#12 throws if disposed", async () => {
      const credentials = [
        create(jwtValidFor(60 * MINUTE)),
        create({ tokenRefresher: async () => jwtValidFor(60 * MINUTE) }),
      ];
      for (const credential of credentials) {
        credential.dispose();
        await expect(credential.getToken()).rejects.toBeInstanceOf(CredentialDisposedError);
      }
    });

    it("#13 doesn't swallow error from tokenRefresher", async () => {
      const failure = new Error("No token for you!");
      const credential = create({
        tokenRefresher: () => {
          throw failure;
        },
      });
      await expect(credential.getToken()).rejects.toBe(failure);
    });

    it("#14 'requests new token when token is about to expire' — differs: at 19 of 20 minutes (1 minute left) we refresh first, as .NET and Python do, instead of handing out a token about to die", async () => {
      const t20 = jwtValidFor(20 * MINUTE);
      const t60 = jwtValidFor(60 * MINUTE);
      const tokenRefresher = jest.fn<Promise<string>, []>().mockResolvedValueOnce(t20).mockResolvedValue(t60);
      const credential = create({ tokenRefresher });
      expect((await credential.getToken()).token).toBe(t20);
      await advance(19 * MINUTE);
      expect((await credential.getToken()).token).toBe(t60);
      await advance(5 * MINUTE);
      expect((await credential.getToken()).token).toBe(t60);
      expect(tokenRefresher).toHaveBeenCalledTimes(2);
    });

    it("#15 'proactively refreshes token when it is about to expire' — 4 calls in 19 minutes, not 1: refreshes settle on time, so the fractional backoff runs (10, 15, 17.5, 18.75 min)", async () => {
      const t20 = jwtExpiringAt(START + 20 * MINUTE);
      const tokenRefresher = jest.fn(async () => t20);
      create({ tokenRefresher, token: t20, refreshProactively: true });
      await advance(19 * MINUTE);
      expect(tokenRefresher).toHaveBeenCalledTimes(4);
    });

    it("#16 repeats proactive refreshing: each refresh schedules the next one anew", async () => {
      const t20 = jwtExpiringAt(START + 20 * MINUTE);
      const credential = create({ tokenRefresher: async () => t20, token: t20, refreshProactively: true });
      const refreshAt = () => {
        let state: CredentialState | undefined;
        credential.state$.subscribe((s) => (state = s)).unsubscribe();
        return (state as { refreshAt?: number }).refreshAt;
      };
      const first = refreshAt();
      await advance(10 * MINUTE);
      const second = refreshAt();
      expect(first).toBe(START + 10 * MINUTE);
      expect(second).toBe(START + 15 * MINUTE);
    });

    it("#17 dispose cancels timer", async () => {
      const tokenRefresher = jest.fn(async () => jwtValidFor(20 * MINUTE));
      create({ tokenRefresher, token: jwtValidFor(20 * MINUTE), refreshProactively: true }).dispose();
      await advance(19 * MINUTE);
      expect(tokenRefresher).not.toHaveBeenCalled();
    });

    it("#18 multiple calls to getToken call tokenRefresher only once", async () => {
      const tokenRefresher = jest.fn(async () => jwtValidFor(60 * MINUTE));
      const credential = create({ tokenRefresher });
      for (let i = 0; i < 10; i++) await credential.getToken();
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
    });

    it("#19 calls tokenRefresher only once when proactive refreshing is in progress", async () => {
      const refresher = manualRefresher();
      const credential = create({ tokenRefresher: refresher.fn, refreshProactively: true });
      await advance(0);
      const pending = credential.getToken();
      refresher.resolveLast(jwtValidFor(20 * MINUTE));
      await pending;
      expect(refresher.calls).toBe(1);
    });

    it("#20 applies fractional backoff when the token is about to expire — 11 calls before expiry, not 10: ours settle on time, and stop at one a second near the end", async () => {
      const t20 = jwtExpiringAt(START + 20 * MINUTE);
      const tokenRefresher = jest.fn(async () => t20);
      create({ tokenRefresher, token: t20, refreshProactively: true });
      await advance(10 * MINUTE);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
      await advance(10 * MINUTE - 1);
      expect(tokenRefresher).toHaveBeenCalledTimes(11);
    });

    it("#21 accepts an encrypted (undecodable) token using the fallback expiry", async () => {
      expect(await create(OPAQUE_TOKEN).getToken()).toEqual({
        token: OPAQUE_TOKEN,
        expiresOnTimestamp: START + 10 * MINUTE,
      });
    });

    it("#22 uses a caller-supplied expiry without decoding the token", async () => {
      const supplied = { token: OPAQUE_TOKEN, expiresOnTimestamp: START + 8 * 60 * MINUTE };
      expect(await create({ tokenRefresher: async () => supplied }).getToken()).toEqual(supplied);
    });

    it("#23 accepts a static AccessToken with an explicit expiry", async () => {
      const supplied = { token: OPAQUE_TOKEN, expiresOnTimestamp: START + 60 * MINUTE };
      expect(await create(supplied).getToken()).toEqual(supplied);
    });

    it("#24 honors the undecodable-token lifetime option (ours is in seconds)", async () => {
      const credential = create({
        tokenRefresher: async () => OPAQUE_TOKEN,
        undecodableTokenExpiryIntervalInSeconds: 30 * 60,
      });
      expect((await credential.getToken()).expiresOnTimestamp).toBe(START + 30 * MINUTE);
    });

    it("#25 proactively refreshes an undecodable token at half its fallback lifetime", async () => {
      const tokenRefresher = jest.fn(async () => OPAQUE_TOKEN);
      create({ tokenRefresher, token: OPAQUE_TOKEN, refreshProactively: true });
      await advance(4 * MINUTE);
      expect(tokenRefresher).not.toHaveBeenCalled();
      await advance(61_000);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
    });

    it("#26 'still throws for a malformed token string' — differs: 'not.a.real.token' is accepted as opaque, like any other undecodable token", () => {
      expect(() => create("not.a.real.token")).not.toThrow();
    });
  });

  describe(".NET: CommunicationTokenCredentialTest.cs", () => {
    const sampleToken =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjMyNTAzNjgwMDAwfQ.9i7FNNHHJT8cOzo-yrAUJyBSfJ-tPPk2emcHavOEpWc";
    const expiredToken =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjEwMH0.1h_scYkNp-G98-O4cW6KvfJZwiz54uJMyeDACE4nypg";

    it("#1/#8 CreateStaticToken / StaticToken_ReturnsExpiredToken — differs: constructing works, getToken rejects the expired token with TokenExpiredError", async () => {
      const credential = create(expiredToken);
      await expect(credential.getToken()).rejects.toBeInstanceOf(TokenExpiredError);
    });

    it.each([true, false])(
      "#2/#3 CreateRefreshableWithoutInitialToken (refreshProactively %p)",
      async (refreshProactively) => {
        const credential = create({ tokenRefresher: () => sampleToken, refreshProactively });
        expect((await credential.getToken()).token).toBe(sampleToken);
      },
    );

    it("#4 CreateRefreshableWithInitialToken (expired)", async () => {
      const credential = create({ tokenRefresher: () => sampleToken, token: expiredToken, refreshProactively: true });
      expect((await credential.getToken()).token).toBe(sampleToken);
    });

    it("#5 DecodesToken", async () => {
      expect((await create(sampleToken).getToken()).expiresOnTimestamp).toBe(32_503_680_000 * 1000);
    });

    it("#6 'ThrowsIfInvalidToken' — differs: 'foo', 'foo.bar', 'foo.bar.foobar' are opaque tokens", () => {
      for (const opaque of ["foo", "foo.bar", "foo.bar.foobar"]) expect(() => create(opaque)).not.toThrow();
    });

    it("#7 ThrowsIfTokenIsNull → InvalidTokenError", () => {
      expect(() => create(null as unknown as string)).toThrow("must be a string or an AccessToken");
    });

    it.each([true, false])(
      "#9 PassesCancellationToken (refreshProactively %p): the refresher gets an AbortSignal",
      async (refreshProactively) => {
        const refresher = manualRefresher();
        const credential = create({ tokenRefresher: refresher.fn, token: expiredToken, refreshProactively });
        void credential.getToken().catch(() => {});
        expect(refresher.lastSignal).toBeInstanceOf(AbortSignal);
      },
    );

    it("#10 RefreshesTokenProactively_ImmediateWhenExpired", async () => {
      const tokenRefresher = jest.fn(() => sampleToken);
      create({ tokenRefresher, token: jwtValidFor(-MINUTE), refreshProactively: true });
      expect(jest.getTimerCount()).toBe(1);
      await advance(0);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
    });

    it("#11 GetTokenSeries_RefreshTokenOnDemandIfNeeded: a token inside the 2-minute window is refreshed on demand", async () => {
      const credential = create({ tokenRefresher: () => sampleToken, token: jwtValidFor(100_000) });
      expect(jest.getTimerCount()).toBe(0);
      expect(await credential.getToken()).toEqual({ token: sampleToken, expiresOnTimestamp: 32_503_680_000_000 });
    });

    it.each([true, false])(
      "#12/#13 Throws_IfTokenRequestedWhileDisposed (refreshProactively %p)",
      async (refreshProactively) => {
        const credential = create({ tokenRefresher: () => sampleToken, refreshProactively });
        credential.dispose();
        await expect(credential.getToken()).rejects.toBeInstanceOf(CredentialDisposedError);
      },
    );

    it("#14 Dispose_CancelsTimer", () => {
      const credential = create({ tokenRefresher: () => sampleToken, refreshProactively: true });
      expect(jest.getTimerCount()).toBe(1);
      credential.dispose();
      expect(jest.getTimerCount()).toBe(0);
    });

    it.each([
      ["in the critical window (1 minute left): refreshed on demand", MINUTE, true],
      ["outside it (20 minutes left): refreshed by the timer at 10 minutes", 20 * MINUTE, false],
    ])("#15 CurrentTokenExpiringSoon_TokenRefreshed %s", async (_, validFor, critical) => {
      const initial = jwtValidFor(validFor);
      const renewed = jwtValidFor(55 * MINUTE);
      const tokenRefresher = jest.fn(() => renewed);
      const credential = create({ tokenRefresher, token: initial, refreshProactively: true });
      const token = await credential.getToken();
      await advance(Math.max(0, validFor - 10 * MINUTE + 30_000));
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
      expect(token.token).toBe(critical ? renewed : initial);
      expect((await credential.getToken()).token).toBe(renewed);
    });

    it("#16 CurrentTokenExpired_TokenRefreshFails_Throws the original error; the background attempt fails silently", async () => {
      class ArithmeticException extends Error {}
      const failure = new ArithmeticException("Refresh token failed");
      const credential = create({
        tokenRefresher: () => {
          throw failure;
        },
        token: jwtValidFor(-10 * MINUTE),
        refreshProactively: true,
      });
      await settle();
      await expect(credential.getToken()).rejects.toBe(failure);
    });

    it("#17 ProactiveRefreshingEnabled_KeepsSchedulingNewTimers", async () => {
      const credential = create({
        tokenRefresher: () => jwtValidFor(20 * MINUTE),
        token: jwtValidFor(20 * MINUTE),
        refreshProactively: true,
      });
      const refreshAts: number[] = [];
      credential.state$.subscribe(
        (state) => state.status === "ready" && state.refreshAt !== undefined && refreshAts.push(state.refreshAt),
      );
      await advance(10.5 * MINUTE);
      expect(refreshAts).toEqual([START + 10 * MINUTE, START + 20 * MINUTE]);
    });

    it("#18 GetTokenSeries_CallsRefreshTokenOnlyOnce", async () => {
      const tokenRefresher = jest.fn(() => jwtValidFor(20 * MINUTE));
      const credential = create({ tokenRefresher, token: jwtValidFor(20 * MINUTE), refreshProactively: true });
      await advance(10.5 * MINUTE);
      for (let i = 0; i < 10; i++) await credential.getToken();
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
    });

    it("#19 TokenAboutToExpire_FractionalBackoffApplied — each halving of the remaining lifetime brings one refresh, until calls would come less than a second apart", async () => {
      const sameToken = jwtExpiringAt(START + 1_200_000);
      const tokenRefresher = jest.fn(() => sameToken);
      create({ tokenRefresher, token: sameToken, refreshProactively: true });
      await advance(600_000);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
      let expected = 1;
      while (START + 1_200_000 - Date.now() > 2_000) {
        await advance(Math.ceil((START + 1_200_000 - Date.now()) / 2));
        expected += 1;
        expect(tokenRefresher).toHaveBeenCalledTimes(expected);
      }
    });

    it("#20 ExpiredTokenReturn_ThrowsException with the exact message", async () => {
      const expired = jwtValidFor(-10 * MINUTE);
      const credential = create({ tokenRefresher: () => expired, token: expired, refreshProactively: true });
      const outcome = track(credential.getToken());
      await settle();
      expect(outcome.error).toBeInstanceOf(TokenExpiredError);
      expect((outcome.error as Error).message).toBe(EXPIRED_MESSAGE);
    });
  });
});
