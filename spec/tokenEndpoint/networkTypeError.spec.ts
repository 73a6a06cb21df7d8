import { tokenEndpoint } from "../../lib/index.js";
import { advance, settle, useFakeTime } from "../support/fakeTime.js";
import { MINUTE, OPAQUE_TOKEN } from "../support/tokens.js";
import { fetchFailed, refresh, scriptedEndpoint, tokenAsText } from "./scriptedEndpoint.js";

// C29: fetch rejects with a TypeError both when the network fails and when it refuses to send the
// request at all (an invalid header value, an unparsable URL, a refused certificate). Only the first
// is worth another attempt: a TypeError is retried when a cause's code or, without one, its message
// shows a network failure.

/** One scripted failure, before a token: fetch rejects with `rejectWith`, or the token's body breaks off. */
type Failure = { rejectWith: unknown } | { bodyBreaksWith: unknown };

/** A fetch that fails as `failure`, then answers a token; records when each call came (ms since START). */
const failingOnce = (failure: Failure) =>
  scriptedEndpoint("rejectWith" in failure ? failure : { ...tokenAsText, ...failure }, tokenAsText);

describe("C29: which TypeErrors are retried (scripted fetch, fake time)", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  it.each<[string, TypeError]>([
    ["undici: an invalid header value", new TypeError('Headers.append: "a\nb" is an invalid header value.')],
    ["Chrome: an invalid header value", new TypeError("Failed to execute 'fetch' on 'Window': Invalid value")],
    ["undici: an unparsable URL", fetchFailed("ERR_INVALID_URL", "Failed to parse URL from http://[::1")],
    ["undici: a certificate refused", fetchFailed("CERT_HAS_EXPIRED")],
    ["undici: a host name the certificate does not cover", fetchFailed("ERR_TLS_CERT_ALTNAME_INVALID")],
    ["a custom fetch's own bug", new TypeError("Cannot read properties of undefined (reading 'headers')")],
  ])("C29: %s fails at once, with that TypeError: one request", async (_, error) => {
    const { fetch, calledAt } = failingOnce({ rejectWith: error });
    const outcome = refresh({ fetch });
    await settle();
    expect(outcome.error).toBe(error);
    await advance(MINUTE);
    expect(calledAt).toEqual([0]);
  });

  const networkFailures: [string, Failure][] = [
    ...[
      "ECONNRESET",
      "ECONNREFUSED",
      "ETIMEDOUT",
      "EPIPE",
      "ENOTFOUND",
      "EAI_AGAIN",
      "ENETUNREACH",
      "EHOSTUNREACH",
      "UND_ERR_SOCKET",
      "UND_ERR_CONNECT_TIMEOUT",
      "UND_ERR_HEADERS_TIMEOUT",
      "UND_ERR_BODY_TIMEOUT",
      "UND_ERR_CLOSED",
    ].map((code): [string, Failure] => [`undici: fetch failed, caused by ${code}`, { rejectWith: fetchFailed(code) }]),
    ["Chrome: Failed to fetch", { rejectWith: new TypeError("Failed to fetch") }],
    ["Firefox: NetworkError", { rejectWith: new TypeError("NetworkError when attempting to fetch resource.") }],
    ["Safari: Load failed", { rejectWith: new TypeError("Load failed") }],
    ["undici: fetch failed, with no cause", { rejectWith: new TypeError("fetch failed") }],
    ["Chrome: a body's read broken off (network error)", { bodyBreaksWith: new TypeError("network error") }],
    ["undici: a body cut off mid-way (terminated)", { bodyBreaksWith: new TypeError("terminated") }],
    [
      "undici: a body cut off, caused by a closed socket",
      { bodyBreaksWith: fetchFailed("UND_ERR_SOCKET", "terminated") },
    ],
  ];

  it.each(networkFailures)(
    "C29: %s is a network failure: retried after the backoff, and the token",
    async (_, failure) => {
      const { fetch, calledAt } = failingOnce(failure);
      const outcome = refresh({ fetch, random: () => 0.5 });
      await advance(750);
      expect(calledAt).toEqual([0, 750]);
      expect(outcome.value).toBe(OPAQUE_TOKEN);
    },
  );

  it("C29: undici's own fetch, given a header value with a line break: rejected at once, one call", async () => {
    let calls = 0;
    const fetch = (url: string, init: RequestInit): Promise<Response> => {
      calls += 1;
      return globalThis.fetch(url, init);
    };
    // Nothing listens on port 9 (discard), and nothing is sent there: undici refuses the header first.
    const refresher = tokenEndpoint("http://127.0.0.1:9/t", { fetch, init: { headers: { "X-Csrf": "a\nb" } } });
    const error = await Promise.resolve(refresher(new AbortController().signal)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "TypeError", message: expect.stringContaining("invalid header value") });
    await advance(MINUTE);
    expect(calls).toBe(1);
  });
});
