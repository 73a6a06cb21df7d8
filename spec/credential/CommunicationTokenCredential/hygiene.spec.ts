import { inspect } from "node:util";
import { CommunicationTokenCredential, type CredentialState } from "../../../lib/index.js";
import { advance, useFakeTime } from "../../support/fakeTime.js";
import { HOUR, MINUTE, jwtValidFor } from "../../support/tokens.js";

describe("C20: the token never shows", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  it("C20: not in util.inspect(credential) nor JSON.stringify(credential)", async () => {
    const secret = jwtValidFor(HOUR);
    const credential = new CommunicationTokenCredential({
      tokenRefresher: () => secret,
      token: secret,
      refreshProactively: true,
    });
    await credential.getToken();
    expect(inspect(credential, { depth: Infinity, showHidden: true })).not.toContain(secret);
    expect(inspect(credential)).toBe("CommunicationTokenCredential { status: 'ready' }");
    expect(JSON.stringify(credential)).toBe('{"status":"ready"}');
    credential.dispose();
  });

  it("C20: not in a logged or serialized state", () => {
    const secret = jwtValidFor(HOUR);
    const credential = new CommunicationTokenCredential(secret);
    let state: CredentialState | undefined;
    credential.state$.subscribe((s) => (state = s)).unsubscribe();
    expect(state?.status === "ready" && state.token.token).toBe(secret); // still usable in code
    expect(inspect(state, { depth: Infinity })).not.toContain(secret);
    expect(JSON.stringify(state)).not.toContain(secret);
    expect(JSON.parse(JSON.stringify(state))).toEqual({
      status: "ready",
      token: { expiresOnTimestamp: expect.any(Number) },
    });
  });

  it("C20: not in any error message, and the library writes no log line, through a life full of failures", async () => {
    const secret = "opaque-secret-token-value";
    const log = ["log", "info", "warn", "error", "debug"].map((method) =>
      jest.spyOn(console, method as "log").mockImplementation(() => {}),
    );
    const results: unknown[] = [secret, { token: secret, expiresOnTimestamp: Date.now() - 1 }, { token: secret }, 42];
    let call = 0;
    const credential = new CommunicationTokenCredential({
      tokenRefresher: async () => results[call++ % results.length] as string,
      token: { token: secret, expiresOnTimestamp: Date.now() + 90_000 },
      refreshProactively: true,
      undecodableTokenExpiryIntervalInSeconds: 1,
    });
    const errors: unknown[] = [];
    credential.state$.subscribe((state) => state.status === "failed" && errors.push(state.error));
    for (let i = 0; i < 8; i++) {
      await credential.refresh().catch((error: unknown) => errors.push(error));
      await advance(MINUTE);
    }
    credential.dispose();
    await credential.getToken().catch((error: unknown) => errors.push(error));
    expect(errors.length).toBeGreaterThan(4);
    for (const error of errors) {
      expect(String((error as Error).message)).not.toContain(secret);
      expect(inspect(error)).not.toContain(secret);
    }
    for (const spy of log) expect(spy).not.toHaveBeenCalled();
  });
});

describe("C21: importing the package has no side effects", () => {
  it("C21: no timers, no listeners, no new globals", () => {
    const timers = ["setTimeout", "setInterval", "setImmediate", "queueMicrotask"].map((name) =>
      jest.spyOn(globalThis, name as "setTimeout"),
    );
    const globalsBefore = new Set(Object.getOwnPropertyNames(globalThis));
    jest.isolateModules(() => {
      const library = jest.requireActual<typeof import("../../../lib/index.js")>("../../../lib/index.js");
      expect(typeof library.CommunicationTokenCredential).toBe("function");
    });
    for (const timer of timers) expect(timer).not.toHaveBeenCalled();
    expect(Object.getOwnPropertyNames(globalThis).filter((name) => !globalsBefore.has(name))).toEqual([]);
    timers.forEach((timer) => timer.mockRestore());
  });
});
