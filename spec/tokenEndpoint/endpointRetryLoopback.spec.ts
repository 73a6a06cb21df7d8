import { CommunicationTokenCredential, RefreshTimeoutError, tokenEndpoint } from "../../lib/index.js";
import { advance, track, useFakeTime } from "../support/fakeTime.js";
import { OPAQUE_TOKEN } from "../support/tokens.js";
import { aMinuteWithIo, causeCode, ioUntil, listenOnLoopback, recordingFetch } from "./realSockets.js";

/** What the server does with a request: reset the connection (TCP RST), never answer, or answer. */
type Behaviour = "reset" | "hang" | { status: number; body: string };

/** A server on 127.0.0.1 doing `behaviours` in turn (the last repeats), counting what it saw. */
async function startServer(...behaviours: Behaviour[]) {
  const queue = [...behaviours];
  const seen = { received: 0, abandoned: 0 };
  const server = await listenOnLoopback((incoming, outgoing) => {
    seen.received += 1;
    outgoing.on("close", () => {
      if (!outgoing.writableEnded) seen.abandoned += 1;
    });
    const behaviour = (queue.length > 1 ? queue.shift() : queue[0]) ?? "hang";
    if (behaviour === "reset") incoming.socket.resetAndDestroy();
    else if (behaviour !== "hang")
      outgoing.writeHead(behaviour.status, { "content-type": "text/plain" }).end(behaviour.body);
  });
  return { ...server, seen };
}

describe("C29: tokenEndpoint against a real server on 127.0.0.1 (real sockets, fake time for the waits)", () => {
  let close: (() => Promise<void>) | undefined;
  const credentials: CommunicationTokenCredential[] = [];
  beforeEach(useFakeTime);
  afterEach(async () => {
    credentials.splice(0).forEach((credential) => credential.dispose());
    await close?.();
    close = undefined;
    jest.useRealTimers();
  });

  it("C29: a connection reset by the server is retried after the backoff, on a new connection, and the token arrives", async () => {
    const server = await startServer("reset", { status: 200, body: OPAQUE_TOKEN });
    close = server.close;
    const { fetch, rejections } = recordingFetch();
    const outcome = track(
      Promise.resolve(tokenEndpoint(server.url, { fetch, random: () => 1 })(new AbortController().signal)),
    );
    // The reset arrived, the attempt's timer (attemptTimeoutMs) is cleared and the retry's wait is pending.
    await ioUntil(() => rejections.length === 1 && jest.getTimerCount() === 1);
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatchObject({ name: "TypeError", message: "fetch failed" }); // undici's, another realm
    expect(causeCode(rejections[0])).toBe("ECONNRESET");
    await advance(999);
    expect(server.seen.received).toBe(1);
    await advance(1);
    await ioUntil(() => outcome.settled);
    expect(outcome.value).toBe(OPAQUE_TOKEN);
    expect(server.seen.received).toBe(2);
  });

  it("C29: resets to the last retry: the last reset's own error, as fetch gave it", async () => {
    const server = await startServer("reset");
    close = server.close;
    const { fetch, rejections } = recordingFetch();
    const refresher = tokenEndpoint(server.url, { fetch, random: () => 1, retry: { maxRetries: 1 } });
    const outcome = track(Promise.resolve(refresher(new AbortController().signal)));
    await ioUntil(() => rejections.length === 1 && jest.getTimerCount() === 1);
    await advance(1_000);
    await ioUntil(() => outcome.settled);
    expect(server.seen.received).toBe(2);
    expect(outcome.error).toBe(rejections[1]);
    expect(outcome.error).toMatchObject({ name: "TypeError", message: "fetch failed" });
    expect(causeCode(outcome.error)).toBe("ECONNRESET");
  });

  it("C29: a request with no answer is not retried: the credential's deadline abandons it, and nothing more is sent", async () => {
    const server = await startServer("hang", { status: 200, body: OPAQUE_TOKEN });
    close = server.close;
    const credential = new CommunicationTokenCredential({
      tokenRefresher: tokenEndpoint(server.url),
      refreshTimeoutMs: 2_000,
    });
    credentials.push(credential);
    const call = track(credential.getToken());
    await ioUntil(() => server.seen.received === 1);
    await advance(2_000);
    await ioUntil(() => call.settled && server.seen.abandoned === 1);
    expect(call.error).toBeInstanceOf(RefreshTimeoutError);
    await aMinuteWithIo();
    expect(server.seen.received).toBe(1);
  });
});
