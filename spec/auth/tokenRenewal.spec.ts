import { createRejectedTokenRenewal, type AccessToken, type RenewableCredential } from "../../lib/index.js";
import { credentialsOnFakeTime } from "../support/credentials.js";
import { settle, track } from "../support/fakeTime.js";
import { manualRefresher } from "../support/refresher.js";
import { HOUR, jwtValidFor } from "../support/tokens.js";

/** The token a server answered 401 to; still valid on the credential's clock, as a revoked token is. */
const revoked = (): AccessToken => ({ token: "revoked-token", expiresOnTimestamp: Date.now() + HOUR });

/** A credential whose calls stay pending until the test settles them, recording the signal each got. */
function manualCredential(): RenewableCredential & {
  readonly signals: AbortSignal[];
  resolveLast(token: AccessToken): void;
} {
  const signals: AbortSignal[] = [];
  let resolveLast: (token: AccessToken) => void = () => {
    throw new Error("the credential has not been called");
  };
  const call = (options?: { abortSignal?: unknown }) =>
    new Promise<AccessToken>((resolve) => {
      signals.push(options?.abortSignal as AbortSignal);
      resolveLast = resolve;
    });
  return { getToken: jest.fn(call), refresh: jest.fn(call), signals, resolveLast: (token) => resolveLast(token) };
}

describe("createRejectedTokenRenewal", () => {
  const newCredential = credentialsOnFakeTime();

  it("a failed renewal is forgotten: the next 401 of the same token calls the refresher again (issue 10, 1)", async () => {
    const refresher = manualRefresher();
    const renew = createRejectedTokenRenewal(newCredential({ tokenRefresher: refresher.fn, token: revoked() }));
    const failure = new Error("token server briefly down");

    const first = track(renew(revoked()));
    refresher.rejectLast(failure);
    await settle();
    expect(first.error).toBe(failure);

    const second = track(renew(revoked()));
    expect(refresher.calls).toBe(2);
    const renewed = jwtValidFor(HOUR);
    refresher.resolveLast(renewed);
    await settle();
    expect(second.value?.token).toBe(renewed);

    expect((await renew(revoked())).token).toBe(renewed);
    expect(refresher.calls).toBe(2);
  });

  it("a successful renewal is shared by concurrent and later 401s of that token", async () => {
    const refresher = manualRefresher();
    const renew = createRejectedTokenRenewal(newCredential({ tokenRefresher: refresher.fn, token: revoked() }));
    const concurrent = [track(renew(revoked())), track(renew(revoked()))];
    const renewed = jwtValidFor(HOUR);
    refresher.resolveLast(renewed);
    await settle();
    expect(concurrent.map((outcome) => outcome.value?.token)).toEqual([renewed, renewed]);
    expect((await renew(revoked())).token).toBe(renewed);
    expect(refresher.calls).toBe(1);
  });

  it("a renewal that brought back the rejected token itself is not kept: the next 401 asks the credential again", async () => {
    const credential = manualCredential();
    const renew = createRejectedTokenRenewal(credential);
    const concurrent = [track(renew(revoked())), track(renew(revoked()))];
    credential.resolveLast(revoked()); // nothing new yet, as a getToken-only credential answers from its cache
    await settle();
    expect(concurrent.map((outcome) => outcome.value?.token)).toEqual(["revoked-token", "revoked-token"]);
    expect(credential.refresh).toHaveBeenCalledTimes(1);

    const later = track(renew(revoked()));
    expect(credential.refresh).toHaveBeenCalledTimes(2);
    credential.resolveLast({ token: "token-2", expiresOnTimestamp: Date.now() + HOUR });
    await settle();
    expect(later.value?.token).toBe("token-2");
    expect((await renew(revoked())).token).toBe("token-2"); // a real renewal is kept
    expect(credential.refresh).toHaveBeenCalledTimes(2);
  });

  it("a 401 of another token starts a new renewal", async () => {
    const credential = manualCredential();
    const renew = createRejectedTokenRenewal(credential);
    const first = track(renew(revoked()));
    credential.resolveLast({ token: "token-2", expiresOnTimestamp: Date.now() + HOUR });
    await settle();
    const second = track(renew(first.value!));
    expect(credential.refresh).toHaveBeenCalledTimes(2);
    credential.resolveLast({ token: "token-3", expiresOnTimestamp: Date.now() + HOUR });
    await settle();
    expect(second.value?.token).toBe("token-3");
  });

  describe("abort (issue 10, 2)", () => {
    it("one caller's abort ends only its own wait, with its signal's reason; the others and later callers get the token", async () => {
      const refresher = manualRefresher();
      const renew = createRejectedTokenRenewal(newCredential({ tokenRefresher: refresher.fn, token: revoked() }));
      const leaving = new AbortController();
      const reason = new Error("the user navigated away");
      const aborted = track(renew(revoked(), leaving.signal));
      const staying = track(renew(revoked(), new AbortController().signal));

      leaving.abort(reason);
      await settle();
      expect(aborted.error).toBe(reason);
      expect(refresher.lastSignal.aborted).toBe(false);

      const renewed = jwtValidFor(HOUR);
      refresher.resolveLast(renewed);
      await settle();
      expect(staying.value?.token).toBe(renewed);
      expect((await renew(revoked())).token).toBe(renewed);
      expect(refresher.calls).toBe(1);
    });

    it("the credential gets a signal of the renewal's own, not the first caller's", async () => {
      const credential = manualCredential();
      const caller = new AbortController();
      track(createRejectedTokenRenewal(credential)(revoked(), caller.signal));
      expect(credential.signals[0]).toBeDefined();
      expect(credential.signals[0]).not.toBe(caller.signal);
    });

    it("the renewal is cancelled only when every caller joined to it has aborted, and is not kept for later callers", async () => {
      const credential = manualCredential();
      const renewOnce = createRejectedTokenRenewal(credential);
      const callers = [new AbortController(), new AbortController()];
      const outcomes = callers.map((caller) => track(renewOnce(revoked(), caller.signal)));
      expect(credential.refresh).toHaveBeenCalledTimes(1);

      callers[0]!.abort();
      await settle();
      expect(credential.signals[0]?.aborted).toBe(false);
      callers[1]!.abort();
      await settle();
      expect(credential.signals[0]?.aborted).toBe(true);
      expect(outcomes.map((outcome) => (outcome.error as Error).name)).toEqual(["AbortError", "AbortError"]);

      const later = track(renewOnce(revoked()));
      expect(credential.refresh).toHaveBeenCalledTimes(2);
      credential.resolveLast({ token: "token-2", expiresOnTimestamp: Date.now() + HOUR });
      await settle();
      expect(later.value?.token).toBe("token-2");
    });

    it("with the library's credential, when every caller aborts the refresher's own signal is aborted too (C8)", async () => {
      const refresher = manualRefresher();
      const renewOnce = createRejectedTokenRenewal(newCredential({ tokenRefresher: refresher.fn, token: revoked() }));
      const caller = new AbortController();
      track(renewOnce(revoked(), caller.signal));
      caller.abort();
      await settle();
      expect(refresher.lastSignal.aborted).toBe(true);
    });

    it("an already aborted signal rejects at once and starts no renewal", async () => {
      const credential = manualCredential();
      const reason = new Error("gone");
      await expect(createRejectedTokenRenewal(credential)(revoked(), AbortSignal.abort(reason))).rejects.toBe(reason);
      expect(credential.refresh).not.toHaveBeenCalled();
    });

    it("a credential with only getToken gets the renewal's own signal as well", async () => {
      const credential = manualCredential();
      const getTokenOnly: RenewableCredential = { getToken: credential.getToken };
      const caller = new AbortController();
      track(createRejectedTokenRenewal(getTokenOnly)(revoked(), caller.signal));
      caller.abort();
      await settle();
      expect(credential.signals[0]).not.toBe(caller.signal);
      expect(credential.signals[0]?.aborted).toBe(true);
    });
  });
});
