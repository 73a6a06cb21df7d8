import {
  CommunicationTokenCredential,
  InvalidTokenError,
  tokenEndpoint,
  type CommunicationTokenRefreshOptions,
} from "../../lib/index.js";
import { misshapenArgumentMessage } from "../../lib/support/optionNames.js";
import { refreshOptionNames } from "../../lib/options/options.js";
import { useFakeTime, advance } from "../support/fakeTime.js";
import { HOUR, jwtValidFor, OPAQUE_TOKEN } from "../support/tokens.js";

const refresher = () => jwtValidFor(HOUR);
const construct = (options: unknown) => () =>
  new CommunicationTokenCredential(options as CommunicationTokenRefreshOptions);

describe("construction (C2)", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  it.each<[string, unknown, RegExp]>([
    ["a missing tokenRefresher", { tokenRefresher: undefined }, /options\.tokenRefresher must be a function/],
    [
      "a tokenRefresher that is not a function",
      { tokenRefresher: "https://example.com/token" },
      /options\.tokenRefresher/,
    ],
    [
      "a negative refreshTimeoutMs",
      { tokenRefresher: refresher, refreshTimeoutMs: -1 },
      /options\.refreshTimeoutMs .*-1/,
    ],
    ["a zero refreshTimeoutMs", { tokenRefresher: refresher, refreshTimeoutMs: 0 }, /options\.refreshTimeoutMs/],
    [
      "a NaN refreshTimeoutMs",
      { tokenRefresher: refresher, refreshTimeoutMs: Number.NaN },
      /options\.refreshTimeoutMs/,
    ],
    [
      "an infinite undecodableTokenExpiryIntervalInSeconds",
      { tokenRefresher: refresher, undecodableTokenExpiryIntervalInSeconds: Infinity },
      /options\.undecodableTokenExpiryIntervalInSeconds/,
    ],
    [
      "a string refreshProactively",
      { tokenRefresher: refresher, refreshProactively: "yes" },
      /options\.refreshProactively/,
    ],
    [
      "a negative retry delay",
      { tokenRefresher: refresher, retry: { initialDelayMs: -5 } },
      /options\.retry\.initialDelayMs/,
    ],
    [
      "a maxDelayMs below initialDelayMs",
      { tokenRefresher: refresher, retry: { initialDelayMs: 5_000, maxDelayMs: 1_000 } },
      /options\.retry\.maxDelayMs/,
    ],
    [
      "a non-function shouldRetry",
      { tokenRefresher: refresher, retry: { shouldRetry: true } },
      /options\.retry\.shouldRetry/,
    ],
    ["a non-object retry", { tokenRefresher: refresher, retry: 3 }, /options\.retry must be an object/],
    [
      "a scheduler without schedule()",
      { tokenRefresher: refresher, scheduler: { now: () => 0 } },
      /options\.scheduler/,
    ],
    [
      "a misspelt option",
      { tokenRefresher: refresher, refreshProactivly: true },
      /Unknown option options\.refreshProactivly: did you mean refreshProactively\?/,
    ],
    [
      "a misspelt retry option",
      { tokenRefresher: refresher, retry: { maxDelay: 5 } },
      /Unknown option options\.retry\.maxDelay: did you mean maxDelayMs\?/,
    ],
    [
      "tokenEndpoint's retry option on the credential's retry",
      { tokenRefresher: refresher, retry: { maxRetries: 3 } },
      /^options\.retry\.maxRetries is an option of tokenEndpoint\(url, \{ retry \}\)/,
    ],
    [
      "tokenEndpoint itself, not called with a URL",
      { tokenRefresher: tokenEndpoint },
      /^options\.tokenRefresher is tokenEndpoint itself: call it with your URL/,
    ],
    [
      "a misspelt tokenRefresher",
      { tokenRefresh: refresher },
      /^Unknown option options\.tokenRefresh: did you mean tokenRefresher\?/,
    ],
    [
      "a misspelt tokenRefresher beside a token",
      { token: jwtValidFor(HOUR), tokenRefresh: refresher },
      /^Unknown option options\.tokenRefresh: did you mean tokenRefresher\?/,
    ],
    [
      "refresh options without a tokenRefresher",
      { token: jwtValidFor(HOUR), refreshProactively: true },
      /^options\.tokenRefresher is missing: refreshProactively needs a tokenRefresher/,
    ],
    [
      "a number option given as a string",
      { tokenRefresher: refresher, refreshTimeoutMs: "30000" },
      /options\.refreshTimeoutMs must be a positive finite number; got the string "30000"\./,
    ],
    [
      "an object that is neither a token nor options",
      { refresher },
      /expects a token string, an AccessToken, options with a tokenRefresher, or Entra ID options/,
    ],
  ])("C2: %s throws a TypeError naming the option", (_, options, message) => {
    expect(construct(options)).toThrow(TypeError);
    expect(construct(options)).toThrow(message);
  });

  it("C1: a token object without an expiry says to pass a tokenRefresher, or the token string alone", () => {
    expect(construct({ token: OPAQUE_TOKEN })).toThrow(InvalidTokenError);
    expect(construct({ token: OPAQUE_TOKEN })).toThrow(
      /To renew tokens, pass options with a tokenRefresher; for a token that is never renewed, pass the token string alone\./,
    );
  });

  it("C2/C1: a bad initial token throws InvalidTokenError", () => {
    expect(construct({ tokenRefresher: refresher, token: "" })).toThrow(InvalidTokenError);
    expect(construct({ tokenRefresher: refresher, token: { token: "t", expiresOnTimestamp: Number.NaN } })).toThrow(
      InvalidTokenError,
    );
  });

  it("C2: nothing is fetched synchronously, even with refreshProactively and no token", async () => {
    const tokenRefresher = jest.fn(refresher);
    const credential = new CommunicationTokenCredential({ tokenRefresher, refreshProactively: true });
    expect(tokenRefresher).not.toHaveBeenCalled();
    await advance(0);
    expect(tokenRefresher).toHaveBeenCalledTimes(1);
    credential.dispose();
  });

  it("C2: accepts every documented option", () => {
    const credential = new CommunicationTokenCredential({
      tokenRefresher: refresher,
      token: jwtValidFor(HOUR),
      refreshProactively: false,
      undecodableTokenExpiryIntervalInSeconds: 300,
      refreshTimeoutMs: 5_000,
      retry: { initialDelayMs: 500, maxDelayMs: 10_000, jitter: false, shouldRetry: () => true },
      scheduler: undefined,
    });
    credential.dispose();
  });
});

describe("C1: a token object with fields of its own is a token, not misspelt options", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  const expiresOnTimestamp = () => Date.now() + HOUR;
  it.each<[string, () => object]>([
    [
      "an AccessToken of @azure/core-auth (refreshAfterTimestamp, tokenType)",
      () => ({
        token: OPAQUE_TOKEN,
        expiresOnTimestamp: expiresOnTimestamp(),
        refreshAfterTimestamp: Date.now() + HOUR / 2,
        tokenType: "Bearer",
      }),
    ],
    [
      "what createUserAndToken() gives ({ user, token, expiresOn })",
      () => ({
        user: { communicationUserId: "8:acs:1" },
        token: OPAQUE_TOKEN,
        expiresOn: new Date(expiresOnTimestamp()),
      }),
    ],
  ])("%s", async (_, token) => {
    expect(misshapenArgumentMessage(token(), refreshOptionNames)).toBeUndefined();
    const credential = new CommunicationTokenCredential(token() as never);
    expect(await credential.getToken()).toEqual({ token: OPAQUE_TOKEN, expiresOnTimestamp: Date.now() + HOUR });
    credential.dispose();
  });

  it.each<[string, object, RegExp]>([
    ["a misspelt refresher", { tokenRefresh: refresher }, /^Unknown option options\.tokenRefresh: did you mean/],
    [
      "a misspelt refresher beside a token",
      { token: OPAQUE_TOKEN, tokenRefresh: refresher },
      /did you mean tokenRefresher/,
    ],
    [
      "a misspelt option beside a token",
      { token: OPAQUE_TOKEN, refreshProactivly: true },
      /did you mean refreshProactively/,
    ],
    ["a refresh option beside a token", { token: OPAQUE_TOKEN, refreshProactively: true }, /tokenRefresher is missing/],
  ])("but %s is still reported", (_, value, message) => {
    expect(misshapenArgumentMessage(value, refreshOptionNames)).toMatch(message);
  });
});
