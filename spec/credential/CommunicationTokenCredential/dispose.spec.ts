import { CommunicationTokenCredential, CredentialDisposedError } from "../../../lib/index.js";
import { advance, settle, track, useFakeTime } from "../../support/fakeTime.js";
import { manualRefresher } from "../../support/refresher.js";
import { HOUR, MINUTE, jwtValidFor } from "../../support/tokens.js";

describe("C19: dispose", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  it("C19: stops the proactive timers (the Azure test 'dispose cancels timer')", async () => {
    const tokenRefresher = jest.fn(() => jwtValidFor(20 * MINUTE));
    const credential = new CommunicationTokenCredential({
      tokenRefresher,
      token: jwtValidFor(20 * MINUTE),
      refreshProactively: true,
    });
    credential.dispose();
    await advance(19 * MINUTE);
    expect(tokenRefresher).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
  });

  it("C19: aborts the refresher in flight and rejects pending calls with CredentialDisposedError", async () => {
    const refresher = manualRefresher();
    const credential = new CommunicationTokenCredential({ tokenRefresher: refresher.fn });
    const pending = [track(credential.getToken()), track(credential.refresh())];
    credential.dispose();
    await settle();
    expect(refresher.lastSignal.aborted).toBe(true);
    for (const call of pending) expect(call.error).toBeInstanceOf(CredentialDisposedError);
  });

  it("C19: later getToken and refresh calls reject, for static and refreshing credentials alike", async () => {
    const credentials = [
      new CommunicationTokenCredential(jwtValidFor(HOUR)),
      new CommunicationTokenCredential({ tokenRefresher: () => jwtValidFor(HOUR), token: jwtValidFor(HOUR) }),
    ];
    for (const credential of credentials) {
      credential.dispose();
      await expect(credential.getToken()).rejects.toBeInstanceOf(CredentialDisposedError);
      await expect(credential.refresh()).rejects.toBeInstanceOf(CredentialDisposedError);
    }
  });

  it("C19: is idempotent", () => {
    const credential = new CommunicationTokenCredential({
      tokenRefresher: () => jwtValidFor(HOUR),
      refreshProactively: true,
    });
    const complete = jest.fn();
    credential.state$.subscribe({ complete });
    credential.dispose();
    expect(() => credential.dispose()).not.toThrow();
    expect(complete).toHaveBeenCalledTimes(1);
  });

  it("C19: a refresher that resolves after dispose changes nothing", async () => {
    const refresher = manualRefresher();
    const credential = new CommunicationTokenCredential({ tokenRefresher: refresher.fn });
    void credential.getToken().catch(() => {});
    credential.dispose();
    refresher.resolveLast(jwtValidFor(HOUR));
    await settle();
    const states: string[] = [];
    credential.state$.subscribe((state) => states.push(state.status));
    expect(states).toEqual(["disposed"]);
    await expect(credential.getToken()).rejects.toBeInstanceOf(CredentialDisposedError);
  });

  it("C19: `using` disposes the credential at the end of the block", async () => {
    let captured: CommunicationTokenCredential | undefined;
    {
      using credential = new CommunicationTokenCredential({
        tokenRefresher: () => jwtValidFor(HOUR),
        refreshProactively: true,
      });
      captured = credential;
    }
    await expect(captured.getToken()).rejects.toBeInstanceOf(CredentialDisposedError);
  });
});
