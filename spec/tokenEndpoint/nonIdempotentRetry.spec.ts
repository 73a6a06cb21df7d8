import { CommunicationTokenCredential, tokenEndpoint, TokenEndpointError } from "../../lib/index.js";
import { advance, settle, track, useFakeTime } from "../support/fakeTime.js";
import { MINUTE, OPAQUE_TOKEN, SECOND } from "../support/tokens.js";
import { ENDPOINT, fetchFailed, refresh, scriptedEndpoint, tokenAsText, type Step } from "./scriptedEndpoint.js";

// C29: a request that is not idempotent (by default any method but GET, HEAD and OPTIONS) is sent
// again only when the failure shows the server did not act on it; `retry.idempotent` says otherwise.

const POST = { method: "POST", body: '{"refreshToken":"rt-1"}' };

describe("C29: a request that is not idempotent is not sent twice (scripted fetch, fake time)", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  const reset = fetchFailed("ECONNRESET");
  const mayHaveActed: [string, Step, unknown][] = [
    ["a reset connection (undici, ECONNRESET)", { rejectWith: reset }, reset],
    ["a socket closed before the answer (UND_ERR_SOCKET)", { rejectWith: fetchFailed("UND_ERR_SOCKET") }, TypeError],
    ["a browser's network error, with no code", { rejectWith: new TypeError("Failed to fetch") }, TypeError],
    [
      "a custom fetch's socket hang up",
      { rejectWith: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) },
      Error,
    ],
    ["a token's body broken off", { ...tokenAsText, bodyBreaksWith: new TypeError("terminated") }, TypeError],
    ["a 500", { status: 500 }, TokenEndpointError],
    ["a 502", { status: 502 }, TokenEndpointError],
    ["a 504", { status: 504 }, TokenEndpointError],
  ];

  it.each(mayHaveActed)("C29: a POST after %s: one request, failed with it", async (_, step, expected) => {
    const { fetch, calledAt } = scriptedEndpoint(step, tokenAsText);
    const outcome = refresh({ fetch, init: POST, random: () => 0.5 });
    await settle();
    if (typeof expected === "function") expect(outcome.error).toBeInstanceOf(expected);
    else expect(outcome.error).toBe(expected);
    await advance(MINUTE);
    expect(calledAt).toEqual([0]);
  });

  it("C29: a POST with no answer within attemptTimeoutMs: aborted at 10 000 ms with its TimeoutError, not sent again", async () => {
    const { fetch, calledAt } = scriptedEndpoint("hang", tokenAsText);
    const outcome = refresh({ fetch, init: POST, random: () => 0.5 });
    await advance(9_999);
    expect(outcome.settled).toBe(false);
    await advance(1);
    expect(outcome.error).toMatchObject({ name: "TimeoutError" });
    await advance(MINUTE);
    expect(calledAt).toEqual([0]);
  });

  it.each<[string, Step]>([
    ["a connection refused (ECONNREFUSED)", { rejectWith: fetchFailed("ECONNREFUSED") }],
    ["a host not found (ENOTFOUND)", { rejectWith: fetchFailed("ENOTFOUND") }],
    ["a name lookup that failed for now (EAI_AGAIN)", { rejectWith: fetchFailed("EAI_AGAIN") }],
    ["a 408", { status: 408 }],
    ["a 429", { status: 429 }],
    ["a 503", { status: 503 }],
  ])("C29: a POST after %s, which the server did not act on: sent again, and the token", async (_, step) => {
    const { fetch, calledAt } = scriptedEndpoint(step, tokenAsText);
    const outcome = refresh({ fetch, init: POST, random: () => 0.5 });
    await advance(750);
    expect(outcome.value).toBe(OPAQUE_TOKEN);
    expect(calledAt).toEqual([0, 750]);
  });

  it.each([
    ["post", false],
    ["PUT", false],
    ["PATCH", false],
    ["DELETE", false],
    ["GET", true],
    ["head", true],
    ["OPTIONS", true],
    [undefined, true],
  ])("C29: method %s: a reset connection is retried: %s", async (method, retried) => {
    const { fetch, calledAt } = scriptedEndpoint({ rejectWith: fetchFailed("ECONNRESET") }, tokenAsText);
    refresh({ fetch, init: method === undefined ? {} : { method }, random: () => 0.5 });
    await advance(MINUTE);
    expect(calledAt).toEqual(retried ? [0, 750] : [0]);
  });

  it.each<[string, Step]>([
    ["a reset connection", { rejectWith: fetchFailed("ECONNRESET") }],
    ["a 500", { status: 500 }],
    ["no answer in time", "hang"],
  ])("C29: retry.idempotent: true sends a POST again after %s", async (_, step) => {
    const { fetch, calledAt } = scriptedEndpoint(step, tokenAsText);
    const outcome = refresh({ fetch, init: POST, random: () => 0.5, retry: { idempotent: true } });
    await advance(MINUTE);
    expect(outcome.value).toBe(OPAQUE_TOKEN);
    expect(calledAt).toHaveLength(2);
  });

  it("C29: retry.idempotent: false keeps a GET that rotates a cookie from being sent twice, but retries its 503", async () => {
    const reset = scriptedEndpoint({ rejectWith: fetchFailed("ECONNRESET") }, tokenAsText);
    refresh({ fetch: reset.fetch, random: () => 0.5, retry: { idempotent: false } });
    const busy = scriptedEndpoint({ status: 503 }, tokenAsText);
    refresh({ fetch: busy.fetch, random: () => 0.5, retry: { idempotent: false } });
    await advance(MINUTE);
    expect(reset.calledAt).toEqual([0]);
    expect(busy.calledAt).toEqual([0, 750]);
  });
});

describe("C29: tokenEndpoint checks retry.idempotent when called", () => {
  it.each<[unknown, RegExp]>([
    ["yes", /options.retry.idempotent must be a boolean; got the string "yes"\./],
    [1, /options.retry.idempotent must be a boolean; got 1\./],
  ])("C29: idempotent %p is a TypeError", (idempotent, message) => {
    const retry = { idempotent } as unknown as { idempotent: boolean };
    expect(() => tokenEndpoint(ENDPOINT, { retry })).toThrow(message);
  });

  it("C29: a misspelt idempotent is refused, naming the option", () => {
    const retry = { idempotant: true } as unknown as { idempotent: boolean };
    expect(() => tokenEndpoint(ENDPOINT, { retry })).toThrow(/options.retry.idempotant: did you mean idempotent\?/);
  });
});

describe("C29: a request that is not idempotent is not hedged either (through a credential)", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  it("C29: a POST that hangs gets no hedged second request; a GET does, at hedgeAfterMs", async () => {
    const credentials: CommunicationTokenCredential[] = [];
    const requestsAfter = async (init: RequestInit) => {
      const { fetch, calledAt } = scriptedEndpoint("hang");
      const credential = new CommunicationTokenCredential({ tokenRefresher: tokenEndpoint(ENDPOINT, { fetch, init }) });
      credentials.push(credential);
      track(credential.getToken());
      await advance(9 * SECOND); // before tokenEndpoint's own attempt timeout
      return calledAt;
    };
    expect(await requestsAfter(POST)).toEqual([0]);
    expect(await requestsAfter({ method: "GET" })).toEqual([9 * SECOND, 12 * SECOND]);
    credentials.forEach((credential) => credential.dispose());
  });
  it.each([
    ["a 503", { status: 503 }],
    ["a 408", { status: 408 }],
    ["a refused connection", { rejectWith: fetchFailed("ECONNREFUSED") }],
  ] satisfies [string, Step][])(
    "C29: a POST retried after %s, whose retry then hangs, still gets no hedged request",
    async (_, first) => {
      const { fetch, calledAt } = scriptedEndpoint(first, "hang");
      const credential = new CommunicationTokenCredential({
        tokenRefresher: tokenEndpoint(ENDPOINT, { fetch, init: POST, random: () => 0.5 }),
      });
      track(credential.getToken());
      await advance(9 * SECOND); // the retry at 750 ms would be hedged at 3 750 ms
      expect(calledAt).toEqual([0, 750]);
      credential.dispose();
    },
  );
});
