import { tokenEndpoint, type TokenEndpointOptions } from "../../lib/index.js";
import { OPAQUE_TOKEN } from "../support/tokens.js";

const ENDPOINT = "https://app.example/api/acs-token";

/** Calls tokenEndpoint with options its types forbid, as JavaScript callers may. */
function tokenEndpointUnchecked(options: unknown) {
  return tokenEndpoint(ENDPOINT, options as TokenEndpointOptions);
}

describe("C29: tokenEndpoint checks retry and random when called, naming the option", () => {
  it.each<[string, unknown, RegExp]>([
    [
      "retry: true",
      { retry: true },
      /options.retry must be an object such as \{ maxRetries: 2 \}, or false; got a boolean/,
    ],
    ["retry: a number", { retry: 3 }, /options.retry must be an object .*; got 3\./],
    ["retry: null", { retry: null }, /options.retry must be an object .*; got null\./],
    ["retry: an array", { retry: [3] }, /options.retry must be an object .*; got an object\./],
    [
      "a retry option in the wrong case",
      { retry: { maxretries: 2 } },
      /Unknown option options.retry.maxretries: did you mean maxRetries\?/,
    ],
    [
      "a retry option without its unit",
      { retry: { maxDelay: 5_000 } },
      /Unknown option options.retry.maxDelay: did you mean maxDelayMs\?/,
    ],
    [
      "the credential's jitter, which is not one",
      { retry: { jitter: false } },
      /Unknown option options.retry.jitter\.$/,
    ],
    [
      "maxRetries below 0",
      { retry: { maxRetries: -1 } },
      /options.retry.maxRetries must be a whole number, 0 or more; got -1\./,
    ],
    ["maxRetries a fraction", { retry: { maxRetries: 1.5 } }, /options.retry.maxRetries must be a whole number/],
    ["maxRetries a string", { retry: { maxRetries: "3" } }, /options.retry.maxRetries .*; got the string "3"\./],
    ["maxRetries infinite", { retry: { maxRetries: Infinity } }, /options.retry.maxRetries must be a whole number/],
    [
      "initialDelayMs 0",
      { retry: { initialDelayMs: 0 } },
      /options.retry.initialDelayMs must be a positive number of milliseconds; got 0\./,
    ],
    [
      "initialDelayMs NaN",
      { retry: { initialDelayMs: Number.NaN } },
      /options.retry.initialDelayMs must be a positive/,
    ],
    [
      "maxDelayMs a string",
      { retry: { maxDelayMs: "10s" } },
      /options.retry.maxDelayMs must be a positive .*; got the string "10s"\./,
    ],
    [
      "maxDelayMs below initialDelayMs",
      { retry: { initialDelayMs: 5_000, maxDelayMs: 2_000 } },
      /options.retry.maxDelayMs \(2000\) must not be less than initialDelayMs \(5000\)\./,
    ],
    [
      "random not a function",
      { random: 0.5 },
      /options.random must be a function returning a number in \[0, 1\); got 0.5\./,
    ],
    ["a misspelt retry", { retyr: false }, /Unknown option options.retyr: did you mean retry\?/],
    ["a misspelt random", { randon: () => 0.5 }, /Unknown option options.randon: did you mean random\?/],
  ])("C29: %s is a TypeError, before anything is fetched", (_, options, message) => {
    const fetch = jest.fn(async () => new Response(OPAQUE_TOKEN));
    const attempt = () => tokenEndpointUnchecked({ fetch, ...(options as object) });
    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(message);
    expect(fetch).not.toHaveBeenCalled();
  });

  it.each<[string, TokenEndpointOptions["retry"]]>([
    ["false", false],
    ["an empty object", {}],
    ["maxRetries 0", { maxRetries: 0 }],
    ["every option", { maxRetries: 5, initialDelayMs: 250, maxDelayMs: 250 }],
    ["a larger initialDelayMs alone", { initialDelayMs: 30_000 }],
    ["undefined values", { maxRetries: undefined, initialDelayMs: undefined, maxDelayMs: undefined }],
  ])("C29: retry: %s is taken", (_, retry) => {
    expect(() => tokenEndpoint(ENDPOINT, { retry, random: () => 0.5 })).not.toThrow();
  });
});
