import { RefreshTimeoutError, TokenEndpointError, tokenEndpoint, type TokenEndpointOptions } from "../../lib/index.js";
import { credentialsOnFakeTime } from "../support/credentials.js";
import { advance, settle, track, useFakeTime } from "../support/fakeTime.js";
import { HOUR, jwtValidFor, MINUTE, OPAQUE_TOKEN, SECOND, START } from "../support/tokens.js";
import { ioUntil, listenOnLoopback } from "./realSockets.js";
import { refresh as refreshEndpoint, scriptedEndpoint, tokenAsText, type Step } from "./scriptedEndpoint.js";

// C29: retry.attemptTimeoutMs. A request whose answer's headers have not come in time is aborted and
// retried like a network error, so that two hung requests no longer hold every caller until the
// credential's refreshTimeoutMs.

const ENDPOINT = "https://app.example/api/acs-token?code=do-not-log";

/** Starts one refresh of ENDPOINT, whose query no message may show, with `signal`. */
const refresh = (options: TokenEndpointOptions, signal?: AbortSignal) =>
  refreshEndpoint(options, { signal, endpoint: ENDPOINT });

describe("C29: retry.attemptTimeoutMs (scripted fetch, fake time)", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  it("C29: an attempt with no answer is aborted at exactly 10 000 ms, and the next one sent after the backoff", async () => {
    const { fetch, calledAt, signals } = scriptedEndpoint("hang", tokenAsText);
    const outcome = refresh({ fetch, random: () => 0.5 });
    await advance(9_999);
    expect(signals[0]?.aborted).toBe(false);
    await advance(1);
    expect(signals[0]?.reason).toMatchObject({ name: "TimeoutError" });
    expect(calledAt).toEqual([0]);
    await advance(749);
    expect(calledAt).toEqual([0]);
    await advance(1);
    expect(calledAt).toEqual([0, 10_750]);
    await settle();
    expect(outcome.value).toBe(OPAQUE_TOKEN);
    expect(signals[1]?.aborted).toBe(false);
    expect(jest.getTimerCount()).toBe(0); // no timer outlives its attempt
  });

  it("C29: attempts out of time to the last retry: the last one's TimeoutError, naming the endpoint, not its query", async () => {
    const { fetch, calledAt, signals } = scriptedEndpoint("hang");
    const outcome = refresh({ fetch, random: () => 0.5, retry: { attemptTimeoutMs: 2_500 } });
    await advance(15_249);
    expect(calledAt).toEqual([0, 3_250, 7_250, 12_750]); // each 2 500 ms out of time, then 750, 1 500, 3 000 ms
    expect(outcome.settled).toBe(false);
    await advance(1);
    expect(outcome.error).toBe(signals[3]?.reason);
    expect(outcome.error).toBeInstanceOf(DOMException);
    expect(outcome.error).not.toBeInstanceOf(TokenEndpointError);
    expect(outcome.error).not.toBeInstanceOf(RefreshTimeoutError);
    const { name, message } = outcome.error as DOMException;
    expect(name).toBe("TimeoutError");
    expect(message).toBe(
      "The token endpoint https://app.example did not answer within 2500 ms " +
        "(options.retry.attemptTimeoutMs); the request was aborted.",
    );
    expect(jest.getTimerCount()).toBe(0);
  });

  it("C29: a fetch that ignores its signal still fails the attempt at attemptTimeoutMs, and is retried", async () => {
    const { fetch, calledAt } = scriptedEndpoint("deaf", tokenAsText);
    const outcome = refresh({ fetch, random: () => 0.5 });
    await advance(10_750);
    expect(calledAt).toEqual([0, 10_750]);
    await settle();
    expect(outcome.value).toBe(OPAQUE_TOKEN);
  });

  it.each<[string, unknown]>([
    ["a reason of its own", new Error("nobody waits any more")],
    ["no reason (an AbortError)", undefined],
  ])(
    "C29: the refresher's abort during an attempt (%s) aborts it with that reason, clears its timer, and is not retried",
    async (_, reason) => {
      const { fetch, calledAt, signals } = scriptedEndpoint("hang", tokenAsText);
      const controller = new AbortController();
      const outcome = refresh({ fetch, random: () => 0.5 }, controller.signal);
      await advance(4_000);
      controller.abort(reason);
      await settle();
      expect(outcome.error).toBe(controller.signal.reason);
      expect(outcome.error).toMatchObject({ name: reason === undefined ? "AbortError" : "Error" });
      expect(signals[0]?.reason).toBe(controller.signal.reason);
      expect(jest.getTimerCount()).toBe(0);
      await advance(MINUTE);
      expect(calledAt).toEqual([0]);
    },
  );

  it("C29: the refresher's abort ends the attempt at once even when the fetch ignores its signal", async () => {
    const { fetch, calledAt, signals } = scriptedEndpoint("deaf", tokenAsText);
    const controller = new AbortController();
    const outcome = refresh({ fetch, random: () => 0.5 }, controller.signal);
    await advance(4_000);
    const reason = new Error("disposed");
    controller.abort(reason);
    await settle();
    expect(outcome.error).toBe(reason);
    expect(signals[0]?.reason).toBe(reason);
    expect(jest.getTimerCount()).toBe(0);
    await advance(MINUTE);
    expect(calledAt).toEqual([0]);
  });

  it("C29: each attempt unlinks itself from the refresher's signal when it ends", async () => {
    const { fetch } = scriptedEndpoint("hang", { status: 503 }, tokenAsText);
    const signal = new AbortController().signal;
    const added = jest.spyOn(signal, "addEventListener");
    const removed = jest.spyOn(signal, "removeEventListener");
    const outcome = refresh({ fetch, random: () => 0.5 }, signal);
    await advance(MINUTE);
    expect(outcome.value).toBe(OPAQUE_TOKEN);
    expect(added).toHaveBeenCalledTimes(4); // three attempts, and the retry loop's one for all its waits
    expect(removed.mock.calls.map(([, listener]) => listener)).toEqual(
      expect.arrayContaining(added.mock.calls.map(([, listener]) => listener)),
    );
  });

  it("C29: headers at 9 999 ms clear the timer: a body still on its way at 10 000 ms is not aborted", async () => {
    const { fetch, calledAt, signals } = scriptedEndpoint({ ...tokenAsText, afterMs: 9_999, bodyAfterMs: 20_000 });
    const outcome = refresh({ fetch });
    await advance(9_999);
    expect(jest.getTimerCount()).toBe(1); // only the body's, in the scripted fetch
    await advance(20_000 - 1);
    expect(signals[0]?.aborted).toBe(false);
    expect(outcome.settled).toBe(false);
    await advance(1);
    expect(outcome.value).toBe(OPAQUE_TOKEN);
    expect(calledAt).toEqual([0]);
  });

  it("C29: a 503's headers clear the timer too: the retry comes after the backoff alone", async () => {
    const { fetch, calledAt, signals } = scriptedEndpoint({ status: 503, afterMs: 9_000 }, tokenAsText);
    const outcome = refresh({ fetch, random: () => 0.5 });
    await advance(9_750);
    expect(calledAt).toEqual([0, 9_750]);
    await settle();
    expect(outcome.value).toBe(OPAQUE_TOKEN);
    expect(signals[0]?.aborted).toBe(false);
  });

  it("C29: retry: false has no attempt timeout: a hung request waits for the refresher's signal", async () => {
    const { fetch, calledAt, signals } = scriptedEndpoint("hang");
    const controller = new AbortController();
    const outcome = refresh({ fetch, retry: false }, controller.signal);
    expect(jest.getTimerCount()).toBe(0);
    await advance(5 * MINUTE);
    expect(outcome.settled).toBe(false);
    expect(signals[0]).toBe(controller.signal);
    const reason = new RefreshTimeoutError(300_000);
    controller.abort(reason);
    await settle();
    expect(outcome.error).toBe(reason);
    expect(calledAt).toEqual([0]);
  });

  it("C29: maxRetries 0 keeps it: one request, failed with its TimeoutError at 10 000 ms", async () => {
    const { fetch, calledAt } = scriptedEndpoint("hang", tokenAsText);
    const outcome = refresh({ fetch, retry: { maxRetries: 0 } });
    await advance(9_999);
    expect(outcome.settled).toBe(false);
    await advance(1);
    expect(outcome.error).toMatchObject({ name: "TimeoutError" });
    await advance(MINUTE);
    expect(calledAt).toEqual([0]);
  });

  it("C29: an attemptTimeoutMs beyond what timers take (2^32 ms) is capped, not fired at once", async () => {
    const { fetch, signals } = scriptedEndpoint("hang");
    refresh({ fetch, retry: { attemptTimeoutMs: 2 ** 32 } });
    await advance(HOUR);
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(false);
  });
});

describe("C29: tokenEndpoint checks retry.attemptTimeoutMs when called", () => {
  it.each<[string, unknown, RegExp]>([
    ["0", 0, /options.retry.attemptTimeoutMs must be a positive number of milliseconds; got 0\./],
    ["below 0", -1, /options.retry.attemptTimeoutMs must be a positive .*; got -1\./],
    ["NaN", Number.NaN, /options.retry.attemptTimeoutMs must be a positive/],
    ["Infinity", Infinity, /options.retry.attemptTimeoutMs must be a positive/],
    ["a string", "10s", /options.retry.attemptTimeoutMs must be a positive .*; got the string "10s"\./],
    ["null", null, /options.retry.attemptTimeoutMs must be a positive .*; got null\./],
  ])("C29: attemptTimeoutMs %s is a TypeError", (_, attemptTimeoutMs, message) => {
    const retry = { attemptTimeoutMs } as unknown as TokenEndpointOptions["retry"];
    expect(() => tokenEndpoint(ENDPOINT, { retry })).toThrow(message);
  });

  it.each([
    ["attemptTimeout", /Unknown option options.retry.attemptTimeout: did you mean attemptTimeoutMs\?/],
    ["attemptTimeOutMs", /Unknown option options.retry.attemptTimeOutMs: did you mean attemptTimeoutMs\?/],
  ])("C29: a misspelt %s names attemptTimeoutMs", (name, message) => {
    const retry = { [name]: 5_000 } as unknown as TokenEndpointOptions["retry"];
    expect(() => tokenEndpoint(ENDPOINT, { retry })).toThrow(message);
  });

  it.each([1, 250.5, 60_000, undefined])("C29: attemptTimeoutMs %s is taken", (attemptTimeoutMs) => {
    expect(() => tokenEndpoint(ENDPOINT, { retry: { attemptTimeoutMs } })).not.toThrow();
  });
});

describe("C29: attemptTimeoutMs through a CommunicationTokenCredential (scripted fetch, fake time)", () => {
  const create = credentialsOnFakeTime();
  const issued = (): Step => ({
    status: 200,
    body: JSON.stringify({ token: jwtValidFor(HOUR, START), expiresOnTimestamp: START + HOUR }),
  });

  it("C29: requests 1 and 2 hang, 3 answers; default hedge: the hedge is request 2, request 1's retry gets the token at 10 750 ms", async () => {
    const { fetch, calledAt, signals } = scriptedEndpoint("hang", "hang", issued());
    const credential = create({ tokenRefresher: tokenEndpoint(ENDPOINT, { fetch, random: () => 0.5 }) });
    const first = track(credential.getToken());
    await advance(5 * SECOND);
    const joining = track(credential.getToken());
    expect(calledAt).toEqual([0, 3_000]);
    await advance(5_749);
    expect(first.settled || joining.settled).toBe(false);
    await advance(1);
    expect(first.value?.token).toBe(jwtValidFor(HOUR, START));
    expect(joining.value?.token).toBe(jwtValidFor(HOUR, START));
    // The hedged call lost: its request was aborted as no longer needed, not out of time.
    expect(signals[1]?.reason).toMatchObject({ name: "AbortError" });
    await advance(SECOND);
    const later = track(credential.getToken());
    await settle();
    expect(later.value?.token).toBe(jwtValidFor(HOUR, START));
    await advance(MINUTE);
    expect(calledAt).toEqual([0, 3_000, 10_750]);
  });

  it("C29: the same without the hedge: both hung requests out of time, the token at 22 250 ms, inside refreshTimeoutMs", async () => {
    const { fetch, calledAt } = scriptedEndpoint("hang", "hang", issued());
    const tokenRefresher = tokenEndpoint(ENDPOINT, { fetch, random: () => 0.5 });
    const credential = create({ tokenRefresher, hedgeAfterMs: false });
    const call = track(credential.getToken());
    await advance(22_249);
    expect(call.settled).toBe(false);
    expect(calledAt).toEqual([0, 10_750]);
    await advance(1);
    expect(call.value?.token).toBe(jwtValidFor(HOUR, START));
    await advance(MINUTE);
    expect(calledAt).toEqual([0, 10_750, 22_250]);
  });
});

describe("C29: attemptTimeoutMs against a real server on 127.0.0.1 (real sockets, fake time)", () => {
  let close: (() => Promise<void>) | undefined;
  beforeEach(useFakeTime);
  afterEach(async () => {
    await close?.();
    close = undefined;
    jest.useRealTimers();
  });

  it("C29: undici's request is closed on the wire at attemptTimeoutMs, and the retry gets the token", async () => {
    const seen = { received: 0, closedUnanswered: 0 };
    const server = await listenOnLoopback((_, outgoing) => {
      seen.received += 1;
      outgoing.on("close", () => (seen.closedUnanswered += outgoing.writableEnded ? 0 : 1));
      if (seen.received > 1) outgoing.writeHead(200, { "content-type": "text/plain" }).end(OPAQUE_TOKEN);
    });
    close = server.close;
    const refresher = tokenEndpoint(server.url, { random: () => 1 });
    const outcome = track(Promise.resolve(refresher(new AbortController().signal)));
    await ioUntil(() => seen.received === 1);
    await advance(10_000);
    await ioUntil(() => seen.closedUnanswered === 1);
    await advance(1_000);
    await ioUntil(() => outcome.settled);
    expect(outcome.value).toBe(OPAQUE_TOKEN);
    expect(seen.received).toBe(2);
  });
});
