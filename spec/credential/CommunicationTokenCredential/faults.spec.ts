import { NEVER, EMPTY, of, throwError } from "rxjs";
import {
  CommunicationTokenCredential,
  CredentialDisposedError,
  InvalidTokenError,
  RefreshTimeoutError,
  TokenExpiredError,
  type AccessToken,
  type TokenRefresher,
} from "../../../lib/index.js";
import { advance, settle, track, useFakeTime } from "../../support/fakeTime.js";
import { HOUR, MINUTE, SECOND, jwtValidFor } from "../../support/tokens.js";

/** Fault tests: a misbehaving refresher fails the one refresh, typed, and the held token survives. */
describe("a misbehaving tokenRefresher", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  const held = () => jwtValidFor(HOUR);

  async function refreshWith(tokenRefresher: TokenRefresher) {
    const token = held();
    const credential = new CommunicationTokenCredential({ tokenRefresher, token, refreshTimeoutMs: 10 * SECOND });
    const outcome = track(credential.refresh());
    await advance(10 * SECOND);
    const kept = await credential.getToken();
    credential.dispose();
    expect(kept.token).toBe(token); // nothing already held is lost
    return outcome;
  }

  it("C6: throws synchronously → the refresh fails with that error", async () => {
    const failure = new Error("sync failure");
    const outcome = await refreshWith(() => {
      throw failure;
    });
    expect(outcome.error).toBe(failure);
  });

  it("C6: rejects → the refresh fails with that error", async () => {
    const failure = new Error("async failure");
    expect((await refreshWith(() => Promise.reject(failure))).error).toBe(failure);
  });

  it("C6: errors as an Observable → the refresh fails with that error", async () => {
    const failure = new Error("observable failure");
    expect((await refreshWith(() => throwError(() => failure))).error).toBe(failure);
  });

  it("C9: hangs forever ignoring its signal → RefreshTimeoutError", async () => {
    expect((await refreshWith(() => new Promise<string>(() => {}))).error).toBeInstanceOf(RefreshTimeoutError);
    expect((await refreshWith(() => NEVER)).error).toBeInstanceOf(RefreshTimeoutError);
  });

  it("C6: returns an expired token → TokenExpiredError", async () => {
    expect((await refreshWith(() => jwtValidFor(-MINUTE))).error).toBeInstanceOf(TokenExpiredError);
    expect((await refreshWith(async () => ({ token: "t", expiresOnTimestamp: Date.now() }))).error).toBeInstanceOf(
      TokenExpiredError,
    );
  });

  it.each<[string, unknown]>([
    ['""', ""],
    ["null", null],
    ["undefined", undefined],
    ["a number", 42],
    ["{}", {}],
    ["an array", ["token"]],
    ["an AccessToken without an expiry", { token: "t" }],
  ])("C6: returns garbage (%s) → InvalidTokenError", async (_, garbage) => {
    const outcome = await refreshWith(() => garbage as string);
    expect(outcome.error).toBeInstanceOf(InvalidTokenError);
    const asyncOutcome = await refreshWith(async () => garbage as string);
    expect(asyncOutcome.error).toBeInstanceOf(InvalidTokenError);
  });

  it("C17: a refresher that throws a non-Error is announced once per failure, as the same Error", async () => {
    const credential = new CommunicationTokenCredential({
      tokenRefresher: () => {
        throw "not an Error"; // eslint-disable-line no-throw-literal
      },
      refreshProactively: true,
      retry: { jitter: false },
    });
    const failures: Error[] = [];
    credential.state$.subscribe((state) => state.status === "failed" && failures.push(state.error));
    await advance(500); // the first attempt has failed; its retry is due after 1 s
    expect(failures).toHaveLength(1);
    expect(failures[0]?.message).toMatch(/non-Error value: string/);
    await advance(SECOND); // the retry fails too: a new failure, announced once more
    expect(failures).toHaveLength(2);
    credential.dispose();
  });

  it("C6: an Observable that completes without a token → InvalidTokenError", async () => {
    expect((await refreshWith(() => EMPTY)).error).toBeInstanceOf(InvalidTokenError);
  });

  it("C1/C6: the whole JSON answer passed on with .text() fails with a hint at .json(), never with the token", async () => {
    const token = jwtValidFor(HOUR);
    const outcome = await refreshWith(async () => JSON.stringify({ token, expiresOn: new Date(Date.now() + HOUR) }));
    expect(outcome.error).toBeInstanceOf(InvalidTokenError);
    expect((outcome.error as Error).message).toMatch(/did you mean `\(await response\.json\(\)\)\.token`/);
    expect((outcome.error as Error).message).not.toContain(token.split(".")[1]);
  });

  it("C6: an expiry given in seconds fails with the Azure message and says it looks like seconds", async () => {
    const inSeconds = { token: "t", expiresOnTimestamp: Math.floor(Date.now() / 1000) + 3_600 };
    const outcome = await refreshWith(() => inSeconds);
    expect(outcome.error).toBeInstanceOf(TokenExpiredError);
    expect((outcome.error as Error).message).toMatch(
      /^The token returned from the tokenRefresher is expired\. Its expiresOnTimestamp looks like seconds/,
    );
  });

  it("accepts every documented result shape: a string, an AccessToken, a promise of either, an Observable", async () => {
    const token = jwtValidFor(2 * HOUR);
    const accessToken = { token, expiresOnTimestamp: Date.now() + 2 * HOUR };
    const refreshers: TokenRefresher[] = [
      () => token,
      () => accessToken,
      async () => token,
      async () => accessToken,
      () => of(token, "ignored second value"),
      () => ({ then: (resolve: (value: string) => void) => resolve(token) }) as PromiseLike<string>,
      // What @azure/communication-identity gives a backend, as a Date and after JSON
      () => ({ token, expiresOn: new Date(Date.now() + 2 * HOUR) }) as unknown as AccessToken,
      async () => JSON.parse(JSON.stringify({ token, expiresOn: new Date(Date.now() + 2 * HOUR) })) as AccessToken,
    ];
    for (const tokenRefresher of refreshers) {
      const credential = new CommunicationTokenCredential({ tokenRefresher });
      expect((await credential.getToken()).token).toBe(token);
      credential.dispose();
    }
  });

  it("C19: resolves after dispose → ignored, nothing thrown, nothing published", async () => {
    let resolve: (token: string) => void = () => {};
    const credential = new CommunicationTokenCredential({
      tokenRefresher: () => new Promise<string>((r) => (resolve = r)),
    });
    const pending = track(credential.getToken());
    credential.dispose();
    resolve(jwtValidFor(HOUR));
    await settle();
    expect(pending.error).toBeInstanceOf(CredentialDisposedError);
  });

  it("C13: a background refresher failing in every way in turn never stops the schedule", async () => {
    const faults: TokenRefresher[] = [
      () => {
        throw new Error("throws");
      },
      () => Promise.reject(new Error("rejects")),
      () => jwtValidFor(-MINUTE),
      () => "",
      () => null as unknown as string,
      () => new Promise<string>(() => {}),
    ];
    let call = 0;
    const tokenRefresher = jest.fn((signal: AbortSignal) => {
      const fault = faults[call++];
      return fault === undefined ? jwtValidFor(HOUR) : fault(signal);
    });
    const credential = new CommunicationTokenCredential({
      tokenRefresher,
      refreshProactively: true,
      refreshTimeoutMs: 5 * SECOND,
      retry: { jitter: false },
    });
    await advance(5 * MINUTE);
    expect(tokenRefresher).toHaveBeenCalledTimes(faults.length + 1);
    await expect(credential.getToken()).resolves.toBeDefined();
    credential.dispose();
  });
});
