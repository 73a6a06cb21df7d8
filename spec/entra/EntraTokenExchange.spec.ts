import { clockFor } from "../../lib/time/clock.js";
import { entraRefreshOptions } from "../../lib/entra/entraRefresh.js";
import { checkEntraOptions } from "../../lib/entra/entraOptions.js";
import {
  EntraTokenExchange,
  type EntraCommunicationTokenCredentialOptions,
} from "../../lib/entra/EntraTokenExchange.js";
import { CommunicationTokenCredential, InsecureConnectionError, TokenExchangeError } from "../../lib/index.js";
import { exchanged, fakeEntraCredential, scriptedFetch } from "../support/exchangeServer.js";
import { settle, track, useFakeTime } from "../support/fakeTime.js";
import { HOUR, START } from "../support/tokens.js";

const ENDPOINT = "https://contoso.communication.azure.com";

/** The exchange as the credential builds it (options checked first), on Jest's fake clock. */
function entraExchange(given: Partial<EntraCommunicationTokenCredentialOptions>) {
  const options = { resourceEndpoint: ENDPOINT, tokenCredential: fakeEntraCredential("secret-entra"), ...given };
  const { refreshTimeoutMs } = entraRefreshOptions(options);
  return new EntraTokenExchange(checkEntraOptions(options), clockFor(undefined), refreshTimeoutMs);
}

describe("the Entra exchange's endpoint, fetch and deadline (issue 10)", () => {
  beforeEach(useFakeTime);
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  describe("A1: bearer tokens travel only over https, or to a loopback host", () => {
    it("refuses a plain http endpoint on another host at construction, naming the origin", () => {
      const tokenCredential = fakeEntraCredential("secret-entra");
      const construct = () =>
        new CommunicationTokenCredential({
          resourceEndpoint: "http://contoso.communication.azure.com",
          tokenCredential,
        });
      expect(construct).toThrow(InsecureConnectionError);
      expect(construct).toThrow(/http:\/\/contoso\.communication\.azure\.com.*allowInsecureConnection/);
      expect(tokenCredential.getToken).not.toHaveBeenCalled();
    });

    it.each(["http://localhost:8080", "http://127.0.0.1:8080", "http://127.1.2.3", "http://[::1]:8080"])(
      "accepts the loopback endpoint %s",
      (resourceEndpoint) => {
        expect(() =>
          new CommunicationTokenCredential({ resourceEndpoint, tokenCredential: fakeEntraCredential() }).dispose(),
        ).not.toThrow();
      },
    );

    it("accepts plain http to another host with allowInsecureConnection, and sends the exchange there", async () => {
      const { fetch } = scriptedFetch(exchanged("acs", START + HOUR));
      const exchange = entraExchange({
        resourceEndpoint: "http://acs-emulator.test:8080",
        allowInsecureConnection: true,
        fetch,
      });
      await exchange.tokenRefresher(new AbortController().signal);
      expect(fetch.mock.calls[0]?.[0]).toBe(
        "http://acs-emulator.test:8080/access/entra/:exchangeAccessToken?api-version=2025-03-02-preview",
      );
    });

    it("checks allowInsecureConnection and fetch eagerly", () => {
      expect(() => entraExchange({ allowInsecureConnection: "yes" as never })).toThrow(
        /^options\.allowInsecureConnection must be a boolean/,
      );
      expect(() => entraExchange({ fetch: "fetch" as never })).toThrow(/^options\.fetch must be a function/);
    });
  });

  describe("fetch", () => {
    it("sends the exchange with the given fetch", async () => {
      const { fetch } = scriptedFetch(exchanged("acs", START + HOUR));
      const globalFetch = jest.spyOn(globalThis, "fetch").mockRejectedValue(new Error("the global fetch was used"));
      const token = await entraExchange({ fetch }).tokenRefresher(new AbortController().signal);
      expect(token).toEqual({ token: "acs", expiresOnTimestamp: START + HOUR });
      expect(fetch).toHaveBeenCalledWith(
        `${ENDPOINT}/access/entra/:exchangeAccessToken?api-version=2025-03-02-preview`,
        expect.objectContaining({
          method: "POST",
          headers: expect.objectContaining({ Authorization: "Bearer secret-entra" }),
        }),
      );
      expect(globalFetch).not.toHaveBeenCalled();
    });

    it("defaults to the global fetch, looked up at each call (so a fetch mocked later is used)", async () => {
      const exchange = entraExchange({});
      const { fetch } = scriptedFetch(exchanged("acs", START + HOUR));
      const globalFetch = jest.spyOn(globalThis, "fetch").mockImplementation(fetch);
      await exchange.tokenRefresher(new AbortController().signal);
      expect(globalFetch).toHaveBeenCalledTimes(1);
    });

    it("hands the credential only the refresher's options, so the Entra-only ones are not 'unknown' to it", () => {
      const options = entraRefreshOptions({
        resourceEndpoint: ENDPOINT,
        tokenCredential: fakeEntraCredential(),
        fetch: scriptedFetch().fetch,
        allowInsecureConnection: false,
        refreshTimeoutMs: 5_000,
      });
      expect(options).toMatchObject({ refreshTimeoutMs: 5_000, tokenRefresher: expect.any(Function) });
      expect(options.sourceChanged).toEqual(expect.any(Function));
    });
  });

  it("new CommunicationTokenCredential({ resourceEndpoint, tokenCredential, fetch }) exchanges with that fetch", async () => {
    const { fetch } = scriptedFetch(exchanged("acs", START + HOUR));
    const credential = new CommunicationTokenCredential({
      resourceEndpoint: ENDPOINT,
      tokenCredential: fakeEntraCredential("secret-entra"),
      fetch,
      allowInsecureConnection: false,
    });
    expect((await credential.getToken()).token).toBe("acs");
    expect(fetch).toHaveBeenCalledTimes(1);
    credential.dispose();
  });

  describe("C8/C19: a refresh cancelled while the Entra token is on its way posts nothing", () => {
    it("even when the Entra credential and the fetch both ignore the signal", async () => {
      let signIn: (token: { token: string; expiresOnTimestamp: number }) => void = () => {};
      const tokenCredential = {
        getToken: jest.fn(
          () => new Promise<{ token: string; expiresOnTimestamp: number }>((resolve) => (signIn = resolve)),
        ),
      };
      const { fetch } = scriptedFetch(exchanged("acs", START + HOUR)); // never looks at init.signal
      const exchange = entraExchange({ tokenCredential, fetch });
      const controller = new AbortController();
      const reason = new Error("disposed");
      const outcome = track(exchange.tokenRefresher(controller.signal));
      controller.abort(reason);
      signIn({ token: "secret-entra", expiresOnTimestamp: START + HOUR });
      await settle();
      expect(outcome.error).toBe(reason);
      expect(fetch).not.toHaveBeenCalled();
    });
  });

  it.each([
    [0, 500],
    [0.999, 1_000],
  ])(
    "A5: the retries' jitter draws from the credential's random option: %d → the first retry %d ms later",
    async (draw, gap) => {
      const { fetch, calledAt } = scriptedFetch({ status: 503 }, exchanged("acs", START + HOUR));
      const outcome = track(entraExchange({ fetch, random: () => draw }).tokenRefresher(new AbortController().signal));
      await jest.advanceTimersByTimeAsync(gap);
      expect(calledAt).toEqual([START, START + gap]);
      expect(outcome.value).toMatchObject({ token: "acs" });
    },
  );

  describe("A5: the deadline is the credential's refreshTimeoutMs, counted from the refresher call", () => {
    it.each([
      ["a Retry-After past it fails at once", 10, 1],
      ["a Retry-After inside it is waited", 3, 2],
    ])("with refreshTimeoutMs 5 s, %s", async (_, retryAfterSeconds, calls) => {
      const { fetch } = scriptedFetch(
        { status: 429, headers: { "retry-after": String(retryAfterSeconds) } },
        exchanged("acs", START + HOUR),
      );
      const outcome = track(
        entraExchange({ fetch, refreshTimeoutMs: 5_000 }).tokenRefresher(new AbortController().signal),
      );
      await settle();
      await jest.advanceTimersByTimeAsync(retryAfterSeconds * 1000);
      expect(fetch).toHaveBeenCalledTimes(calls);
      if (calls === 1) expect(outcome.error).toBeInstanceOf(TokenExchangeError);
      else expect(outcome.value).toMatchObject({ token: "acs" });
    });
  });
});
