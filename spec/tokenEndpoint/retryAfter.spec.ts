import { TokenEndpointError, tokenEndpoint } from "../../lib/index.js";
import { credentialsOnFakeTime } from "../support/credentials.js";
import { scriptedFetch, type ScriptedAnswer } from "../support/exchangeServer.js";
import { advance, useFakeTime } from "../support/fakeTime.js";
import { HOUR, jwtValidFor, MINUTE, SECOND, START } from "../support/tokens.js";
import { rejectionOf } from "./harness.js";

const ENDPOINT = "https://app.example/api/acs-token";
const httpDate = (at: number): string => new Date(at).toUTCString();
const issued = (): ScriptedAnswer => ({
  status: 200,
  body: { token: jwtValidFor(HOUR), expiresOnTimestamp: Date.now() + HOUR },
});

describe("C27: retryAfterMs, read from a 429 or 503 answer's Retry-After (scripted fetch, fake clock)", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  it.each<[string, number, Record<string, string>, number | undefined]>([
    ["seconds", 429, { "retry-after": "120" }, 120 * SECOND],
    ["seconds with white space", 503, { "retry-after": " 5 " }, 5 * SECOND],
    [
      "an HTTP date, measured from now without a Date header",
      503,
      { "retry-after": httpDate(START + 45 * SECOND) },
      45 * SECOND,
    ],
    [
      "an HTTP date, measured from the answer's Date when there is one (a server clock 5 minutes ahead)",
      429,
      { "retry-after": httpDate(START + 5 * MINUTE + 20 * SECOND), date: httpDate(START + 5 * MINUTE) },
      20 * SECOND,
    ],
    ["an RFC 850 date", 503, { "retry-after": "Thursday, 01-Jan-26 09:01:00 GMT" }, MINUTE],
    ["a date already past: no wait", 429, { "retry-after": httpDate(START - MINUTE) }, 0],
    ["a fraction, which is neither form", 429, { "retry-after": "1.5" }, undefined],
    ["a negative number", 429, { "retry-after": "-5" }, undefined],
    ["seconds beyond any clock", 429, { "retry-after": "9".repeat(30) }, undefined],
    ["an empty header", 503, { "retry-after": "" }, undefined],
  ])("C27: %s", async (_, status, headers, retryAfterMs) => {
    const { fetch } = scriptedFetch({ status, headers });
    const error = await rejectionOf(
      Promise.resolve(tokenEndpoint(ENDPOINT, { fetch, retry: false })(new AbortController().signal)),
    );
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({ status, retryAfterMs });
    if (retryAfterMs !== undefined) expect(error.message).toContain(`Retry-After asks to wait ${retryAfterMs} ms.`);
  });

  it.each([500, 502, 504, 408, 401])("C27: a %d's Retry-After gives no retryAfterMs", async (status) => {
    const { fetch } = scriptedFetch({ status, headers: { "retry-after": "30" } });
    const error = await rejectionOf(
      Promise.resolve(tokenEndpoint(ENDPOINT, { fetch, retry: false })(new AbortController().signal)),
    );
    expect(error).toMatchObject({ name: "TokenEndpointError", status, retryAfterMs: undefined });
    expect(error.message).not.toContain("Retry-After");
  });
});

describe("C13, C27: a proactive credential's background retry waits at least what Retry-After asked", () => {
  const create = credentialsOnFakeTime();

  function proactiveCredential(first: ScriptedAnswer) {
    const { fetch, calledAt } = scriptedFetch(first, issued());
    // No retries inside the refresh: these tests are about the credential's own, between refreshes.
    const tokenRefresher = tokenEndpoint(ENDPOINT, { fetch, retry: false });
    create({ tokenRefresher, refreshProactively: true, retry: { jitter: false } });
    return (): number[] => calledAt.map((at) => at - START);
  }

  it("C13: a 429 asking for 30 s is retried after 30 s, not after the usual 1 s", async () => {
    const callsSinceStart = proactiveCredential({ status: 429, headers: { "retry-after": "30" } });
    await advance(30 * SECOND - 1);
    expect(callsSinceStart()).toEqual([0]);
    await advance(1);
    expect(callsSinceStart()).toEqual([0, 30 * SECOND]);
  });

  it("C13: a 503 whose Retry-After is a date 45 s ahead is retried at that date", async () => {
    const callsSinceStart = proactiveCredential({
      status: 503,
      headers: { "retry-after": httpDate(START + 45 * SECOND) },
    });
    await advance(45 * SECOND - 1);
    expect(callsSinceStart()).toEqual([0]);
    await advance(1);
    expect(callsSinceStart()).toEqual([0, 45 * SECOND]);
  });

  it("C13: a 500 with Retry-After is retried on the usual backoff: 1 s", async () => {
    const callsSinceStart = proactiveCredential({ status: 500, headers: { "retry-after": "30" } });
    await advance(SECOND);
    expect(callsSinceStart()).toEqual([0, SECOND]);
  });
});
