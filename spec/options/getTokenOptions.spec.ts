import { CommunicationTokenCredential } from "../../lib/index.js";
import { HOUR, jwtValidFor } from "../support/tokens.js";

describe("C2, C8: getToken(signal) instead of getToken({ abortSignal })", () => {
  it.each(["getToken", "refresh"] as const)(
    "C8: %s with an AbortSignal in place of its options rejects with a TypeError that shows the right call",
    async (method) => {
      const credential = new CommunicationTokenCredential({
        tokenRefresher: () => jwtValidFor(HOUR),
        token: jwtValidFor(HOUR),
      });
      const signal = AbortSignal.abort();
      const call = credential[method](signal as unknown as { abortSignal?: AbortSignal });
      await expect(call).rejects.toThrow(TypeError);
      await expect(call).rejects.toThrow(
        `pass the signal as ${method}({ abortSignal: signal }), not ${method}(signal)`,
      );
      await expect(credential[method]({ abortSignal: signal })).rejects.toMatchObject({ name: "AbortError" });
      expect((await credential[method]({})).token).toEqual(expect.any(String));
      credential.dispose();
    },
  );
});

describe("C8: a misspelt abortSignal", () => {
  it.each([["signal"], ["abortSignl"], ["AbortSignal"]])(
    "C8: getToken({ %s }) rejects with a TypeError that suggests abortSignal; names of other callers pass",
    async (name) => {
      const credential = new CommunicationTokenCredential(jwtValidFor(HOUR));
      const signal = AbortSignal.abort();
      await expect(credential.getToken({ [name]: signal } as never)).rejects.toThrow(
        `getToken: Unknown option options.${name}: did you mean abortSignal?`,
      );
      await expect(credential.getToken({ tracingOptions: {} } as never)).resolves.toMatchObject({
        token: expect.any(String),
      });
      credential.dispose();
    },
  );
});

describe("C1, C2: the constructor called with nothing useful", () => {
  it.each([
    ["nothing", undefined],
    ["an empty object", {}],
  ])("C1: %s is an InvalidTokenError naming what the constructor takes", (_, argument) => {
    expect(() => new CommunicationTokenCredential(argument as never)).toThrow(
      "CommunicationTokenCredential takes a token, options with a tokenRefresher, or Entra ID options",
    );
  });

  it("C2: a URL for tokenRefresher suggests tokenEndpoint", () => {
    expect(() => new CommunicationTokenCredential({ tokenRefresher: "https://example.com/t" as never })).toThrow(
      'For a URL, use tokenEndpoint: tokenRefresher: tokenEndpoint("/api/acs-token").',
    );
  });
});
